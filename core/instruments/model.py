"""What an instrument file becomes once read: counter readings or a multi-channel trace.

Parsing is all or nothing: a profile either returns a ``ParsedFile`` for the whole file or raises
``InstrumentFileInvalid`` naming the line and the reason. Storage (original bytes, SHA-256, audit)
is the import service's job (core/services/imports.py), not the parsers'.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Protocol

import numpy as np

from core.errors import DomainError
from core.i18n import _

# What a cell counter reports, by the names a template's checks use in their `measures` key.
COUNT_QUANTITIES = (
    "viable_cell_density",  # cells/mL
    "total_cell_density",  # cells/mL
    "dead_cell_density",  # cells/mL
    "viability",  # %
    "cell_diameter",  # µm
)


class InstrumentFileInvalid(DomainError):
    """The file cannot be imported as a whole; names the line (1-based) and the reason."""

    def __init__(
        self, file: str, line: int | None, reason: str, *, cli_hint: str | None = None
    ) -> None:
        if line:
            message = _("{file}, line {line}: {reason} Nothing was imported.").format(
                file=file, line=line, reason=reason
            )
        else:
            message = _("{file}: {reason} Nothing was imported.").format(file=file, reason=reason)
        super().__init__(message, cli_hint=cli_hint)
        self.file = file
        self.line = line
        self.reason = reason


class SampleNamesNoStep(InstrumentFileInvalid):
    """A count whose sample id names no step of the batch: importable once a person says which
    step it belongs to (``choices``: the steps with a check for what it measured, as (id, name))."""

    def __init__(
        self, file: str, line: int | None, reason: str, choices: tuple[tuple[str, str], ...]
    ) -> None:
        super().__init__(file, line, reason)
        self.choices = choices


@dataclass(frozen=True)
class CountReading:
    """One sample measured by a cell counter."""

    line: int  # the file line where the sample's data is (its row, or its first key line)
    sample_id: str  # as the operator typed it on the instrument
    measured_at: datetime | None  # aware, UTC
    values: Mapping[str, Decimal]  # quantity (COUNT_QUANTITIES) → value in the unit noted there
    raw: Mapping[str, str] = field(default_factory=dict)  # the fields as read, for the record
    # The zone ``measured_at`` was read in: the IANA name when a time without a zone was read in
    # the site's or the profile's zone ("Europe/Berlin"), "UTC" when the file stated UTC (Z,
    # +00:00, "Time (UTC)"), else the offset the file stated ("+02:00", "-05:30"). None without
    # a time.
    zone: str | None = None
    # The instrument's serial number (a leading "S/N" dropped) or name, when the file states it;
    # None when it does not (an operator's name is not an instrument).
    instrument: str | None = None


@dataclass(frozen=True)
class Channel:
    key: str  # short lower-case name a template's `[[channels]]` uses: "ph", "do", "temperature"
    name: str  # as the file names it: "pH", "DO (%)"
    unit: str | None
    values: np.ndarray  # float64, one per time; NaN where the file left the cell empty


@dataclass(frozen=True)
class Trace:
    """A timestamped multi-channel log (a bioreactor, an incubator)."""

    times: np.ndarray  # float64 seconds since 1970-01-01 UTC, non-decreasing
    channels: tuple[Channel, ...]
    first_line: int  # the line of the first data row


@dataclass(frozen=True)
class ParsedFile:
    profile: str
    kind: str  # "counts" | "trace"
    encoding: str  # how the bytes were read: "utf-8", "utf-8-sig", "utf-16", "cp1252"
    delimiter: str
    decimal: str  # "." or ","
    rows: int  # data rows read
    counts: tuple[CountReading, ...] = ()
    trace: Trace | None = None
    notes: tuple[str, ...] = ()  # what a reviewer should know (e.g. "times read in Europe/Berlin")


class Profile(Protocol):
    """An import profile: recognises and reads one kind of instrument file. Its attributes are
    read-only (properties here), so that frozen dataclasses are profiles too."""

    @property
    def name(self) -> str:
        """E.g. "vi-cell-blu", typed on the CLI (`--profile`)."""
        ...

    @property
    def title(self) -> str:
        """For people: "Beckman Coulter Vi-CELL BLU export (CSV)"."""
        ...

    @property
    def kind(self) -> str:
        """Either "counts" or "trace"."""
        ...

    @property
    def description(self) -> str: ...

    def recognises(self, text: str) -> bool:
        """True if the decoded text looks like this profile's files (used when no profile is
        named). Must be cheap and must not raise."""
        ...

    def parse(self, data: bytes, file: str, *, timezone: str | None = None) -> ParsedFile:
        """Read the whole file or raise InstrumentFileInvalid. ``timezone`` (IANA name) is used
        for times written without a zone when the file itself does not state one; without it
        such times are refused."""
        ...
