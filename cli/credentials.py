"""Where passwords come from on the command line: --password-stdin, LOTBOOK_PASSWORD, else a prompt.
A new password: LOTBOOK_NEW_PASSWORD, else a prompt asked twice. Never from an argument."""

from __future__ import annotations

import getpass
import os
import sys

from core.errors import DomainError
from core.i18n import _


def password(args, prompt: str | None = None) -> str:
    """The acting user's password; ``prompt`` (translated) is asked at a terminal, else
    "Password: "."""
    if getattr(args, "password_stdin", False):
        if getattr(args, "_stdin_read", False):
            raise DomainError(
                _("--password-stdin gives one password; give the other by environment.")
            )
        args._stdin_read = True
        line = sys.stdin.readline()
        if not line:
            raise DomainError(_("--password-stdin was given but standard input is empty."))
        return line.rstrip("\r\n")
    env = os.environ.get("LOTBOOK_PASSWORD")
    if env is not None:
        return env
    return _prompt(_("Password: ") if prompt is None else prompt)


def second_password(args, who: str) -> str:
    """Another person's password for the same command (QA overriding a refused lot at the
    bench): LOTBOOK_QA_PASSWORD, else the next line of standard input after --password-stdin's,
    else a prompt that names them."""
    env = os.environ.get("LOTBOOK_QA_PASSWORD")
    if env is not None:
        return env
    if getattr(args, "_stdin_read", False):
        line = sys.stdin.readline()
        if not line:
            raise DomainError(
                _(
                    "No password for {who}: give it on the next line of standard input or in "
                    "LOTBOOK_QA_PASSWORD."
                ).format(who=who)
            )
        return line.rstrip("\r\n")
    return _prompt(_("Password of {who} (QA): ").format(who=who))


def new_password(prompt: str | None = None) -> str:
    """A new password; ``prompt`` (translated) is asked at a terminal, else "New password: "."""
    env = os.environ.get("LOTBOOK_NEW_PASSWORD")
    if env is not None:
        return env
    first = _prompt(_("New password: ") if prompt is None else prompt)
    second = _prompt(_("Repeat the new password: "))
    if first != second:
        raise DomainError(_("The two new passwords differ. Nothing was changed."))
    return first


def _prompt(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise DomainError(
            _(
                "No password given: use --password-stdin or set LOTBOOK_PASSWORD (no terminal to "
                "ask)."
            )
        )
    return getpass.getpass(prompt)
