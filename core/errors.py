"""Domain errors. Each carries a message a technician can act on: what was wrong and what to do.

Services raise these instead of returning None; the CLI prints ``str(error)`` on one line and
exits 1, the GUI shows it next to the field or in a dialog. The message speaks to both fronts;
what only a command line can do (a flag, a command) goes in ``cli_hint``, which the CLI adds and
the GUI never shows.
"""

from __future__ import annotations

from typing import Any, Self


class DomainError(Exception):
    """Base of every refusal that a user can understand and act on.

    The message is in the reader's language (core/i18n.py). A refusal that is also kept — in the
    audit trail or a stored record — is made with ``said``, which keeps its ``canonical`` text
    (the catalogue's source language) beside the translated message."""

    cli_hint: str | None = None  # what the command line adds: "Name one with --profile."
    canonical: str | None = None  # the message in the record's language, when it is kept
    field: str | None = None
    """The canonical name of the input the refusal is about (a ``core.fields.Field``: "username",
    "full_name", "time_zone", "lot", "coi_id", "occurred_at", "password" ...), when it is about
    one: the GUI focuses that input by it, never by the words of the message."""

    def __init__(
        self, message: str, *, cli_hint: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if cli_hint is not None:
            self.cli_hint = cli_hint
        if field is not None:
            self.field = field

    def __str__(self) -> str:
        return self.message

    @classmethod
    def said(
        cls,
        message: str,
        /,
        *,
        keyword: dict[str, Any] | None = None,
        shown: dict[str, str] | None = None,
        **fields: Any,
    ) -> Self:
        """The refusal ``message`` (a sentence marked ``N_()`` with named ``{fields}``) in the
        reader's language, its canonical text kept in ``canonical``; ``keyword``: the arguments
        of the error's own constructor (``username=`` of PermissionDenied, ``cli_hint=``,
        ``field=``);
        ``shown``: words the reader sees in place of a field's canonical value (a role or a
        permission in the reader's language, while the kept text names it in English)."""
        from core.i18n import _

        error = cls(_(message).format(**{**fields, **(shown or {})}), **(keyword or {}))
        error.canonical = message.format(**fields)
        return error

    @property
    def record_text(self) -> str:
        """What is kept of the refusal: its canonical text where there is one."""
        return self.canonical or self.message


class InvalidValue(DomainError):
    """Typed user input could not be read as the field requires (number, unit, choice ...)."""


class TemplateInvalid(DomainError):
    """A process template file failed validation; carries the file, the line and the reason."""

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        from core.i18n import _

        where = _("{file}, line {line}").format(file=file, line=line) if line else file
        super().__init__(_("Template {where}: {reason}").format(where=where, reason=reason))
        self.file = file
        self.line = line
        self.reason = reason


class CalculationError(DomainError):
    """A derived value cannot be computed from its inputs (for example a division by zero)."""


class NotFound(DomainError):
    """A lot, check, user, template or deviation that the user named does not exist."""


class AlreadyExists(DomainError):
    """Something that must be unique (lot, username, template version) already exists."""


class AuthenticationFailed(DomainError):
    """Wrong username or password, inactive or locked account."""


class PasswordChangeRequired(DomainError):
    """The account still has an initial password; the user must choose their own first."""


class PermissionDenied(DomainError):
    """The user's role does not allow this action, or separation of duties forbids it.
    ``username``: who was refused, when known (the refusal is audited under that name)."""

    def __init__(
        self, message: str, username: str | None = None, *, field: str | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.username = username


class JustificationRequired(DomainError):
    """An out-of-spec value needs a comment or a deviation reference before it is final."""


class ScanMismatch(DomainError):
    """A scanned code does not match what the step expects; the step is blocked."""


class StoreError(DomainError):
    """The database cannot be opened or migrated (missing, newer schema, unreadable)."""


class SchemaTooNew(StoreError):
    """The database was written by a newer Lotbook than this one."""


class Conflict(DomainError):
    """The action does not fit the current state (value already recorded, batch closed ...)."""


class NeedsReason(DomainError):
    """Refused as it stands, but a person may accept it by giving a reason (an instrument's
    measurement time outside its window, for example): the reason becomes a review exception."""


class UseRefused(DomainError):
    """A material lot or an item of equipment may not be used now (not released, expired, of
    another material, out of service, past a due date); QA may override it with a reason, which
    opens a deviation."""
