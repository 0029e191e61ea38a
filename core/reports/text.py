"""Words and times as the reports print them: local time with its zone, an instrument's own
measurement time with the zone it was read in, verdict and status words, "does not apply" with
its condition, printed names for usernames, audit values shortened to what changed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.i18n import N_, _, first_upper
from core.readmodels import CheckView, ResultVersionView
from core.reports.model import BatchReport
from core.signing_views import SignatureState, SignatureView
from core.words import DISPOSITION_LABEL, STATUS_WORDS, VERDICT_MARKS

EMPTY = "—"
DOES_NOT_APPLY = N_("does not apply")  # shown as _(DOES_NOT_APPLY)
_OFFSET = re.compile(r"^(?:UTC)?([+-])(\d{1,2}):?(\d{2})$")


class LocalTime:
    """Formats UTC times in the report's zone: "2026-11-25 14:03 CET"."""

    def __init__(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)

    def __call__(self, when: datetime | str | None, seconds: bool = False) -> str:
        if when is None:
            return EMPTY
        if isinstance(when, str):
            when = datetime.fromisoformat(when)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        local = when.astimezone(self.zone)
        return local.strftime("%Y-%m-%d %H:%M:%S %Z" if seconds else "%Y-%m-%d %H:%M %Z")

    def local(self, when: datetime) -> datetime:
        return when.astimezone(self.zone)


def verdict_word(verdict: str | None) -> str:
    return VERDICT_MARKS.get(verdict, verdict) if verdict else ""


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status) or first_upper(status.replace("_", " "))


def _zone(name: str) -> tzinfo | None:
    """An instrument's zone: an IANA name or a UTC offset ("+02:00"); None if neither."""
    found = _OFFSET.match(name.strip())
    if found:
        sign, hours, minutes = found.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        return timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def applies_text(check: CheckView) -> str | None:
    """Why a check has no result though it is in the record: it does not apply to this batch,
    or whether it applies is not known yet. None: it applies."""
    if check.applies is False:
        if check.condition:
            return _("does not apply to this batch (applies only when {condition})").format(
                condition=check.condition
            )
        return _("does not apply to this batch")
    if check.applies is None:
        if check.condition:
            return _("applies only when {condition}: not known yet").format(
                condition=check.condition
            )
        return _("applies only when its condition holds: not known yet")
    return None


def printed_names(report: BatchReport) -> dict[str, str]:
    """username → printed name, from everything in the report that carries both."""
    names: dict[str, str] = {report.generated_by: report.generated_by_name}
    for check in report.batch.checks():
        for version in check.history:
            names.setdefault(version.recorded_by, version.recorded_by_name)
    for signature in report.review.signatures:
        names.setdefault(signature.signer, signature.signer_name)
    if report.review.audit_review:
        mark = report.review.audit_review
        names.setdefault(mark.reviewed_by, mark.reviewed_by_name)
    return names


def who(username: str | None, names: dict[str, str]) -> str:
    if not username:
        return EMPTY
    name = names.get(username)
    return f"{name} ({username})" if name and name != username else username


def disposition_label(disposition: str | None) -> str:
    if not disposition:
        return EMPTY
    return DISPOSITION_LABEL.get(disposition, disposition)


def signature_state(signature: SignatureView) -> str:
    """ "valid", or a wording nobody can take for a valid signature."""
    if signature.state == SignatureState.VALID:
        return _("valid")
    detail = signature.state_detail or _("no detail recorded")
    if signature.state == SignatureState.BROKEN:
        return _("NOT VALID – {detail}").format(detail=detail)
    return _("INVALIDATED – {detail}").format(detail=detail)


def signature_state_word(signature: SignatureView) -> str:
    """The state in a word or two, without its detail: "valid", "NOT VALID", "INVALIDATED"."""
    if signature.state == SignatureState.VALID:
        return _("valid")
    if signature.state == SignatureState.BROKEN:
        return _("NOT VALID")
    return _("INVALIDATED")


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ReportContext:
    """What every section needs besides the report: local times and printed names."""

    def __init__(self, report: BatchReport) -> None:
        self.report = report
        self.time = LocalTime(report.time_zone)
        self.names = printed_names(report)

    def who(self, username: str | None) -> str:
        return who(username, self.names)

    def measured(self, version: ResultVersionView) -> str | None:
        """The instrument's own measurement time beside the entry time, in the report's zone,
        with the zone the instrument's time was read in: "measured 2026-11-20 16:30 CET
        (instrument time, Europe/Berlin)". None: not an instrument value with a time."""
        if version.measured_at is None:
            return None
        time = self.time(version.measured_at)
        zone = (version.measured_zone or "").strip()
        if not zone:
            return _("measured {time} (instrument time, zone not stated)").format(time=time)
        found = _zone(zone)
        same = found is not None and version.measured_at.astimezone(found).utcoffset() == (
            self.time.local(version.measured_at).utcoffset()
        )
        if found is None or same:
            return _("measured {time} (instrument time, {zone})").format(time=time, zone=zone)
        there = version.measured_at.astimezone(found)
        same_day = there.date() == self.time.local(version.measured_at).date()
        return _("measured {time} (instrument: {there} {zone})").format(
            time=time, there=there.strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M"), zone=zone
        )

    @staticmethod
    def timing(version: ResultVersionView) -> str | None:
        if not version.timing_reason:
            return None
        return _("measurement time accepted outside its window: {reason}").format(
            reason=version.timing_reason
        )
