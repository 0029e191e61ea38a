"""Lotbook — composition root. With a command: the CLI. Without: the app (the demo with --demo).

The app path imports only what the login window needs; the CLI and the core load on demand.
--db and --lang (the language, before any output) are global: given before a command, they do not
make it the app's start."""

from __future__ import annotations

import os
import sys

from cli.command_table import COMMANDS  # the one list of commands (cheap: no argparse)
from core.i18n import _, from_environment, language_of, set_language

HELP = {"-h", "--help"}
WITH_VALUE = {"--db", "--lang"}  # global options that take the next token as their value


def _is_command(argv: list[str]) -> bool:
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token in WITH_VALUE:
            skip = True
            continue
        if token in COMMANDS or token in HELP or not token.startswith("-"):
            return True
        if token.startswith(("--db=", "--lang=")):
            continue
    return False


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if _is_command(argv):
        from cli.app import main as cli_main

        return cli_main(argv)
    options = _app_options(argv)
    if options is None:
        set_language(from_environment(dict(os.environ)) or "en")
        print(
            _(
                "usage: main.py [--db URL] [--lang CODE] [--demo] [--large-text]   "
                "(main.py --help: commands)"
            )
        )
        return 2
    asked = options.pop("lang")
    if asked is not None:  # the app's language until a user logs in
        if language_of(asked) is None:
            from cli.options import refused_language

            set_language(from_environment(dict(os.environ)) or "en")
            print(f"main.py: {refused_language(asked)}", file=sys.stderr)
            return 2
        set_language(asked)
    from ui.app import run_app

    return run_app(**options)


def _app_options(argv: list[str]) -> dict | None:
    """The app's own few options, read without argparse (start-up time matters here)."""
    options: dict = {"db": None, "demo": False, "large_text": False, "lang": None}
    tokens = iter(argv)
    for token in tokens:
        if token == "--demo":
            options["demo"] = True
        elif token == "--large-text":
            options["large_text"] = True
        elif token == "--db":
            options["db"] = next(tokens, None)
            if options["db"] is None:
                return None
        elif token.startswith("--db="):
            options["db"] = token.split("=", 1)[1]
        elif token == "--lang":
            options["lang"] = next(tokens, None)
            if options["lang"] is None:
                return None
        elif token.startswith("--lang="):
            options["lang"] = token.split("=", 1)[1]
        else:
            return None
    return options


if __name__ == "__main__":
    sys.exit(main())
