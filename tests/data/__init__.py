"""Files the tests read, kept in the repository so a fresh clone tests on its own."""

from pathlib import Path

INSTRUMENT_SAMPLES = Path(__file__).resolve().parent / "instruments"
