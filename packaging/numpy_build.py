"""The Linux bundle's numpy: built from the sdist pinned in requirements.lock, without BLAS.

numpy's wheels from PyPI carry OpenBLAS built for every x86 CPU generation (25 MB) plus
libgfortran and libquadmath (3 MB). Lotbook uses numpy for curves and traces (element-wise
arithmetic, reductions, min/max decimation, searching) and pyqtgraph for small 3×3 transforms:
none of it goes through BLAS. The same numpy version built with `-Dblas=none -Dlapack=none`
uses numpy's own loops for matmul and its bundled lapack_lite for numpy.linalg, and is ~12 MB
smaller again without the run-time CPU dispatch variants (`-Dcpu-dispatch=none`; the baseline
SSE/SSE2/SSE3 kernels are kept). Measured on this machine: min/max decimation of 4.84 M points
as fast as the PyPI wheel; a 300×300 matmul 25 ms instead of 0.9 ms (never done by Lotbook).

The build is reproducible: the sdist is checked against the lock's hashes, and the build tools
(meson-python, meson, Cython, ninja) are the dev lock's pins, used without build isolation. It
takes ~5 minutes on two cores, so the unpacked result is kept in a cache keyed by everything
that goes into it (LOTBOOK_BUILD_CACHE, default build/cache/ in the checkout).

Used by packaging/lotbook.spec; by hand: `python packaging/numpy_build.py` prints the folder.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
MESON_OPTIONS = (
    "-Dallow-noblas=true",
    "-Dblas=none",
    "-Dlapack=none",
    "-Dcpu-dispatch=none",
)
BUILD_TOOLS = ("meson-python", "meson", "Cython", "ninja")


class NumpyBuildError(RuntimeError):
    pass


def locked_numpy(lock: Path = LOCK) -> tuple[str, list[str]]:
    """numpy's version and its allowed sha256 hashes (wheels and sdist) in the lock."""
    text = lock.read_text(encoding="utf-8")
    match = re.search(r"^numpy==(\S+)((?:\s*\\\n\s*--hash=sha256:[0-9a-f]{64})+)", text, re.M)
    if match is None:
        raise NumpyBuildError(f"numpy is not pinned with hashes in {lock}")
    return match.group(1), re.findall(r"sha256:([0-9a-f]{64})", match.group(2))


def cache_key(version: str, hashes: list[str]) -> str:
    tools = {name: importlib.metadata.version(name) for name in BUILD_TOOLS}
    inputs = {
        "numpy": version,
        "hashes": sorted(hashes),
        "options": MESON_OPTIONS,
        "python": sys.implementation.cache_tag,
        "platform": sys.platform,
        "tools": tools,
    }
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]
    return f"numpy-{version}-noblas-{digest}"


def cache_dir() -> Path:
    """build/cache/ of this checkout (never the user's home: the tests give each test a HOME of
    its own), or LOTBOOK_BUILD_CACHE."""
    configured = os.environ.get("LOTBOOK_BUILD_CACHE")
    return Path(configured) if configured else ROOT / "build" / "cache"


def numpy_without_blas(cache: Path | None = None, log=print) -> Path:
    """A folder holding `numpy/` and its dist-info, built once per set of inputs."""
    version, hashes = locked_numpy()
    cache = cache or cache_dir()
    target = cache / cache_key(version, hashes)
    if (target / "numpy" / "__init__.py").is_file():
        return target
    log(f"numpy_build: building numpy {version} without BLAS into {target} (~5 min, once)")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        work = Path(tmp)
        # the sdist is checked against the lock's hashes; the build options go on the
        # requirement's own line (pip passes a command line -C only to requirements named there)
        requirements = work / "numpy.txt"
        requirements.write_text(
            " ".join(
                [
                    f"numpy=={version}",
                    *(f"--hash=sha256:{h}" for h in hashes),
                    *(f"--config-settings=setup-args={option}" for option in MESON_OPTIONS),
                ]
            )
            + "\n"
        )
        tools = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # meson, ninja
        _run(
            [sys.executable, "-m", "pip", "--disable-pip-version-check", "wheel", "--no-deps",
             "--no-build-isolation", "--no-binary", "numpy", "--require-hashes",
             "--no-cache-dir",  # pip's wheel cache does not tell builds with other options apart
             "-r", str(requirements), "-w", str(work / "wheel")],
            dict(os.environ, PATH=tools),
            f"building numpy {version} failed (it needs gcc, g++ and the Python headers)",
        )  # fmt: skip
        wheels = list((work / "wheel").glob("numpy-*.whl"))
        if len(wheels) != 1:
            raise NumpyBuildError(f"expected one numpy wheel, found {wheels}")
        unpacked = work / "unpacked"
        with zipfile.ZipFile(wheels[0]) as wheel:
            wheel.extractall(unpacked)
        _check_no_blas(unpacked)
        shutil.rmtree(target, ignore_errors=True)
        unpacked.rename(target)  # same filesystem: the result appears whole or not at all
    return target


def _run(command: list[str], env: dict, failure: str) -> None:
    run = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if run.returncode != 0:
        raise NumpyBuildError(f"{failure}:\n" + (run.stdout + run.stderr)[-3000:])


def _check_no_blas(folder: Path) -> None:
    """The build must say what was asked of it: no BLAS, no LAPACK, no dispatch variants."""
    probe = (
        "import json, numpy; c = numpy.__config__.CONFIG; "
        "print(json.dumps([c['Build Dependencies']['blas']['name'], "
        "c['Build Dependencies']['lapack']['name'], c['SIMD Extensions'].get('found', [])]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(folder)),
        cwd=folder,
        check=False,
    )
    if out.returncode != 0 or json.loads(out.stdout) != ["none", "none", []]:
        raise NumpyBuildError(
            f"the numpy build is not the one asked for (BLAS, LAPACK, dispatch): "
            f"{out.stdout.strip()} {out.stderr[-1000:]}"
        )


if __name__ == "__main__":
    try:
        print(numpy_without_blas(log=lambda message: print(message, file=sys.stderr)))
    except NumpyBuildError as exc:
        print(exc, file=sys.stderr)
        sys.exit(1)
