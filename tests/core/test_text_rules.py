"""core.text_rules: the one rule for free text a person gives, and text made safe to show."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidValue
from core.text_rules import (
    COMMENT,
    DESCRIPTION,
    FULL_NAME,
    REASON,
    TEXT_VALUE,
    USERNAME,
    clean_text,
    first_problem,
    optional_text,
    visible,
)


def refusal(text: str, kind=REASON) -> str:
    with pytest.raises(InvalidValue) as caught:
        clean_text(text, kind)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 200
    return message


# --- what is kept ------------------------------------------------------------------------------


def test_text_is_kept_in_nfc_with_its_whitespace_folded() -> None:
    decomposed = "Cafe\u0301  au\tlait\n(re-made)"
    assert clean_text(decomposed, REASON) == "Café au lait (re-made)"
    assert unicodedata.is_normalized("NFC", clean_text(decomposed, REASON))


def test_zero_width_characters_inside_words_stay_and_at_the_edges_go() -> None:
    # A zero-width joiner belongs to some scripts and emoji; at the edges it means nothing.
    assert clean_text("\u200b\ufeffनमस्\u200dते\u200b", COMMENT) == "नमस्\u200dते"


def test_right_to_left_text_and_its_marks_are_kept() -> None:
    assert clean_text("تم التحقق \u200f(QA)", COMMENT) == "تم التحقق \u200f(QA)"


def test_optional_text_is_none_when_nothing_was_given() -> None:
    assert optional_text(None, COMMENT) is None
    assert optional_text(" \t\n ", COMMENT) is None
    assert optional_text(" ok ", COMMENT) == "ok"


# --- refusals ----------------------------------------------------------------------------------


def test_an_ansi_escape_is_refused_with_its_position() -> None:
    message = refusal("line cleared\x1b[2K\x1b[31mOK")
    assert message == (
        "The reason contains a terminal escape sequence (ESC, U+001B) at character 13: "
        "remove it and type it again."
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("bell\x07", ["control character (U+0007) at character 5"]),
        ("\x00nul", ["U+0000", "character 1"]),
        ("del\x7f", ["U+007F"]),
        ("c1\x9b31m", ["control character (U+009B) at character 3"]),  # C1 CSI
        ("gs\x1dsep", ["U+001D"]),  # Python counts it as whitespace; it is a control all the same
        ("ok \u202egnp.exe", ["right-to-left override (U+202E) at character 4", "reorders"]),
        ("\u2066isolated\u2069", ["left-to-right isolate (U+2066) at character 1"]),
        ("x\u202a", ["left-to-right embedding"]),
        ("bad \ud800 half", ["invalid character (U+D800)"]),
    ],
)
def test_control_and_bidirectional_characters_are_refused(text: str, words: list[str]) -> None:
    message = refusal(text, COMMENT)
    assert message.startswith("The comment contains ")
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    "text", ["\u200b", "\u200b\u200c\u200d", " \u2060 \ufeff ", "\u3164", "\u00ad"]
)
def test_invisible_only_text_is_refused(text: str) -> None:
    assert "only of invisible characters" in refusal(text)


def test_empty_text_is_refused_where_it_is_required() -> None:
    assert refusal("   ") == "The reason is empty: type it."


@pytest.mark.parametrize(
    ("kind", "limit"),
    [
        (USERNAME, 64),
        (FULL_NAME, 200),
        (REASON, 2000),
        (COMMENT, 2000),
        (TEXT_VALUE, 500),
        (DESCRIPTION, 10_000),
    ],
)
def test_each_kind_has_its_length_limit(kind, limit: int) -> None:
    assert clean_text("x" * limit, kind) == "x" * limit
    message = refusal("x" * (limit + 1), kind)
    assert message == (
        f"The {kind.name} has {limit + 1} characters; at most {limit} are kept. Shorten it."
    )


def test_the_limits_match_the_model_columns() -> None:
    from core.models import User

    columns = User.__table__.c
    assert USERNAME.limit == columns.username.type.length
    assert FULL_NAME.limit == columns.full_name.type.length


def test_a_huge_text_is_refused_by_its_length_without_being_echoed() -> None:
    message = refusal("\x1b" * 120_000, USERNAME)
    assert message == "The username has 120000 characters; at most 64 are kept. Shorten it."


def test_the_limit_counts_characters_as_kept() -> None:
    # 64 letters each followed by a combining accent: NFC makes them 64 characters.
    assert len(clean_text("e\u0301" * 64, USERNAME)) == 64


@given(st.text())
def test_any_text_is_kept_clean_or_refused(text: str) -> None:
    try:
        kept = clean_text(text, DESCRIPTION)
    except InvalidValue as refused:
        assert "\n" not in str(refused)
        return
    assert first_problem(kept) is None
    assert kept == kept.strip() and "  " not in kept and "\n" not in kept
    assert unicodedata.is_normalized("NFC", kept)
    assert any(not c.isspace() and unicodedata.category(c) != "Cf" for c in kept)


# --- visible -----------------------------------------------------------------------------------


def test_visible_shows_what_a_terminal_would_obey() -> None:
    assert visible("\x1b[31mred\x1b[0m") == "␛[31mred␛[0m"
    assert visible("a\u202eb\x9bc\x7f") == "a\\u202eb\\u009bc␡"
    assert visible("two\nlines\tx") == "two␊lines␉x"
    assert visible("two\nlines\tx", keep_lines=True) == "two\nlines\tx"
    assert visible("plain, ünïcode ✓") == "plain, ünïcode ✓"
    assert visible("a\ufffeb\uffff") == "a\\ufffeb\\uffff"  # noncharacters, found by hypothesis


@given(st.text())
def test_visible_never_leaves_a_control_or_bidirectional_character(text: str) -> None:
    shown = visible(text)
    assert first_problem(shown) is None
    assert not any(c in "\n\t\r" for c in shown)


# --- every entry point applies the rule, before anything is written ------------------------------

ESC = "see\x1b[2J"
RLO = "ok \u202egnp"
ZW = "\u200b\u200b"
PW = "bench-pass-2026"  # tests/conftest.py USER_PASSWORD
LOT = "CT-0100"


def _entries(site, admin, people) -> dict:
    from core.services import (
        deviations,
        excursion_assessment,
        imports,
        recording,
        review,
        settings,
        signing,
        template_approval,
        users,
    )

    tech, qa = people["tech"], people["qa"]
    return {
        "full name": lambda: users.create_user(site, admin, "rita", ESC, "technician", "x" * 12),
        "user reason": lambda: users.unlock_user(site, admin, "tess", ZW),
        "setting reason": lambda: settings.set_setting(site, admin, "idle_lock_minutes", "9", RLO),
        "deviation": lambda: deviations.open_deviation(site, tech, LOT, "minor", ESC * 3),
        "conclusion": lambda: deviations.close_deviation(site, qa, PW, "DEV-1", RLO * 3),
        "comment": lambda: recording.record_value(
            site, tech, LOT, "CART-IPC-03-VOL", "5", comment=ESC
        ),
        "correction": lambda: recording.correct_value(site, tech, LOT, "CART-IPC-03-VOL", "6", ZW),
        "text value": lambda: recording.record_value(site, tech, LOT, "CART-IPC-00-SLOT", RLO),
        "justification": lambda: recording.justify_value(site, tech, LOT, "X", comment=ZW),
        "sign reason": lambda: signing.sign(
            site, qa, PW, LOT, "APPROVED", disposition="released", reason=ESC
        ),
        "physician": lambda: signing.sign(
            site,
            qa,
            PW,
            LOT,
            "APPROVED",
            disposition="exceptional_release",
            reason="per SOP",
            deviation="DEV-1",
            physician=RLO * 3,
        ),
        "review comment": lambda: review.mark_audit_trail_reviewed(site, qa, PW, LOT, ESC),
        "approval reason": lambda: template_approval.approve_template(
            site, qa, PW, "cart-auto-lv", 2, ZW
        ),
        "excursion reason": lambda: excursion_assessment.assess_excursion(
            site, qa, LOT, 1, reason=RLO * 3
        ),
        "import reason": lambda: imports.import_bytes(site, tech, LOT, b"x", "c.csv", reason=ESC),
    }


ENTRY_POINTS = [
    "full name",
    "user reason",
    "setting reason",
    "deviation",
    "conclusion",
    "comment",
    "correction",
    "text value",
    "justification",
    "sign reason",
    "physician",
    "review comment",
    "approval reason",
    "excursion reason",
    "import reason",
]


def _events(db) -> int:
    from core.services import audit_trail

    return len(audit_trail.events(db))


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_every_entry_point_refuses_bad_text_before_writing(site, admin, people, lot, entry) -> None:
    call = _entries(site, admin, people)[entry]
    before = _events(site)
    with pytest.raises(InvalidValue) as caught:
        call()
    message = str(caught.value)
    assert "escape sequence" in message or "override" in message or "invisible" in message
    assert _events(site) == before


def test_a_log_in_with_a_huge_username_is_refused_with_a_short_event(site) -> None:
    from core.errors import AuthenticationFailed
    from core.services import audit_trail
    from core.services.users import authenticate

    with pytest.raises(AuthenticationFailed) as caught:
        authenticate(site, "Ada" * 40_000, "whatever")
    assert str(caught.value) == (
        "The username has 120000 characters; at most 64 are kept. Shorten it."
    )
    event = audit_trail.events(site)[-1]
    assert (event.action, event.user, event.entity_id) == (
        "auth.login_failed",
        "Ada" * 21 + "A",
        "Ada" * 21 + "A",
    )
    assert "120000" in str(event.new) and len(str(event.new)) + len(event.reason or "") < 300
