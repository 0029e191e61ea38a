"""Every dialog and the first-run wizard in the pseudo-language (accented, 40 % longer, bracketed):
each is built while the user reads pseudo (their own language, applied at log-in), shown, saved as
a PNG (build/screens/pseudo_dialog_*.png) and read as test_languages_ui.py reads the screens: no
visible English word is left outside a translated sentence — only data (template content, names,
ids, units), product names and the places a file or a server is at.

The dialogs: the bench's (start a batch, correction, deviation, history, step signature, label
print), the reviewer's (disposition signature, exports, the audit trail marked reviewed, closing a
deviation, assessing an excursion), the administrator's (users, settings, template contents, a
clock incident cleared, a template approved), materials' and equipment's (with the point-of-use
override) and custody's; the wizard on a database that is not there yet, in each of its states."""

from __future__ import annotations

import errno
import re
import threading
from collections.abc import Iterable, Iterator

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from core.i18n import PSEUDO, language
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD
from tests.ui.conftest import login, settle, shot
from tests.ui.test_batch_record import LOT
from tests.ui.test_clock_incidents_ui import ahead  # noqa: F401  (a fixture: one clock incident)
from tests.ui.test_custody_ui import auto  # noqa: F401  (a fixture: an autologous lot's record)
from tests.ui.test_dialog_layout import (  # noqa: F401  (record: a fixture, a filled CAR-T batch)
    _admin_dialogs,
    _bench_dialogs,
    _check,
    record,
)
from tests.ui.test_first_run import PASSWORD, fill, fresh, held, wizard_of  # noqa: F401
from tests.ui.test_languages_ui import (
    Data,
    _data_words,
    _english_left,
    _keep_pseudo,
    _visible_texts,
)
from tests.ui.test_materials_layout import _dialogs as _materials_dialogs
from tests.ui.test_use_override_ui import (
    CHECK,
    batch_screen,
    enter,
    stock,  # noqa: F401  (a fixture: lots, items, a batch)
)

# A place, not a sentence: a URL (the wizard's example server) or an absolute file path (where a
# PDF or a database goes, under the test's temporary home) is shown as the system spells it
PLACE = re.compile(r"\b[a-z][a-z0-9+]*://\S+|(?<![\w\]])/(?:[^\s/\[\]]+/)+[^\s\[\]]*")
# An id, not a word: a deviation's reference (core/services/deviations.py: DEV-<year>-<n>)
REFERENCE = re.compile(r"\bDEV-\d{4}-\d{4,}\b")
# data: the settings _admin_dialogs changes (a time zone's IANA name) and the reason it gives
TYPED_SETTINGS = "Europe/Berlin moved site"
DEVIATION = "Bioreactor temperature above limit during expansion"  # data: a deviation's text


def _everyone_reads_pseudo(site) -> None:
    """Every user of the site reads the pseudo-language from their next log-in."""
    from core.services.users import list_users

    for user in list_users(site):
        _keep_pseudo(site, user.username)


@pytest.fixture
def readers(site, people) -> Iterator[None]:
    """The site's people, each reading the pseudo-language; English again afterwards."""
    _everyone_reads_pseudo(site)
    yield
    from ui.language import apply_language

    apply_language("en")


def _english_in(widget: QWidget, data: Data) -> list[str]:
    texts = [REFERENCE.sub(" ", PLACE.sub(" ", text)) for text in _visible_texts(widget)]
    return _english_left(texts, data)


def _looked_at(qtbot, dialogs: Iterable[tuple[str, QWidget]], site, extra: str = "") -> list[str]:
    """Each dialog shown as a user opens it (its data read in), saved as a PNG and read: the
    English words left in it, named by dialog."""
    assert language() == PSEUDO
    data = _data_words(site)
    typed = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", extra)}  # what the test typed in
    data = Data(data.phrases, data.words | typed)
    found: list[str] = []
    seen = 0
    for name, dialog in dialogs:
        if dialog.parent() is None:
            qtbot.addWidget(dialog)  # else closed with its window (or the screen it belongs to)
        dialog.show()
        qtbot.waitExposed(dialog)
        if hasattr(dialog, "context"):
            settle(qtbot, dialog.context)
        for _ in range(3):
            QApplication.processEvents()
        shot(dialog, f"pseudo_dialog_{name}")
        texts = _visible_texts(dialog)
        assert any("[" in text for text in texts), f"{name} was not built in pseudo: {texts}"
        found += [f"{name}: {word}" for word in _english_in(dialog, data)]
        dialog.close()
        seen += 1
    assert seen > 0
    return found


def _relog(qtbot, window, username: str, password: str = USER_PASSWORD) -> None:
    window.context.log_out()
    settle(qtbot, window.context)
    login(qtbot, window, username, password)
    assert window.context.actor.username == username and language() == PSEUDO


def _bench(qtbot, window, site, screen, deviation: str):
    """The bench's: start a batch, a correction (the lot's open deviation offered, as the batch
    record offers it: by its reference), a deviation, a value's history, a step's signature,
    labels."""
    from core.services.labels import labels_printed
    from ui.dialogs.correction import CorrectionDialog
    from ui.dialogs.label_print import LabelPrintDialog

    for name, dialog in _bench_dialogs(qtbot, window, screen):
        if name == "correction":  # its own list of deviations is an English sentence
            dialog.deleteLater()
            dialog = CorrectionDialog(_check(screen, "number")[1], [deviation], window)
        yield name, dialog
    yield "label_print", LabelPrintDialog(window.context, labels_printed(site, LOT), window)


def _review(qtbot, window, site, people, tmp_path):
    """QA's: the disposition signature, the exports, the audit trail marked reviewed, a
    deviation closed, an excursion assessed."""
    from core.services.review import review_batch
    from tests.ui.test_release_ui import _two_excursions
    from ui.dialogs.excursion import ExcursionDialog
    from ui.dialogs.review_acts import close_deviation_dialog, export_dialog, mark_audit_dialog
    from ui.dialogs.sign import SignDialog

    _two_excursions(site, people["tech"], LOT, tmp_path)
    _relog(qtbot, window, "quinn")
    context = window.context
    items = review_batch(site, LOT).items
    yield "sign_disposition", SignDialog(context, LOT, "APPROVED", offer_export=True, parent=window)
    yield "export_summary", export_dialog(context, LOT, coa=False, draft=False, parent=window)
    yield "export_coa", export_dialog(context, LOT, coa=True, draft=False, parent=window)
    yield "export_coa_draft", export_dialog(context, LOT, coa=True, draft=True, parent=window)
    yield "mark_audit", mark_audit_dialog(context, LOT, window)
    deviation = next(i for i in items if i.kind == "open_deviation")
    yield "close_deviation", close_deviation_dialog(context, deviation, window)
    excursion = next(i for i in items if i.kind == "excursion")
    yield "excursion", ExcursionDialog(context, LOT, excursion, window)


def test_the_bench_and_review_dialogs_are_all_in_the_pseudo_language(
    qtbot,
    window,
    site,
    stocked,
    readers,
    record,  # noqa: F811
    tmp_path,
):
    from core.services.deviations import open_deviation
    from core.words import deviation_status_words

    assert language() == PSEUDO  # tess logged in: her own language
    ref = open_deviation(site, stocked["qc"], LOT, "minor", DEVIATION).ref
    found = _looked_at(qtbot, _bench(qtbot, window, site, record, ref), site)
    review = dict(_review(qtbot, window, site, stocked, tmp_path))
    found += _looked_at(qtbot, review.items(), site, DEVIATION)
    # the deviation's status is a word the data also has ("open"): said in the reader's language
    open_words = deviation_status_words("open")
    assert "[" in open_words
    combos = {
        "excursion": review["excursion"].deviation,
        "sign_disposition": review["sign_disposition"].form.deviation,
    }
    for name, combo in combos.items():
        offered = [combo.itemText(i) for i in range(combo.count())]
        assert any(f"{ref} · {open_words} · " in text for text in offered), (name, offered)
    settle(qtbot, window.context)
    assert found == [], "\n".join(found)


@pytest.mark.usefixtures("ahead")
def test_the_administrators_dialogs_are_all_in_the_pseudo_language(
    qtbot, window, site, admin, people, readers, tmp_path
):
    from core.services.templates import list_templates, load_template
    from core.services.users import list_users
    from core.templates import builtin_template_dir
    from ui.dialogs.template_approval import TemplateApprovalDialog
    from ui.dialogs.users import UnlockUserDialog

    text = (builtin_template_dir() / "msc-expanded.toml").read_text("utf-8")
    (tmp_path / "msc-v3.toml").write_text(text.replace("version = 2", "version = 3", 1), "utf-8")
    load_template(site, admin, tmp_path / "msc-v3.toml")
    login(qtbot, window, "ada", ADMIN_PASSWORD)
    window.context.go("admin")
    settle(qtbot, window.context)
    tess = next(u for u in list_users(site) if u.username == "tess")
    found = _looked_at(
        qtbot,
        [*_admin_dialogs(window), ("unlock_user", UnlockUserDialog(window.context, tess, window))],
        site,
        TYPED_SETTINGS,
    )
    tab = window.open_screen("admin", {"tab": "clock"}).clock
    settle(qtbot, window.context)
    tab.table.select_row(0)
    tab.clear.click()
    settle(qtbot, window.context)
    found += _looked_at(qtbot, [("clock_clear", tab.dialog)], site)
    # the confirmations the admin screen builds itself: issuing certificates, a backup now
    admin_screen = window.open_screen("admin", {"tab": "users"})
    admin_screen.users.open_issue()
    found += _looked_at(qtbot, [("issue_certificates", admin_screen.users.dialog)], site)
    admin_screen.backups.open_backup()
    found += _looked_at(qtbot, [("backup_now", admin_screen.backups.dialog)], site)
    _relog(qtbot, window, "quinn")
    draft = next(t for t in list_templates(site, all_versions=True) if not t.approved)
    approval = TemplateApprovalDialog(window.context, draft, window)
    found += _looked_at(qtbot, [("template_approval", approval)], site)
    settle(qtbot, window.context)
    assert found == [], "\n".join(found)


def test_the_materials_and_equipment_dialogs_are_all_in_the_pseudo_language(
    qtbot,
    window,
    site,
    stock,  # noqa: F811
    readers,
):
    screen = batch_screen(qtbot, window)  # tess scans a quarantined lot: core refuses it
    assert language() == PSEUDO
    row = enter(qtbot, screen, CHECK, "IL7-Q")
    screen.overrides.button_of(row).click()
    override = screen.overrides.dialog
    assert "[" in override.refusal.text()  # core's refusal, in the reader's language
    found = _looked_at(qtbot, [("use_override", override)], site)
    _relog(qtbot, window, "quinn")
    dialogs = _materials_dialogs(window, site)  # its own override dialog: an English refusal
    found += _looked_at(qtbot, ((n, d) for n, d in dialogs if n != "use_override"), site)
    settle(qtbot, window.context)
    assert found == [], "\n".join(found)


def test_the_custody_dialog_is_in_the_pseudo_language(
    qtbot,
    window,
    site,
    readers,
    auto,  # noqa: F811
):
    assert language() == PSEUDO  # tess on the batch record of lot AUTO-1 (autologous)
    window.context.go("custody", lot="AUTO-1")
    settle(qtbot, window.context)
    custody = window.screen("custody")
    custody.record.click()
    settle(qtbot, window.context)
    found = _looked_at(qtbot, [("custody_event", custody.dialog)], site)
    assert found == [], "\n".join(found)


# -- the first-run wizard ------------------------------------------------------------------------


@pytest.fixture
def in_pseudo() -> Iterator[None]:
    """The process reads pseudo before the shell is made (the wizard is built in it)."""
    from ui.language import apply_language

    apply_language(PSEUDO)
    yield
    apply_language("en")


def _wizard_state(qtbot, window, name: str, data: Data) -> list[str]:
    QApplication.processEvents()
    shot(window, f"pseudo_first_run_{name}")
    return [f"{name}: {word}" for word in _english_in(window.stack.currentWidget(), data)]


def test_the_first_run_wizard_is_in_the_pseudo_language(
    qtbot,
    in_pseudo,
    fresh,  # noqa: F811
    monkeypatch,
):
    from ui.screens import first_run

    window, path = fresh
    wizard = wizard_of(window)
    assert language() == PSEUDO and "[" in wizard.title.text()
    data = Data((), frozenset())  # no site yet: no data of its own
    found = _wizard_state(qtbot, window, "open", data)

    gate = threading.Event()

    def never_built(_url: str) -> None:  # the demo's building state, seen; then a full disk
        gate.wait(30)
        raise OSError(errno.ENOSPC, "No space left on device", str(path.parent))

    monkeypatch.setattr(first_run, "prepare_demo", never_built)
    wizard.demo_button.click()
    assert wizard.working() and wizard.demo_message.text().startswith("[")
    found += _wizard_state(qtbot, window, "demo_building", data)
    gate.set()
    settle(qtbot, window.context)
    assert not wizard.working() and wizard.demo_message.text().startswith("✖ [")
    found += _wizard_state(qtbot, window, "demo_refused", data)

    fill(wizard, "olga", "Olga Owner", PASSWORD, "other-2026!")
    wizard.create_button.click()
    assert wizard.message.text().startswith("✖ [")  # the passwords differ
    found += _wizard_state(qtbot, window, "passwords_differ", data)
    wizard.on_server.click()
    wizard.create_button.click()
    assert wizard.message.text().startswith("✖ [")  # the server's URL is asked for
    found += _wizard_state(qtbot, window, "server", data)
    wizard.on_file.click()
    fill(wizard, "olga", "Olga Owner", "olga-2026!")
    wizard.create_button.click()
    settle(qtbot, window.context)
    assert wizard.message.text().startswith("✖ [")  # core's: the password has the username
    found += _wizard_state(qtbot, window, "refused", data)

    gate = held(monkeypatch, first_run, "create_site")
    fill(wizard, "olga", "Olga Owner", PASSWORD)
    wizard.create_button.click()
    assert wizard.working() and wizard.message.text().startswith("[")
    found += _wizard_state(qtbot, window, "working", data)
    with qtbot.waitSignal(wizard.finished, timeout=30_000):
        gate.set()
    settle(qtbot, window.context)
    assert path.exists() and window.stack.currentWidget() is window.login
    assert found == [], "\n".join(found)
