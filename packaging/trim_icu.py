"""Build a smaller ICU data library for the Linux bundle.

PySide6's Qt Core links ICU, and its `libicudata.so.NN` carries the whole ICU data package
(32 MB): every locale's names of units, currencies, languages, regions and time zones, break
dictionaries for Thai, Khmer, Lao, Burmese and CJK, transliterators, spell-out rules and ~200
character-set converters. Qt Core reaches ICU only for these (`nm -D --undefined-only
libQt6Core.so.6 | grep _NN`):

- `ucnv_*`: QStringConverter for encodings Qt does not implement itself;
- `u_strToLower` / `u_strToUpper`: locale-aware case mapping (its tables are compiled into
  libicuuc, not the data package);
- `ucal_getTimeZoneDisplayName` / `ucal_getCanonicalTimeZoneID`: QTimeZone display names;
- `ucol_*`: QCollator and QString::localeAwareCompare.

Lotbook's own text goes through Python (UTF-8 files, its own number parser, zoneinfo), so the
package keeps what those four need in the *root* and *English* locales, every structural item
(supplemental data, time-zone rules and metazones, normalisation, the root collation) and the
single-byte converters (ISO-8859-x, Windows and DOS code pages, KOI8, Mac). Any other locale
falls back to root, as ICU does for a locale it has no data for. Dropped: other locales' data,
break iterators and their dictionaries, transliterators, spell-out rules and the multi-byte (CJK)
converters. The result is ~3 MB.

Tools: `icupkg` (Debian `icu-devtools`) edits the package and checks that every kept item's
dependencies are kept; `as` and `ld` (binutils) wrap it in a shared library with the same SONAME
and the `icudtNN_dat` symbol that libicuuc links to. Used by packaging/lotbook.spec; by hand:
    python packaging/trim_icu.py PySide6/Qt/lib/libicudata.so.73 OUT_DIR
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

# locale IDs kept in every tree: root and English (en, en_001, en_GB, en_US_POSIX, ...)
KEPT_LOCALE = re.compile(r"^(root|en(_[A-Za-z0-9]+)*)$")
# a locale ID: language (2-3 lower-case letters), then script/region/variant parts
LOCALE_ID = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*$")  # de_ (coll/de_.res) too
# look like locale IDs, are not: each tree's index of its locales
NOT_LOCALES = {"res_index"}
# whole trees nothing in Qt reads: break iteration, transliteration, spell-out (number words)
DROPPED_TREES = ("brkitr", "translit", "rbnf")
# single-byte converters are 1-14 KB; the multi-byte (CJK, mainframe DBCS) ones 30-550 KB
MAX_CONVERTER_BYTES = 20_000


class TrimError(RuntimeError):
    pass


def embedded_package(library: Path) -> tuple[str, bytes]:
    """The `icudtNN_dat` symbol's name and bytes in an ELF64 little-endian shared library."""
    data = library.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise TrimError(f"{library} is not a 64-bit little-endian ELF file")
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)
    ]
    # (name, type, flags, addr, offset, size, link, info, addralign, entsize)
    for _name, sh_type, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if sh_type != 11:  # SHT_DYNSYM
            continue
        strtab_offset = sections[link][4]
        for index in range(size // entsize):
            st_name, _st_info, _other, shndx, value, st_size = struct.unpack_from(
                "<IBBHQQ", data, offset + index * entsize
            )
            end = data.index(b"\0", strtab_offset + st_name)
            name = data[strtab_offset + st_name : end].decode()
            if re.fullmatch(r"icudt\d+_dat", name):
                section = sections[shndx]
                start = section[4] + (value - section[3])
                return name, data[start : start + st_size]
    raise TrimError(f"{library} has no icudtNN_dat symbol")


def removed_items(items: list[str]) -> list[str]:
    """The items (tree/name.ext, as `icupkg -l` lists them) the bundle does without."""
    removed = []
    for item in items:
        tree, _, name = item.rpartition("/")
        stem, _, ext = name.rpartition(".")
        if tree in DROPPED_TREES or (
            ext == "res"
            and stem not in NOT_LOCALES
            and LOCALE_ID.match(stem)
            and not KEPT_LOCALE.match(stem)
        ):
            removed.append(item)
    return removed


def trim(library: Path, out_dir: Path) -> Path:
    """Write `out_dir/<library name>`: the same library with the trimmed package."""
    for tool in ("icupkg", "as", "ld"):
        if shutil.which(tool) is None:
            raise TrimError(
                f"{tool} is missing: install Debian's icu-devtools and binutils "
                "(tools/bootstrap.sh does this for make bundle)"
            )
    symbol, package = embedded_package(library)
    # icudt73l: the item prefix of a little-endian package
    prefix = f"{symbol.removesuffix('_dat')}l"
    work = out_dir / "icu-work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    full = work / "full" / f"{prefix}.dat"
    full.parent.mkdir()
    full.write_bytes(package)
    listing = subprocess.run(
        ["icupkg", "-l", str(full)], check=True, capture_output=True, text=True
    ).stdout.split()
    converters = [item for item in listing if item.endswith(".cnv") and "/" not in item]
    (work / "converters.txt").write_text("\n".join(converters) + "\n")
    (work / "cnv").mkdir()
    subprocess.run(
        ["icupkg", "-x", str(work / "converters.txt"), "-d", str(work / "cnv"), str(full)],
        check=True,
    )
    big_converters = [
        item for item in converters if (work / "cnv" / item).stat().st_size > MAX_CONVERTER_BYTES
    ]
    remove = set(removed_items(listing) + big_converters)
    trimmed = work / f"{prefix}.dat"
    # icupkg refuses a package in which a kept item needs a removed one ("Item X depends on
    # missing item Y"): a small converter that extends a big one, say. Such an item goes too.
    for _attempt in range(5):
        (work / "remove.txt").write_text("\n".join(sorted(remove)) + "\n")
        run = subprocess.run(
            ["icupkg", "-r", str(work / "remove.txt"), str(full), str(trimmed)],
            capture_output=True,
            text=True,
        )
        if run.returncode == 0:
            break
        missing = re.findall(r"Item (\S+) depends on missing item (\S+)", run.stderr)
        dependants = {item for item, needed in missing if needed in remove}
        if not dependants or len(dependants) < len(missing):
            raise TrimError(f"icupkg could not trim the ICU data:\n{run.stderr}")
        remove |= dependants
    else:
        raise TrimError("icupkg kept finding dependencies of removed ICU items")
    assembly = work / "icudata.s"
    assembly.write_text(
        "\t.section .rodata\n"
        f"\t.globl {symbol}\n"
        f"\t.type {symbol}, @object\n"
        "\t.balign 16\n"
        f"{symbol}:\n"
        f'\t.incbin "{trimmed}"\n'
        f"\t.size {symbol}, . - {symbol}\n"
        '\t.section .note.GNU-stack,"",@progbits\n'
    )
    obj = work / "icudata.o"
    subprocess.run(["as", "-o", str(obj), str(assembly)], check=True)
    target = out_dir / library.name
    link = ["ld", "-shared", "-soname", library.name, "-z", "noexecstack", "-o", str(target)]
    subprocess.run([*link, str(obj)], check=True)
    return target


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    try:
        target = trim(Path(argv[0]), Path(argv[1]))
    except (TrimError, subprocess.CalledProcessError) as exc:
        print(f"trim_icu: {exc}", file=sys.stderr)
        return 1
    print(f"{target}: {target.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
