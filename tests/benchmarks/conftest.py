"""Benchmarks run with `make bench`, not with `make test`: each compares Lotbook against the floor
the issue names, in the same run, and prints the figures."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
RESULTS = Path(__file__).resolve().parent / "results"


@pytest.fixture
def report():
    def write(name: str, figures: dict) -> None:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2) + "\n")
        print(f"\n[{name}]")
        for key, value in figures.items():
            print(f"  {key}: {value}")

    return write
