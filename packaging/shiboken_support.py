"""shiboken6's signature-support modules as files with their bytecode, for the bundle.

At every `import PySide6.QtCore`, shiboken6 loads its `shibokensupport` package (signature
parsing, the feature switch, the .pyi generator: 14 modules). Unless a folder `files.dir` sits
beside `shiboken6/__init__`, it takes them from a zip embedded in libshiboken, as source, and
compiles all 14 at every start: about 20 ms of the ~210 ms to the login window on this machine.
With `files.dir` present (shiboken's documented "de-virtualised" mode, `SBK_EMBED=0`), they are
ordinary modules, and with their bytecode beside them nothing is compiled.

`support_files(workdir)` writes that folder from the very shiboken6 being bundled (a scratch copy
of the package, started once with SBK_EMBED=0, so the build environment is never written to),
compiles it with unchecked-hash .pyc files (valid whatever the installed files' times; the
bundle is read-only and never writes bytecode) and returns the (source, bundle folder) pairs for
the spec's datas.
"""

from __future__ import annotations

import compileall
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path


class ShibokenSupportError(RuntimeError):
    pass


def support_files(workdir: Path) -> list[tuple[str, str]]:
    spec = importlib.util.find_spec("shiboken6")
    if spec is None or not spec.submodule_search_locations:
        raise ShibokenSupportError("shiboken6 is not installed in the build environment")
    package = Path(next(iter(spec.submodule_search_locations)))
    scratch = workdir / "shiboken-support"
    shutil.rmtree(scratch, ignore_errors=True)
    copy = scratch / "shiboken6"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "files.dir"))
    run = subprocess.run(
        [sys.executable, "-c", "import shiboken6"],
        env=dict(os.environ, SBK_EMBED="0", PYTHONPATH=str(scratch)),
        cwd=scratch,
        capture_output=True,
        text=True,
        check=False,
    )
    folder = copy / "files.dir"
    if run.returncode != 0 or not (folder / "shibokensupport" / "__init__.py").is_file():
        raise ShibokenSupportError(
            f"shiboken6 did not write its support files: {run.stdout}{run.stderr}"
        )
    if not compileall.compile_dir(
        folder,
        quiet=1,
        invalidation_mode=compileall.py_compile.PycInvalidationMode.UNCHECKED_HASH,
    ):
        raise ShibokenSupportError(f"compiling {folder} failed")
    return [
        (str(path), str(Path("shiboken6") / "files.dir" / path.parent.relative_to(folder)))
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ]
