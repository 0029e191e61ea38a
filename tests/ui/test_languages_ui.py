"""The screens in another language, on a real database: the site set to German or Korean, the
user logs in and every screen, the batch record's steps and the login window fit 1366×768 in
normal and large text (German is the long-word test); in the pseudo-language (accented, 40 %
longer, bracketed) no visible English sentence is left on any of them — only data (template
content, names, ids, units) and product names may stay as they are.

Also: a language picked at the login window is the user's from then on (audited, core), and the
header and the login window are made again in it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QWidget,
)

from core.demo.sample_batch import fill_batch
from core.i18n import _, in_language, language
from core.services.language import user_language
from core.services.settings import set_setting
from tests.conftest import ADMIN_PASSWORD
from tests.ui.conftest import login, settle, shot
from tests.ui.layout_check import fit, layout_problems
from tests.ui.test_batch_record import LOT, open_batch
from ui import theme

SCREENS = ["batches", "qc", "review", "audit", "templates", "admin", "materials"]


@pytest.fixture(scope="module", autouse=True)
def _cjk_fonts():
    """The Korean and Chinese faces registered with Qt (the app does it after its login window)."""
    from core.fonts import FILES, font_data
    from ui.language import register_fonts

    QApplication.instance() or QApplication([])
    register_fonts([font_data(family, bold) for family, bold in FILES])


def _site_in(site, admin, code: str) -> None:
    set_setting(site, admin, "language", code, "the site reads Lotbook in its own language")


def _open(qtbot, window, site, admin, tech, name: str) -> None:
    open_batch(qtbot, window, site, tech)
    fill_batch(site, tech, LOT)
    if name == "batch":
        return
    window.context.log_out()
    settle(qtbot, window.context)
    if name == "admin":
        login(qtbot, window, "ada", ADMIN_PASSWORD)
    else:
        login(qtbot, window, "quinn")
    window.context.go(name, lot=LOT)
    settle(qtbot, window.context)


@pytest.mark.slow
@pytest.mark.parametrize("large", [False, True], ids=["normal_text", "large_text"])
@pytest.mark.parametrize("code", ["de", "ko"])
@pytest.mark.parametrize("name", ["batch", *SCREENS])
def test_each_screen_fits_1366x768_in_german_and_korean(
    qtbot, window, site, admin, tech, stocked, name, code, large
):
    _site_in(site, admin, code)
    _open(qtbot, window, site, admin, tech, name)
    assert language() == code  # the user took the site's language at log-in
    theme.apply(QApplication.instance(), large=large)
    try:
        fit(window, 1366, 768)
        for _ in range(3):
            QApplication.processEvents()
        shot(window, f"lang_{code}_{name}_1366_{int(large)}")
        problems = layout_problems(window, 1366, 768)
        assert problems == [], "\n".join(problems)
    finally:
        theme.apply(QApplication.instance(), large=False)


# -- no English left: the pseudo-language --------------------------------------------------------

# Words that are not sentences: product names, units, abbreviations and codes a reader uses as
# they are, in every language
ALLOWED = {
    "lotbook", "qt", "pdf", "csv", "zpl", "json", "utc", "coi", "din", "coa", "qa", "qc", "oos",
    "sha", "car", "cart", "msc", "aav", "lv", "ln", "bsc", "crf", "dpi", "cet", "cest", "mb",
    "yyyy", "mm", "dd", "hh", "ml", "µl", "kg", "mg", "µg", "nm", "rpm", "ph", "do", "iu", "vg",
    "cells", "demo", "english", "deutsch",
}  # fmt: skip
PSEUDO_SPAN = re.compile(r"\[[^\[\]]*\]")  # a sentence that went through the catalogue


def _visible_texts(window: QWidget) -> list[str]:
    texts: list[str] = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QLabel):
            texts.append(re.sub(r"<[^>]+>", " ", widget.text()))
        elif isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            try:
                columns = model.columnCount(QModelIndex())
            except TypeError:  # a list model: no header
                columns = 0
            for column in range(columns):
                header = model.headerData(column, Qt.Orientation.Horizontal)
                if isinstance(header, str):
                    texts.append(header)
    return texts


# The words an English sentence cannot do without: never taken as data, so a sentence left in
# English is found even where every other word of it also occurs in a template's text
GLUE = {
    "the", "and", "not", "must", "use", "with", "for", "are", "was", "this", "that", "from",
    "has", "have", "any", "all", "each", "its", "into", "before", "after", "when", "then", "than",
    "only", "yet", "you", "your", "here", "there", "will", "can", "cannot", "may", "should",
    "open", "record", "recorded", "sign", "signed", "click", "choose", "give", "type", "none",
}  # fmt: skip
CODE = re.compile(
    # ids, lots and codes (CART-IPC-01-VOL, IL7), and hashes or their first characters
    r"\b[A-Za-z0-9]+(?:[-_/.][A-Za-z0-9]+)*[-_/.]?\d[A-Za-z0-9-]*\b"
    r"|\b[0-9a-f]{6,}\b"  # a hash, or its first characters
)


@dataclass(frozen=True)
class Data:
    """What may stay as it is on a screen in any language: the templates' own texts as whole
    phrases (a step name, a method, a choice: controlled content), then their words but for
    the glue of English sentences, and the words of names and codes (people, materials, lots,
    equipment, audit action codes)."""

    phrases: tuple[str, ...]  # longest first
    words: frozenset[str]


def _template_phrases() -> set[str]:
    import tomllib

    from core.version import app_root

    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            found.add(value.strip())
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in (app_root() / "resources/templates").glob("*.toml"):
        walk(tomllib.loads(path.read_text("utf-8")))
    return {p for p in found if p}


def _data_words(site) -> Data:
    """The data on screen (see ``Data``)."""
    from core.audit_text import ACTION_WORDS
    from core.services.equipment import list_equipment
    from core.services.materials import lots, materials
    from core.services.templates import list_templates
    from core.services.users import list_users

    phrases = _template_phrases()
    for t in list_templates(site):
        phrases |= {t.title, t.product_family, t.key}
    content = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", " ".join(phrases))} - GLUE
    people = " ".join(f"{u.username} {u.full_name} {u.role}" for u in list_users(site))
    stock = repr(materials(site)) + repr(lots(site)) + repr(list_equipment(site))
    codes = " ".join(ACTION_WORDS)  # the audit trail's action codes, filtered by as they are
    words = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", f"{people} {stock} {codes}")}
    ordered = tuple(sorted((p for p in phrases if len(p) > 3), key=len, reverse=True))
    return Data(ordered, frozenset(words | content))


def _english_left(texts: list[str], data: Data) -> list[str]:
    found = []
    for text in texts:
        outside = PSEUDO_SPAN.sub(" ", text)
        for phrase in data.phrases:  # a template's own text, whole, stays as it is
            if phrase in outside:
                outside = outside.replace(phrase, " ")
        outside = CODE.sub(" ", outside)
        for word in re.findall(r"[A-Za-z]{3,}", outside):
            if word.lower() not in ALLOWED and word.lower() not in data.words:
                found.append(f"{word!r} in {text[:80]!r}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("name", ["login", "batch", *SCREENS])
def test_no_visible_english_is_left_in_the_pseudo_language(
    qtbot, window, site, admin, tech, stocked, name
):
    window.retranslate("pseudo")
    if name != "login":
        for who in ("tess", "quinn", "ada"):
            _keep_pseudo(site, who)
        _open(qtbot, window, site, admin, tech, name)
    fit(window, 1366, 768)
    QApplication.processEvents()
    shot(window, f"pseudo_{name}")
    left = _english_left(_visible_texts(window), _data_words(site))
    assert left == []


def _keep_pseudo(site, username: str) -> None:
    """``username`` reads the pseudo-language: their own choice (what log-in applies) is it.
    Written as it is stored: core offers a person only the real languages."""
    from core.models import UserSetting

    with site.unit_of_work(username) as uow:
        row = uow.session.get(UserSetting, (username, "language"))
        if row is None:
            row = UserSetting(username=username, key="language", value="pseudo")
        row.value = "pseudo"
        uow.session.add(row)


def test_a_language_picked_at_the_login_window_becomes_the_users(qtbot, window, site, tech):
    from tests.conftest import USER_PASSWORD

    login_screen = window.login
    index = login_screen.language.findData("de")
    login_screen.language.setCurrentIndex(index)
    login_screen.language.activated.emit(index)
    assert language() == "de"
    assert window.login is not login_screen  # made again in German
    with in_language("de"):
        german = (_("Log in"), _("Lock"))
    assert german != ("Log in", "Lock")
    assert (window.login.submit.text(), window.lock_button.text()) == german
    login(qtbot, window, "tess", USER_PASSWORD)
    assert window.context.actor is not None and language() == "de"
    assert user_language(site, "tess") == "de"
    window.context.log_out()
    settle(qtbot, window.context)
