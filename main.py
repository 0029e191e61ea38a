"""Lotbook — composition root. With a command: the CLI. Without: the app (the demo with --demo)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from cli.app import build_parser, run

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is not None:
        return run(args)
    from ui.app import run_app

    return run_app(db=args.db, demo=args.demo)


if __name__ == "__main__":
    sys.exit(main())
