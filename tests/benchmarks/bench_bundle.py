"""Issue 6 benchmark, one run: the frozen bundle (packaging/lotbook.spec).

(a) Size on disk of the bundle folder (every file, as `du` counts bytes), goal ≤ 150 MB, and the
    build time (PyInstaller + manifest).
(b) Start to the login window (LOTBOOK_STARTUP_PROBE=1, offscreen) of the frozen `lotbook --demo`
    against `python main.py --demo` from source, same environment, same probe: median of
    interleaved runs, ratio (goal: the bundle no slower, ratio ≤ 1.0).

The bundle is built into a temporary folder; LOTBOOK_BENCH_BUNDLE=path/to/dist/lotbook measures
an existing build instead (its build time is then not reported).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = 21
MB = 1_000_000


def _build(tmp_path: Path) -> tuple[Path, float]:
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(ROOT / "packaging" / "lotbook.spec"),
            "--noconfirm",
            "--clean",
            "--distpath",
            str(tmp_path / "dist"),
            "--workpath",
            str(tmp_path / "build"),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=900,
    )
    bundle = tmp_path / "dist" / "lotbook"
    subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build_manifest.py"), str(bundle)],
        check=True,
        capture_output=True,
    )
    return bundle, time.perf_counter() - start


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _system_libraries(folder: Path) -> tuple[int, int]:
    """How many of Debian's libraries the bundle links from the system (the .deb's Depends),
    and their size: what a fresh machine installs with the package, not counted above."""
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        from system_libraries import linked_from_outside
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    found = {os.path.realpath(p) for p in linked_from_outside(folder).values() if p}
    return len(found), sum(Path(p).stat().st_size for p in found)


def _wall(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - start
    assert "login window shown" in out.stdout
    return elapsed


def test_bundle_size_and_start_against_source(tmp_path, report):
    given = os.environ.get("LOTBOOK_BENCH_BUNDLE")
    if given:
        bundle, build_s = Path(given), None
    else:
        bundle, build_s = _build(tmp_path)
    size = _size(bundle)
    system_count, system_bytes = _system_libraries(bundle)

    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        LOTBOOK_DATA_DIR=str(tmp_path / "data"),
        LOTBOOK_STARTUP_PROBE="1",
    )
    frozen_cmd = [str(bundle / "lotbook"), "--demo"]
    source_cmd = [sys.executable, str(ROOT / "main.py"), "--demo"]
    _wall(frozen_cmd, env), _wall(source_cmd, env)  # warm the file cache once
    frozen_times, source_times = [], []
    for _ in range(RUNS):
        frozen_times.append(_wall(frozen_cmd, env))
        source_times.append(_wall(source_cmd, env))
    frozen_s, source_s = statistics.median(frozen_times), statistics.median(source_times)
    ratio = frozen_s / source_s
    figures = {
        "bundle_size_mb": round(size / MB, 1),
        "bundle_files": sum(1 for p in bundle.rglob("*") if p.is_file()),
        "size_goal_mb": "<= 150",
        "debian_libraries_linked_from_the_system (the .deb's Depends, not counted)": (
            f"{system_count} files, {system_bytes / MB:.1f} MB"
        ),
        "build_s (PyInstaller + manifest)": round(build_s, 1) if build_s else "not built here",
        "runs": RUNS,
        "frozen_to_login_window_median_s": round(frozen_s, 3),
        "source_to_login_window_median_s": round(source_s, 3),
        "median_ratio_frozen_over_source": round(ratio, 2),
        "start_goal": "<= 1.0 (the bundle no slower)",
    }
    report("bundle", figures)
    assert ratio <= 1.0, f"the bundle starts {ratio:.2f}x slower than from source"
    assert size <= 150 * MB, f"the bundle is {size / MB:.0f} MB (goal <= 150 MB)"
