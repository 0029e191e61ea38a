"""Which of the bundle's shared libraries Debian provides through the .deb's Depends.

The Linux bundle leaves out a library when the Debian package that installed it on the build
machine is named in the Depends line of packaging/linux/control.in: apt installs it with Lotbook,
and Debian's security updates reach it. Everything else stays in the bundle. On a machine without
dpkg (a Windows or non-Debian build) nothing is left out.

Used by packaging/lotbook.spec, tests/packaging/ and tests/benchmarks/bench_bundle.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

_PACKAGE_NAME = re.compile(r"[a-z0-9][a-z0-9+.-]+")


def depends_packages(control: Path) -> set[str]:
    """The package names in a control file's Depends field (alternatives included)."""
    text = control.read_text(encoding="utf-8")
    match = re.search(r"^Depends:(.*(?:\n[ \t].*)*)", text, re.MULTILINE)
    if match is None:
        return set()
    names = set()
    for clause in match.group(1).replace("\n", " ").split(","):
        for alternative in clause.split("|"):
            found = _PACKAGE_NAME.match(alternative.strip())
            if found:
                names.add(found.group(0))
    return names


def _candidates(path: str) -> list[str]:
    """dpkg knows a file by the path its package shipped; with merged /usr that may be /lib/...
    or /usr/lib/..., and a soname link's target rather than the link."""
    paths = []
    for each in (path, os.path.realpath(path)):
        paths.append(each)
        if each.startswith("/usr/lib/"):
            paths.append(each.removeprefix("/usr"))
        elif each.startswith("/lib/"):
            paths.append("/usr" + each)
    return list(dict.fromkeys(paths))


def owning_packages(paths: list[str]) -> dict[str, str]:
    """Each path (as given) → the Debian package that installed it, where dpkg knows one."""
    if not paths or shutil.which("dpkg-query") is None:
        return {}
    candidates = {path: _candidates(path) for path in paths}
    asked = sorted({c for cs in candidates.values() for c in cs})
    # exit status 1 when some path belongs to no package: the others are still printed
    out = subprocess.run(
        ["dpkg-query", "-S", *asked], capture_output=True, text=True, check=False
    ).stdout
    owner: dict[str, str] = {}
    for line in out.splitlines():
        if line.startswith("diversion by"):
            continue
        packages, _, path = line.partition(": ")
        first = packages.split(",")[0].strip()
        owner[path.strip()] = first.split(":")[0]  # "libx11-6:amd64" → "libx11-6"
    result = {}
    for path, cs in candidates.items():
        for candidate in cs:
            if candidate in owner:
                result[path] = owner[candidate]
                break
    return result


def debian_provided(libraries: list[tuple[str, str]], control: Path) -> set[str]:
    """The bundle paths (dest) of the (dest, source path) libraries whose package the .deb
    depends on."""
    wanted = depends_packages(control)
    owners = owning_packages([src for _dest, src in libraries])
    return {dest for dest, src in libraries if owners.get(src) in wanted}


def linked_from_outside(bundle: Path) -> dict[str, str | None]:
    """Each library a file of the built bundle links (DT_NEEDED) that the bundle does not carry
    → where it resolves on this machine (None: not found). The loader's own ld-linux is left
    out."""
    from PyInstaller.depend.bindepend import get_imports

    inside = {path.name for path in bundle.rglob("*.so*")}
    outside: dict[str, str | None] = {}
    for path in sorted(bundle.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        with path.open("rb") as fh:
            if fh.read(4) != b"\x7fELF":
                continue
        for name, resolved in get_imports(str(path)):
            if Path(name).name not in inside and not name.startswith("ld-linux"):
                outside.setdefault(name, resolved)
    return outside
