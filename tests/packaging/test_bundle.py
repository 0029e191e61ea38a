"""The frozen bundle (PyInstaller) and the Debian package, built and run as a user would.

One build per run, into a temporary folder (never dist/): the manifest, `lotbook self-test` and
the start to the login window (offscreen), then, as root with dpkg, the .deb installed, run from
PATH and removed again - the data a user made stays."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXE = "lotbook.exe" if sys.platform == "win32" else "lotbook"
PASSWORD = "bundle-pass-2026"


def _version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["project"]["version"]


def _run(cmd: list[str], env: dict | None = None, timeout: float = 300, **kw):
    return subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False, **kw
    )


def _frozen_env(data: Path, **extra: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LOTBOOK_DATA_DIR=str(data), **extra)
    for name in ("LOTBOOK_DB", "LOTBOOK_PASSWORD", "LOTBOOK_NEW_PASSWORD", "LOTBOOK_STARTUP_PROBE"):
        if name not in extra:
            env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("PyInstaller", reason="PyInstaller is in the dev lock (make test)")
    work = tmp_path_factory.mktemp("pyinstaller")
    build = _run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(ROOT / "packaging" / "lotbook.spec"),
            "--noconfirm",
            "--clean",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
        ],
        cwd=ROOT,
        timeout=900,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    folder = work / "dist" / "lotbook"
    manifest = _run([sys.executable, str(ROOT / "packaging" / "build_manifest.py"), str(folder)])
    assert manifest.returncode == 0, manifest.stderr
    shutil.rmtree(work / "build", ignore_errors=True)  # 300 MB of intermediate files
    return folder


def _has_self_test() -> bool:
    out = _run([sys.executable, str(ROOT / "main.py"), "--help"], env=dict(os.environ))
    return "self-test" in out.stdout


def test_manifest_lists_every_file_with_its_sha256(bundle: Path):
    manifest = json.loads((bundle / "lotbook-manifest.json").read_text())
    assert manifest["name"] == "lotbook"
    assert manifest["version"] == _version()
    assert manifest["built_at"].endswith("Z")
    assert manifest["python"].startswith("3.11.")
    assert manifest["platform"]
    on_disk = {
        p.relative_to(bundle).as_posix()
        for p in bundle.rglob("*")
        if p.is_file() and p.name != "lotbook-manifest.json"
    }
    assert set(manifest["files"]) == on_disk
    for relative, digest in manifest["files"].items():
        assert hashlib.sha256((bundle / relative).read_bytes()).hexdigest() == digest, relative
    files = manifest["files"]
    assert EXE in files
    for needed in (
        "_internal/pyproject.toml",
        "_internal/resources/templates/cart-auto-lv.toml",
        "_internal/resources/fonts/DejaVuSans.ttf",
        "_internal/resources/profiles/cedex-hires.toml",
        "_internal/resources/icons/lotbook.svg",
        "_internal/core/store/migrations/env.py",
        "_internal/core/store/migrations/versions/0001_first_schema.py",
    ):
        assert needed in files, needed
    # bytecode only where it is shipped on purpose: shiboken's support modules, precompiled so
    # that shiboken does not compile them at every start (packaging/shiboken_support.py)
    support = "_internal/shiboken6/files.dir/"
    assert not [f for f in files if "__pycache__" in f and not f.startswith(support)]
    assert f"{support}shibokensupport/signature/loader.py" in files
    assert f"{support}shibokensupport/signature/__pycache__/loader.cpython-311.pyc" in files
    # Qt's own translations: its dialogs (qtbase) in the languages Lotbook is offered in, no more
    qt_translations = sorted(f.rsplit("/", 1)[-1] for f in files if "/translations/" in f)
    assert qt_translations == ["qtbase_de.qm", "qtbase_ko.qm", "qtbase_zh_CN.qm"]
    # Lotbook's catalogues (compiled) and the Korean and Chinese fonts
    for code in ("de", "ko", "zh_CN"):
        assert f"_internal/resources/locale/{code}/LC_MESSAGES/lotbook.mo" in files
    assert "_internal/resources/fonts/LotbookSansKR-Regular.ttf.xz" in files
    assert "_internal/resources/fonts/LotbookKaiSC-Regular.ttf.xz" in files
    assert not [f for f in files if f.endswith((".po", ".pot"))]
    babel = [f for f in files if "/babel/locale-data/" in f]
    assert 0 < len(babel) < 20, "Babel's data for the offered languages only"
    assert not [f for f in files if "psycopg" in f.lower()], "the bundle is SQLite-only"


def test_every_library_left_out_of_the_bundle_is_one_the_deb_depends_on(bundle: Path):
    """The Linux bundle leaves Debian's own libraries to the package's Depends: each library a
    bundled program or module links to is either in the bundle or installed by a package the
    .deb depends on (so apt brings it onto a fresh machine)."""
    if not sys.platform.startswith("linux") or not shutil.which("dpkg-query"):
        pytest.skip("a Debian machine is needed to know which package owns a library")
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        from system_libraries import depends_packages, linked_from_outside, owning_packages
    finally:
        sys.path.remove(str(ROOT / "packaging"))

    outside = linked_from_outside(bundle)
    assert "libX11.so.6" in outside, "Debian's X11 library is taken from the system"
    assert not [n for n, p in outside.items() if p is None], "unresolved libraries"
    owners = owning_packages([p for p in outside.values() if p])
    depends = depends_packages(ROOT / "packaging" / "linux" / "control.in")
    not_promised = {name: owners.get(path) for name, path in outside.items()}
    not_promised = {n: pkg for n, pkg in not_promised.items() if pkg not in depends}
    assert not not_promised, f"add these packages to Depends in control.in: {not_promised}"


def test_frozen_cli_prints_to_stdout(bundle: Path, tmp_path: Path):
    out = _run([str(bundle / EXE), "--help"], env=_frozen_env(tmp_path / "data"))
    assert out.returncode == 0, out.stderr
    assert "export-pdf" in out.stdout and "verify-pdf" in out.stdout


def test_frozen_self_test_passes_in_german_korean_and_chinese(bundle: Path, tmp_path: Path):
    """The catalogues, Babel's data and the fonts are in the bundle: the self-test (its sealed PDF
    included) passes in German, Korean and Chinese, and says so in them."""
    from core.i18n import _, in_language

    for code in ("de", "ko", "zh_CN"):
        env = _frozen_env(tmp_path / code)
        out = _run([str(bundle / EXE), "--lang", code, "self-test"], env=env, timeout=600)
        assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]
        with in_language(code):
            step = _("export a sealed PDF batch summary")
        assert step != "export a sealed PDF batch summary" and step in out.stdout


def test_frozen_self_test_passes(bundle: Path, tmp_path: Path):
    if not _has_self_test():
        pytest.skip("`self-test` is not a command of main.py yet (main.py --help)")
    out = _run([str(bundle / EXE), "self-test"], env=_frozen_env(tmp_path / "data"), timeout=600)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]


def test_frozen_app_reaches_the_login_window(bundle: Path, tmp_path: Path):
    env = _frozen_env(tmp_path / "data", LOTBOOK_STARTUP_PROBE="1")
    out = _run([str(bundle / EXE), "--demo"], env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-4000:]
    assert "login window shown" in out.stdout


# -- the Debian package ---------------------------------------------------------------------------


def _deb_possible() -> str | None:
    if sys.platform != "linux" or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "installing a .deb needs root"
    if not (shutil.which("dpkg-deb") and shutil.which("dpkg")):
        return "dpkg is not available"
    status = _run(["dpkg-query", "-W", "-f=${Status}", "lotbook"])
    if (
        status.returncode == 0
        and "installed" in status.stdout
        and "not-installed" not in status.stdout
    ):
        return "a lotbook package is already installed on this machine: left alone"
    return None


@pytest.fixture
def installed_deb(bundle: Path, tmp_path: Path) -> Iterator[Path]:
    reason = _deb_possible()
    if reason:
        pytest.skip(reason)
    out_dir = tmp_path / "deb"
    built = _run(
        [str(ROOT / "packaging" / "linux" / "build_deb.sh"), str(bundle), str(out_dir)],
        env=dict(os.environ, DEB_COMPRESSION="none", PYTHON=sys.executable),
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    deb = Path(built.stdout.strip().splitlines()[-1])
    assert deb.name == f"lotbook_{_version()}_amd64.deb"
    try:
        install = _run(["dpkg", "-i", str(deb)], timeout=600)
        if install.returncode != 0:  # missing Depends: let apt bring them (needs its sources)
            fixed = _run(
                ["apt-get", "install", "-f", "-y", "-qq", "--no-install-recommends"],
                env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
                timeout=900,
            )
            status = _run(["dpkg-query", "-W", "-f=${Status}", "lotbook"]).stdout
            if fixed.returncode != 0 or status != "install ok installed":
                pytest.skip(
                    f"the package's dependencies cannot be installed: {fixed.stderr[-500:]}"
                )
        yield deb
    finally:
        _run(["dpkg", "--purge", "lotbook"], timeout=600)


def test_deb_installs_runs_and_removes_keeping_data(installed_deb: Path, tmp_path: Path):
    assert Path("/opt/lotbook/lotbook").is_file()
    assert Path("/opt/lotbook/lotbook-manifest.json").is_file()
    assert Path("/usr/share/applications/lotbook.desktop").is_file()
    assert Path("/usr/share/icons/hicolor/256x256/apps/lotbook.png").is_file()
    assert Path("/usr/share/icons/hicolor/scalable/apps/lotbook.svg").is_file()
    launcher = shutil.which("lotbook", path="/usr/bin")
    assert launcher == "/usr/bin/lotbook"

    # the site configuration file is honoured (only when this machine has none of its own)
    site = tmp_path / "site"
    env_file = Path("/etc/lotbook/lotbook.env")
    made_env_file = not env_file.exists()
    made_etc = not env_file.parent.exists()
    env = _frozen_env(tmp_path / "unused")
    if made_env_file:
        env.pop("LOTBOOK_DATA_DIR")
        env_file.parent.mkdir(exist_ok=True)
        env_file.write_text(
            f'# written by tests/packaging/test_bundle.py\nLOTBOOK_DATA_DIR="{site}"\n'
        )
    else:
        env["LOTBOOK_DATA_DIR"] = str(site)
    try:
        init = _run(
            ["lotbook", "init", "--admin", "ada", "--full-name", "Ada Admin"],
            env=dict(env, LOTBOOK_PASSWORD=PASSWORD, LOTBOOK_NEW_PASSWORD=PASSWORD),
        )
        assert init.returncode == 0, init.stderr
        assert (site / "lotbook.db").is_file()
        if _has_self_test():
            test = _run(["lotbook", "self-test"], env=env, timeout=600)
            assert test.returncode == 0, test.stdout[-4000:] + test.stderr[-4000:]
        probe = _run(["lotbook", "--demo"], env=dict(env, LOTBOOK_STARTUP_PROBE="1"), timeout=120)
        assert probe.returncode == 0, probe.stderr[-4000:]
    finally:
        if made_env_file:
            env_file.unlink(missing_ok=True)
            if made_etc:
                shutil.rmtree(env_file.parent, ignore_errors=True)

    removed = _run(["dpkg", "-r", "lotbook"], timeout=600)
    assert removed.returncode == 0, removed.stderr
    assert not Path("/opt/lotbook").exists()
    assert not Path("/usr/bin/lotbook").exists()
    assert (site / "lotbook.db").is_file(), "removing the package must keep the data"
    purged = _run(["dpkg", "--purge", "lotbook"], timeout=600)
    assert purged.returncode == 0, purged.stderr
    assert (site / "lotbook.db").is_file(), "purging the package must keep the data"
