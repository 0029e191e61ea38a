"""Options many commands share: --db and --lang, --user with the password's source, --json."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence

from core.i18n import LANGUAGES, SOURCE, _, from_environment, language_of, set_language


def common_options(default: object = argparse.SUPPRESS) -> argparse.ArgumentParser:
    """--db and --lang, accepted before or after the command (a sub-command must not reset them
    to None)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        default=default,
        help=_("database URL or SQLite file (else LOTBOOK_DB)"),
    )
    common.add_argument(
        "--lang",
        metavar="CODE",
        default=default,
        type=language_code,
        help=_(
            "the language of the output: {offered} (else LANGUAGE, LC_ALL, LC_MESSAGES or LANG, "
            "else English); --json output is always in English"
        ).format(offered=", ".join(LANGUAGES)),
    )
    return common


def choose_language(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language of the output, set before any (the parser's help is translated as it is
    built): --lang's, else the environment's (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else
    English. An unknown --lang is left to the parser, which refuses it (a usage error) in the
    environment's language."""
    asked = None
    tokens = iter(argv)
    for token in tokens:
        if token == "--":
            break
        if token == "--lang":
            asked = next(tokens, None)
        elif token.startswith("--lang="):
            asked = token.split("=", 1)[1]
    return set_language(language_of(asked) or from_environment(dict(environ)) or SOURCE)


def language_code(text: str) -> str:
    """--lang's value: an offered language (a code, a locale such as de_DE.UTF-8, or its name)."""
    found = language_of(text)
    if found is None:
        raise argparse.ArgumentTypeError(refused_language(text))
    return found


def refused_language(text: str) -> str:
    offered = ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())
    return _("'{code}' is not a language Lotbook is offered in: {offered}.").format(
        code=text, offered=offered
    )


def as_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", required=True, metavar="NAME", help=_("who is acting"))
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help=_("read the password from standard input (else LOTBOOK_PASSWORD, else a prompt)"),
    )


def json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=_("print data as JSON"))


def force_option(parser: argparse.ArgumentParser) -> None:
    """--force: replace an existing output file (never a database, a folder or a device)."""
    parser.add_argument(
        "--force", action="store_true", help=_("replace the output file if it exists")
    )
