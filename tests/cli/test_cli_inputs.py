"""Input hygiene on the command line: numbers that could hold a thousands separator, free text
with control characters, bidirectional overrides or nothing visible, impossible usernames; and
text an older database holds shown, never obeyed, by the terminal."""

from __future__ import annotations

import json
import time

import sqlalchemy as sa

from core.store import open_database
from tests.cli.conftest import ADMIN_PW, TECH_PW

LOT = "CT-0042"
VOL = "CART-IPC-03-VOL"  # mL, no specification
WBC = "CART-IPC-03-WBC"  # cells, no specification


def _start(cli) -> None:
    r = cli(
        "batch",
        "start",
        "--template",
        "cart-auto-lv",
        "--lot",
        LOT,
        "--coi",
        "COI-W123426000042",
        "--user",
        "tess",
        password=TECH_PW,
    )
    assert r.code == 0, r.err


def _record(cli, check: str, value: str, *extra: str, lot: str = LOT, user: str = "tess"):
    return cli("batch", "record", lot, check, value, *extra, "--user", user, password=TECH_PW)


def _url(cli) -> str:
    """The site database's URL (LOTBOOK_DB holds a SQLite path or a PostgreSQL URL)."""
    return cli.db if "://" in cli.db else f"sqlite:///{cli.db}"


def _sql(cli, *statements: str) -> list:
    """Run plain SQL on the site database, as a test (or an older Lotbook) would; each
    statement's first column of its first row, or None."""
    engine = sa.create_engine(_url(cli))
    try:
        with engine.begin() as conn:
            out = []
            for statement in statements:
                result = conn.execute(sa.text(statement))
                out.append(result.scalar() if result.returns_rows else None)
            return out
    finally:
        engine.dispose()


def _counts(cli) -> list[int]:
    return _sql(cli, "SELECT count(*) FROM result", "SELECT count(*) FROM audit_event")


def _refused(r, *words: str) -> None:
    """Exit 1 with one line on stderr that names the cause; nothing a terminal would obey."""
    assert r.code == 1, r.out + r.err
    assert r.err.startswith("lotbook: ") and r.err.count("\n") == 1, r.err
    assert "\x1b" not in r.err and "\u202e" not in r.err
    for word in words:
        assert word in r.err, r.err


def _set(cli, key: str, value: str):
    return cli(
        "settings", "set", key, value, "--reason", "SOP-0012 rev 3", "--user", "ada",
        password=ADMIN_PW,
    )  # fmt: skip


# --- numbers --------------------------------------------------------------------------------------


def test_a_thousands_separator_is_refused_until_the_site_names_its_decimal_mark(site_cli):
    cli = site_cli
    _start(cli)
    before = _counts(cli)
    r = _record(cli, VOL, "1,000")
    _refused(r, "'1,000' is ambiguous", "decimal mark or a thousands separator", "1000")
    _refused(_record(cli, WBC, "1,234,567"), "ambiguous", "1234567")
    _refused(_record(cli, WBC, "2.450.000"), "ambiguous")
    assert _counts(cli) == before  # nothing written, not even an audit event
    assert cli("settings", "show", "--json").json()["decimal_mark"] == "auto"

    _refused(_set(cli, "decimal_mark", "dot"), "decimal_mark is one of auto, point, comma")
    assert _set(cli, "decimal_mark", "comma").code == 0
    r = _record(cli, VOL, "1,000")
    assert r.code == 0 and "1 mL" in r.out, r.out + r.err
    _refused(_record(cli, WBC, "2,450,000"), "the decimal mark is a comma")
    assert _set(cli, "decimal_mark", "point").code == 0
    r = _record(cli, WBC, "2,450,000")
    assert r.code == 0 and "2.45×10⁶ cells" in r.out, r.out + r.err
    events = cli("audit", "list", "--action", "setting.change", "--json").json()
    assert [(json.loads(e["new"]), e["reason"]) for e in events[-2:]] == [
        ({"decimal_mark": "comma"}, "SOP-0012 rev 3"),
        ({"decimal_mark": "point"}, "SOP-0012 rev 3"),
    ]


MINI = """\
schema = 1

[template]
key = "mini-marks"
version = 1
title = "Decimal marks"
product_family = "CAR-T"
autologous = false

[[steps]]
id = "MM-S01"
name = "Weigh"
source = "[T]"

[[steps.checks]]
id = "MM-IPC-01-MASS"
name = "Mass"
type = "number"
unit = "g"
decimal_mark = "comma"
source = "[T]"

[[steps.checks]]
id = "MM-IPC-01-VOL"
name = "Volume"
type = "number"
unit = "mL"
source = "[T]"

[release]
name = "Release"

[[release.checks]]
id = "MM-REL-01"
name = "Sterility"
type = "passfail"
attribute = "safety"
source = "[S36]"
spec = { expected = "pass" }
"""


def test_a_template_check_names_its_own_decimal_mark(site_cli, tmp_path):
    cli = site_cli
    path = tmp_path / "mini-marks.toml"
    path.write_text(MINI, encoding="utf-8")
    assert cli("template", "load", str(path), "--user", "ada", password=ADMIN_PW).code == 0
    r = cli(
        "template", "approve", "mini-marks", "--version", "1", "--reason",
        "decimal marks per check (CC-TEST-2)", "--user", "tqa", password=TECH_PW,
    )  # fmt: skip
    assert r.code == 0, r.err
    r = cli(
        "batch", "start", "--template", "mini-marks", "--lot", "MM-0001", "--user", "tess",
        password=TECH_PW,
    )  # fmt: skip
    assert r.code == 0, r.err
    # The site is "auto"; the mass check says the comma is its decimal mark.
    r = _record(cli, "MM-IPC-01-MASS", "1.234,5", lot="MM-0001")
    assert r.code == 0 and "1234.5 g" in r.out, r.out + r.err
    _refused(_record(cli, "MM-IPC-01-VOL", "1.234,5", lot="MM-0001"), "ambiguous")
    bad = MINI.replace('decimal_mark = "comma"', 'decimal_mark = "dot"').replace(
        "version = 1", "version = 2"
    )
    path.write_text(bad, encoding="utf-8")
    r = cli("template", "load", str(path), "--user", "ada", password=ADMIN_PW)
    _refused(r, 'decimal_mark must be "point" or "comma"')


# --- free text ------------------------------------------------------------------------------------


def test_a_reason_of_zero_width_spaces_only_is_refused(site_cli):
    cli = site_cli
    _start(cli)
    assert _record(cli, VOL, "250").code == 0
    before = _counts(cli)
    r = cli(
        "batch", "correct", LOT, VOL, "260", "--reason", "\u200b\u200b\u200b", "--user", "tess",
        password=TECH_PW,
    )  # fmt: skip
    _refused(r, "The reason is made only of invisible characters")
    assert _counts(cli) == before


def test_an_ansi_escape_in_a_comment_is_refused(site_cli):
    cli = site_cli
    _start(cli)
    before = _counts(cli)
    r = _record(cli, VOL, "250", "--comment", "ok\x1b[2J\x1b[31m")
    _refused(r, "The comment contains a terminal escape sequence (ESC, U+001B) at character 3")
    assert _counts(cli) == before


def test_a_bidirectional_override_in_a_deviation_is_refused(site_cli):
    cli = site_cli
    _start(cli)
    before = _counts(cli)
    r = cli(
        "deviation", "open", LOT, "--class", "minor", "--text",
        "bag label \u202eLBT-0042\u202c misread", "--user", "tess", password=TECH_PW,
    )  # fmt: skip
    _refused(r, "right-to-left override (U+202E) at character 11")
    assert _counts(cli) == before


def test_a_text_value_too_long_is_refused(site_cli):
    cli = site_cli
    _start(cli)
    r = _record(cli, "CART-IPC-00-SLOT", "S" * 501)
    _refused(r, "The value has 501 characters; at most 500 are kept.")
    assert _record(cli, "CART-IPC-00-SLOT", "Freezer 4, rack B").code == 0


# --- usernames ------------------------------------------------------------------------------------


def test_a_huge_username_is_refused_at_once_with_a_short_audit_event(site_cli):
    cli = site_cli
    _start(cli)
    huge = "a" * 120_000
    started = time.perf_counter()
    r = _record(cli, VOL, "250", user=huge)
    elapsed = time.perf_counter() - started
    _refused(r, "The username has 120000 characters; at most 64 are kept.")
    assert len(r.err) < 120 and elapsed < 2.0
    event = cli("audit", "list", "--action", "auth.login_failed", "--json").json()[-1]
    assert event["user"] == event["entity_id"] == "a" * 64
    assert json.loads(event["new"]) == {"username_length": 120_000}
    assert event["reason"].startswith("username refused: The username has 120000 characters")
    [size] = _sql(
        cli, "SELECT max(length(body)) FROM audit_event WHERE action = 'auth.login_failed'"
    )
    assert size < 1000  # not 240 kB
    _refused(_record(cli, VOL, "250", user="te\x1bss"), "terminal escape sequence", "character 3")
    shown = cli("audit", "list", "--action", "auth.login_failed", "--json").json()[-1]
    assert shown["user"] == "te␛ss"  # made visible, kept short


# --- what older databases hold -----------------------------------------------------------------


def test_control_characters_already_stored_are_shown_not_obeyed(site_cli):
    cli = site_cli
    _start(cli)
    r = cli(
        "deviation", "open", LOT, "--class", "minor", "--text", "bag label torn on arrival",
        "--user", "tess", password=TECH_PW,
    )  # fmt: skip
    assert r.code == 0, r.err
    # As an older Lotbook could have stored them, before input was checked:
    _sql(
        cli,
        "UPDATE deviation SET description = 'torn\x1b[2J\x1b]0;owned\x07 \u202eabc'",
        "UPDATE batch SET coi_id = 'COI-\x1b[31mRED'",
    )
    db = open_database(_url(cli))
    with db.unit_of_work("tess") as uow:
        uow.audit("batch.note", "batch", LOT, lot=LOT, reason="note\x1b[8mhidden\x9b0m")
    db.dispose()

    outputs = {
        "deviation list": cli("deviation", "list", LOT),
        "batch show": cli("batch", "show", LOT),
        "audit list": cli("audit", "list", "--batch", LOT),
        "audit list --json": cli("audit", "list", "--batch", LOT, "--json"),
    }
    for name, r in outputs.items():
        assert r.code == 0, (name, r.err)
        for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert raw not in r.out, (name, raw)
    assert "torn␛[2J␛]0;owned␇ \\u202eabc" in outputs["deviation list"].out
    assert "COI-␛[31mRED" in outputs["batch show"].out
    assert "note␛[8mhidden\\u009b0m" in outputs["audit list"].out
    # JSON keeps the text exactly; only its spelling is escaped.
    events = outputs["audit list --json"].json()
    assert events[-1]["reason"] == "note\x1b[8mhidden\x9b0m"
