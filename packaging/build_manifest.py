"""Write lotbook-manifest.json into a built bundle: every file with its SHA-256, and the build.

    python packaging/build_manifest.py [dist/lotbook]

Format (read by `lotbook validate` at Path(sys.executable).parent / "lotbook-manifest.json"):
    {"name": "lotbook", "version": "0.1.0", "built_at": "2026-…Z", "python": "3.11.x",
     "platform": "…", "files": {"relative/path": "sha256hex", …}}
Paths are relative to the bundle folder, "/"-separated, sorted; the manifest is not listed."""

from __future__ import annotations

import hashlib
import json
import platform
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = "lotbook-manifest.json"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def bundle_files(bundle: Path) -> dict[str, str]:
    files = {}
    for path in sorted(bundle.rglob("*")):
        if path.is_symlink() and path.is_dir():
            continue
        if not path.is_file():
            continue
        relative = path.relative_to(bundle).as_posix()
        if relative != MANIFEST:
            files[relative] = sha256_of(path)
    return files


def build_manifest(bundle: Path) -> dict:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        version = str(tomllib.load(fh)["project"]["version"])
    return {
        "name": "lotbook",
        "version": version,
        "built_at": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "python": platform.python_version(),
        "platform": f"{sys.platform}-{platform.machine()}",
        "files": bundle_files(bundle),
    }


def main(argv: list[str]) -> int:
    bundle = Path(argv[0] if argv else ROOT / "dist" / "lotbook").resolve()
    exe = bundle / ("lotbook.exe" if sys.platform == "win32" else "lotbook")
    if not exe.is_file():
        print(
            f"no bundle at {bundle} (missing {exe.name}): run `make bundle` first", file=sys.stderr
        )
        return 1
    manifest = build_manifest(bundle)
    (bundle / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=False) + "\n")
    print(f"{bundle / MANIFEST}: {len(manifest['files'])} files, version {manifest['version']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
