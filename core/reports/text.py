"""Words and times as the reports print them: local time with its zone, verdict words, printed
names for usernames, audit values shortened to what changed."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from core.reports.model import BatchReport
from core.signing_views import DISPOSITION_LABEL, SignatureState, SignatureView

VERDICT_WORD = {"pass": "pass", "alert": "ALERT", "oos": "OOS", "report": "report"}
EMPTY = "—"


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
    return VERDICT_WORD.get(verdict or "", verdict or "")


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
        return "valid"
    detail = signature.state_detail or "no detail recorded"
    if signature.state == SignatureState.BROKEN:
        return f"NOT VALID – {detail}"
    return f"INVALIDATED – {detail}"


def approved(report: BatchReport) -> SignatureView | None:
    """The batch's newest APPROVED signature (valid or not), if any."""
    found = [s for s in report.review.signatures if s.meaning == "APPROVED"]
    return max(found, key=lambda s: s.signed_at) if found else None


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
