"""The commands are declared once (cli/command_table.py): main.py routes by that table, the parser
offers exactly its commands with its words, and the README lists exactly them."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from cli.app import build_parser
from cli.command_table import COMMANDS

README = Path(__file__).resolve().parents[2] / "README.md"


def _top_level(parser: argparse.ArgumentParser) -> dict[str, str]:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {action.dest: action.help for action in sub._choices_actions}


def test_the_parser_offers_exactly_the_declared_commands_in_their_words():
    offered = _top_level(build_parser())
    assert set(offered) == set(COMMANDS)
    for name, words in COMMANDS.items():
        assert offered[name].startswith(words), name


def test_main_routes_every_declared_command_to_the_command_line():
    import main

    assert main.COMMANDS is COMMANDS
    for name in COMMANDS:
        assert main._is_command([name]) and main._is_command(["--db", "x.db", name])
    assert not main._is_command(["--demo"]) and not main._is_command(["--large-text"])


def test_the_readme_lists_exactly_the_declared_commands():
    text = README.read_text("utf-8")
    block = text[text.index("## Command line") :]
    block = block[block.index("```sh") : block.index("```", block.index("```sh") + 5)]
    listed = {m.group(1) for m in re.finditer(r"^python main\.py ([a-z-]+)", block, re.M)}
    assert listed == set(COMMANDS)
