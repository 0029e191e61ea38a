"""The application version, read from pyproject.toml (the single source) or the frozen bundle."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


def app_root() -> Path:
    """The folder holding resources/: the checkout, or the PyInstaller bundle when frozen."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parent.parent


@cache
def app_version() -> str:
    import tomllib  # only when the version is first asked for, not at start-up

    pyproject = app_root() / "pyproject.toml"
    try:
        with pyproject.open("rb") as fh:
            return str(tomllib.load(fh)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "0+unknown"


def command_name() -> str:
    """How a user starts Lotbook's commands here: `lotbook` when installed, else from source."""
    return "lotbook" if getattr(sys, "frozen", False) else "python main.py"
