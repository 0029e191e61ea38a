"""The helpers packaging/lotbook.spec uses to make the Linux bundle smaller: what each keeps and
drops. (The bundle built with them is checked by test_bundle.py.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
import numpy_build  # noqa: E402
import shiboken_support  # noqa: E402
import system_libraries  # noqa: E402
import trim_icu  # noqa: E402

sys.path.remove(str(ROOT / "packaging"))


# -- ICU data --------------------------------------------------------------------------------------


def test_icu_keeps_root_english_and_structure_and_drops_other_locales():
    items = [
        "root.res", "en.res", "en_GB.res", "en_US_POSIX.res", "de.res", "de_CH.res",
        "zh_Hant_TW.res", "res_index.res", "pool.res", "supplementalData.res", "metaZones.res",
        "zoneinfo64.res", "cnvalias.icu", "nfkc.nrm", "ibm-5348_P100-1997.cnv",
        "coll/root.res", "coll/ucadata.icu", "coll/de.res", "coll/de_.res", "coll/res_index.res",
        "zone/en.res", "zone/fr.res", "zone/pool.res", "zone/tzdbNames.res",
        "brkitr/root.res", "brkitr/thaidict.dict", "translit/root.res", "rbnf/en.res",
    ]  # fmt: skip
    removed = set(trim_icu.removed_items(items))
    assert removed == {
        "de.res", "de_CH.res", "zh_Hant_TW.res", "coll/de.res", "coll/de_.res", "zone/fr.res",
        "brkitr/root.res", "brkitr/thaidict.dict", "translit/root.res", "rbnf/en.res",
    }  # fmt: skip


def _pyside_icu_data() -> Path:
    pyside = pytest.importorskip("PySide6")
    found = sorted((Path(pyside.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not found:
        pytest.skip("this PySide6 carries no ICU data library")
    return found[0]


def test_icu_package_is_read_out_of_the_library():
    symbol, package = trim_icu.embedded_package(_pyside_icu_data())
    assert symbol.startswith("icudt") and symbol.endswith("_dat")
    # an ICU common data package: header size, then the magic bytes 0xda 0x27
    assert package[2:4] == b"\xda\x27"
    assert len(package) > 20_000_000


@pytest.mark.slow
def test_trimmed_icu_library_is_small_and_exports_the_same_symbol(tmp_path: Path):
    if not all(shutil.which(tool) for tool in ("icupkg", "as", "ld", "readelf")):
        pytest.skip("icupkg (icu-devtools) and binutils are needed")
    original = _pyside_icu_data()
    trimmed = trim_icu.trim(original, tmp_path)
    assert trimmed.name == original.name
    assert trimmed.stat().st_size < 6_000_000 < original.stat().st_size
    symbol, package = trim_icu.embedded_package(trimmed)
    assert symbol == trim_icu.embedded_package(original)[0]
    assert package[2:4] == b"\xda\x27" and len(package) < trimmed.stat().st_size
    dynamic = subprocess.run(
        ["readelf", "-d", str(trimmed)], capture_output=True, text=True, check=True
    ).stdout
    assert f"[{original.name}]" in dynamic  # the SONAME libicuuc links against
    listing = subprocess.run(
        ["icupkg", "-l", str(tmp_path / "icu-work" / f"{symbol[:-4]}l.dat")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for kept in ("root.res", "en.res", "coll/root.res", "coll/ucadata.icu", "zoneinfo64.res",
                 "zone/en.res", "cnvalias.icu", "ibm-5348_P100-1997.cnv"):  # fmt: skip
        assert kept in listing, kept
    assert "de.res" not in listing and "gb18030.cnv" not in listing


# -- Debian's libraries ----------------------------------------------------------------------------


def test_depends_field_is_read_with_continuation_lines_and_alternatives(tmp_path: Path):
    control = tmp_path / "control"
    control.write_text(
        "Package: lotbook\n"
        "Depends: libc6 (>= 2.36), libgl1 | libgl1-mesa-glx,\n"
        " libssl3, libstdc++6 (>= 12)\n"
        "Recommends: fonts-dejavu-core\n"
    )
    assert system_libraries.depends_packages(control) == {
        "libc6", "libgl1", "libgl1-mesa-glx", "libssl3", "libstdc++6",
    }  # fmt: skip


def test_only_libraries_of_depended_on_packages_are_left_out(tmp_path: Path):
    if not shutil.which("dpkg-query"):
        pytest.skip("dpkg is needed")
    libc = Path("/lib/x86_64-linux-gnu/libc.so.6")
    if not libc.exists():
        pytest.skip("not an x86-64 Debian machine")
    control = tmp_path / "control"
    control.write_text("Depends: libc6\n")
    libraries = [("libc.so.6", str(libc)), ("libpython3.11.so.1.0", sys.executable)]
    assert system_libraries.debian_provided(libraries, control) == {"libc.so.6"}
    control.write_text("Depends: libgl1\n")
    assert system_libraries.debian_provided(libraries, control) == set()


# -- numpy ---------------------------------------------------------------------------------------


def test_numpy_pin_and_hashes_come_from_the_lock():
    version, hashes = numpy_build.locked_numpy()
    import numpy

    assert version == numpy.__version__
    assert len(hashes) > 10 and all(len(h) == 64 for h in hashes)


def test_numpy_build_cache_key_changes_with_what_goes_into_the_build(monkeypatch):
    version, hashes = numpy_build.locked_numpy()
    key = numpy_build.cache_key(version, hashes)
    assert key.startswith(f"numpy-{version}-noblas-")
    assert numpy_build.cache_key(version, hashes[1:]) != key
    monkeypatch.setattr(numpy_build, "MESON_OPTIONS", (*numpy_build.MESON_OPTIONS, "-Dx=y"))
    assert numpy_build.cache_key(version, hashes) != key


_ICU_PROBE = """
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone
en = QLocale("en_US")
zone = QTimeZone(b"Europe/Berlin")
standard, long_name = QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName
print(QCollator(en).compare("apple", "Zebra") < 0)
print(QLocale("tr_TR").toUpper("istanbul"))
print(zone.displayName(standard, long_name, en))
print(zone.displayName(standard, long_name, QLocale("de_DE")))
for name in ("windows-1252", "ISO-8859-2", "IBM437", "KOI8-R", "Shift_JIS", "GB18030"):
    print(name, QStringDecoder(name).isValid())
"""


@pytest.mark.slow
def test_qt_with_the_trimmed_icu_data_still_sorts_cases_and_names_zones(tmp_path: Path):
    """Qt Core, given the trimmed data library in place of its own: collation, locale case
    mapping and English time-zone names work; another locale's names fall back to English; the
    single-byte converters stay and the CJK ones are gone."""
    if not all(shutil.which(tool) for tool in ("icupkg", "as", "ld")):
        pytest.skip("icupkg (icu-devtools) and binutils are needed")
    original = _pyside_icu_data()
    package = original.parents[2]  # .../site-packages/PySide6
    copy = tmp_path / "site" / "PySide6"
    # hard links: the same files at no cost, but Qt's $ORIGIN is the copy's folder
    shutil.copytree(package, copy, copy_function=_link_or_copy)
    icu = copy / "Qt" / "lib" / original.name
    icu.unlink()
    shutil.copy2(trim_icu.trim(original, tmp_path / "icu"), icu)
    out = subprocess.run(
        [sys.executable, "-c", _ICU_PROBE],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(copy.parent)},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "True",
        "İSTANBUL",  # Turkish dotted capital I: case mapping is compiled into libicuuc
        "Central European Standard Time",
        "Central European Standard Time",  # German names were dropped: English instead
        "windows-1252 True",
        "ISO-8859-2 True",
        "IBM437 True",
        "KOI8-R True",
        "Shift_JIS False",
        "GB18030 False",
    ]


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


# -- shiboken's support modules ------------------------------------------------------------------


def test_shiboken_support_files_come_with_bytecode_and_leave_the_build_venv_alone(tmp_path: Path):
    import importlib.util

    package = Path(next(iter(importlib.util.find_spec("shiboken6").submodule_search_locations)))
    entries = shiboken_support.support_files(tmp_path)
    assert not (package / "files.dir").exists(), "the build environment is never written to"
    by_name = {Path(src).name: dest for src, dest in entries}
    assert by_name["loader.py"] == str(Path("shiboken6/files.dir/shibokensupport/signature"))
    assert by_name["loader.cpython-311.pyc"].endswith("signature/__pycache__")
    sources = [src for src, _ in entries if src.endswith(".py")]
    compiled = [src for src, _ in entries if src.endswith(".pyc")]
    assert len(sources) == len(compiled) >= 10
    # unchecked-hash bytecode: valid whatever times the installed files get (flags = 0b01)
    header = Path(compiled[0]).read_bytes()[:8]
    assert int.from_bytes(header[4:8], "little") == 0b01
