"""Printing labels for a batch (core/services/labels.py): each print is kept with the SHA-256 of
the file written and audited, serials continue per batch and kind, a reprint says why, and what
cannot be printed (kind, count, stock, format, expiry, storage, output file, role) is refused with
nothing written. A check that counts labels is written by Lotbook, never typed, and the labels
reconcile (printed − used − destroyed) in a step a second person verifies."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.errors import (
    Conflict,
    DomainError,
    InvalidValue,
    JustificationRequired,
    PermissionDenied,
    TemplateInvalid,
)
from core.labels.content import AUTOLOGOUS_ONLY
from core.outputs import OutputRefused
from tests.conftest import USER_PASSWORD as PW
from tests.core.test_labels import COI, EXPIRY, STORAGE, _page_text

LABEL_STEP = """
[[steps]]
id = "X-S09"
name = "Label reconciliation"
verify = true
source = "[T]"

[[steps.checks]]
id = "X-LBL-PRINTED"
name = "Labels printed"
type = "number"
unit = "labels"
counts = "labels"
source = "[T]"

[[steps.checks]]
id = "X-LBL-USED"
name = "Labels used"
type = "number"
unit = "labels"
source = "[T]"

[[steps.checks]]
id = "X-LBL-DESTROYED"
name = "Labels destroyed"
type = "number"
unit = "labels"
source = "[T]"

[[steps.checks]]
id = "X-LBL-BALANCE"
name = "Label balance"
type = "number"
unit = "labels"
calc = "label_balance"
inputs = { printed = "X-LBL-PRINTED", used = "X-LBL-USED", destroyed = "X-LBL-DESTROYED" }
spec = { lower = 0, upper = 0 }
source = "[T]"

"""


def _template_text(*, autologous: bool = True, step: str = LABEL_STEP) -> str:
    from tests.core.test_templates import BASE

    text = BASE.replace("[release]", step.lstrip() + "[release]", 1)
    if not autologous:
        text = text.replace("autologous = true", "autologous = false", 1)
    return text


# -- printing through the service ----------------------------------------------------------------


@pytest.fixture
def bench(site, admin, people, tmp_path):
    """The mini template with a label reconciliation step, approved, and batch MINI-1 (COI)."""
    from core.services import batches
    from core.services.template_approval import approve_template
    from core.services.templates import load_template

    path = tmp_path / "mini.toml"
    path.write_text(_template_text(), "utf-8")
    load_template(site, admin, path)
    approve_template(site, people["qa"], PW, "mini", 1, "CC-15 labels")
    batches.start_batch(site, people["tech"], "mini", "MINI-1", COI)
    return site, people


def _print(site, actor, out, *, kind="bag", count=3, **options):
    from core.services.labels import print_labels

    options.setdefault("expiry", EXPIRY)
    options.setdefault("storage", STORAGE)
    stock = options.pop("stock", "100x50")
    return print_labels(site, actor, "MINI-1", kind, count, stock, out, **options)


def _prints(site) -> list[tuple]:
    return [
        tuple(r)
        for r in sa_rows(
            site,
            "SELECT kind, count, first_serial, format, sha256, reason FROM label_print ORDER BY id",
        )
    ]


def sa_rows(site, sql):
    with site.read() as session:
        return session.connection().execute(sa.text(sql)).all()


def _events(site, action):
    from core.services import audit_trail

    return audit_trail.events(site, lot="MINI-1", action=action)


def test_a_print_is_kept_with_the_files_hash_and_audited(bench, tmp_path):
    site, people = bench
    out = tmp_path / "bags.pdf"
    done = _print(site, people["tech"], out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and done.sha256 == hashlib.sha256(data).hexdigest()
    assert (done.first_serial, done.last_serial, done.printed, done.size) == (1, 3, 3, len(data))
    assert _prints(site) == [("bag", 3, 1, "pdf", done.sha256, None)]
    (event,) = _events(site, "label.print")
    new = json.loads(event.new or "{}")
    assert (event.user, event.entity, event.reason) == ("tess", "label_print", None)
    assert new["sha256"] == done.sha256 and new["serials"] == [1, 3]
    assert (new["kind"], new["count"], new["stock"], new["format"]) == ("bag", 3, "100x50", "pdf")
    assert (new["expiry"], new["storage"], new["file"]) == (EXPIRY, STORAGE, "bags.pdf")

    zpl = tmp_path / "vials.zpl"
    done = _print(site, people["tech"], zpl, kind="vial", count=2, stock="38x13", fmt="zpl")
    assert zpl.read_bytes().count(b"^XA") == 2 and done.first_serial == 1  # its own serials
    assert done.printed == 5

    from core.services.labels import labels_printed

    record = labels_printed(site, "MINI-1")
    assert record.printed == 5
    assert [(c.kind, c.printed, c.last_serial) for c in record.counts] == [
        ("bag", 3, 3),
        ("sample", 0, 0),
        ("vial", 2, 2),
    ]
    assert [(p.kind, p.format, p.printed_by) for p in record.prints] == [
        ("bag", "pdf", "tess"),
        ("vial", "zpl", "tess"),
    ]


def test_a_reprint_continues_the_serials_and_needs_a_reason(bench, tmp_path):
    site, people = bench
    _print(site, people["tech"], tmp_path / "a.pdf")
    with pytest.raises(DomainError, match=r"3 bag labels were already printed .*serials 1–3") as e:
        _print(site, people["tech"], tmp_path / "b.pdf", count=2)
    assert e.value.cli_hint == "Add --reason TEXT."
    assert not (tmp_path / "b.pdf").exists() and len(_prints(site)) == 1
    done = _print(site, people["tech2"], tmp_path / "b.pdf", count=2, reason="bag label torn")
    assert (done.first_serial, done.last_serial) == (4, 5)
    assert _prints(site)[1][1:3] == (2, 4) and _prints(site)[1][5] == "bag label torn"


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"kind": "box"}, InvalidValue, "not a kind of label: use bag, sample, vial"),
        ({"count": 0}, InvalidValue, "1 to 500"),
        ({"count": 501}, InvalidValue, "1 to 500"),
        ({"stock": "A4"}, DomainError, "not a label stock"),
        ({"fmt": "png"}, InvalidValue, "not a label format"),
        ({"fmt": "zpl"}, DomainError, r"\.zpl name"),
        ({"expiry": "31/01/2027"}, InvalidValue, "YYYY-MM-DD"),
        ({"expiry": "2027-02-30"}, InvalidValue, "YYYY-MM-DD"),
        ({"expiry": "2026-10-01"}, InvalidValue, "in the past"),
        ({"storage": "  "}, InvalidValue, "storage condition"),
        ({"storage": "x" * 201}, InvalidValue, "at most 200"),
    ],
)
def test_what_cannot_be_printed_is_refused_and_nothing_is_written(
    bench, tmp_path, change, error, message
):
    site, people = bench
    out = tmp_path / "labels.pdf"
    with pytest.raises(error, match=message):
        _print(site, people["tech"], out, **change)
    assert not out.exists() and _prints(site) == []


def test_the_output_file_is_never_an_existing_file_a_folder_or_the_database(bench, tmp_path):
    from core.paths import DB_FILE, data_dir

    site, people = bench
    taken = tmp_path / "taken.pdf"
    taken.write_bytes(b"keep me")
    with pytest.raises(OutputRefused, match="already exists"):
        _print(site, people["tech"], taken)
    assert taken.read_bytes() == b"keep me"
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    with pytest.raises(OutputRefused, match="a folder"):
        _print(site, people["tech"], folder)
    data_dir().mkdir(parents=True, exist_ok=True)
    with pytest.raises(OutputRefused, match="is the Lotbook database"):
        _print(site, people["tech"], data_dir() / DB_FILE)
    if site.url.startswith("sqlite"):
        with pytest.raises(OutputRefused, match="database"):
            _print(site, people["tech"], Path(site.url.removeprefix("sqlite:///")))
    assert _prints(site) == []
    _print(site, people["tech"], taken, force=True)
    assert taken.read_bytes().startswith(b"%PDF")


def test_only_people_who_record_print_labels(bench, admin, tmp_path):
    site, _ = bench
    from core.services import audit_trail

    with pytest.raises(PermissionDenied, match="record values"):
        _print(site, admin, tmp_path / "labels.pdf")
    assert not (tmp_path / "labels.pdf").exists() and _prints(site) == []
    assert audit_trail.events(site, user="ada", action="auth.denied")  # the refusal is on record


# -- the template key and the reconciliation -----------------------------------------------------


RELEASE_COUNT = """
[[release.checks]]
id = "X-REL-02"
name = "Labels printed"
type = "number"
unit = "labels"
counts = "labels"
attribute = "identity"
source = "[T]"
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'counts = "labels"',
            'counts = "stickers"',
            'not something Lotbook counts; write counts = "labels"',
        ),
        (
            'counts = "labels"',
            'counts = "labels"\ncalc = "label_balance"\n'
            'inputs = { printed = "X-LBL-USED", used = "X-LBL-USED", destroyed = "X-LBL-USED" }',
            "cannot also have 'calc'",
        ),
        (
            'type = "number"\nunit = "labels"\ncounts',
            'type = "text"\ncounts',
            "'counts' is only for number checks",
        ),
    ],
)
def test_the_template_refuses_a_count_lotbook_does_not_keep(old, new, message):
    from core.templates.loader import parse_template

    step = LABEL_STEP.replace(old, new, 1)
    assert step != LABEL_STEP
    with pytest.raises(TemplateInvalid, match=message):
        parse_template(_template_text(step=step).encode(), "mini.toml")


def test_a_release_check_does_not_count_labels_and_a_step_check_does():
    from core.templates.loader import parse_template

    text = _template_text() + RELEASE_COUNT
    with pytest.raises(TemplateInvalid, match="release checks are results"):
        parse_template(text.encode(), "mini.toml")
    loaded = parse_template(_template_text().encode(), "mini.toml")
    assert loaded.check("X-LBL-PRINTED").counts == "labels"
    assert loaded.check("X-LBL-USED").counts is None


def test_a_counted_check_is_written_by_lotbook_and_the_labels_reconcile(bench, tmp_path):
    from core.services import batches, recording
    from core.services.review import review_batch
    from core.services.signing import sign
    from core.signatures import SeparationOfDuties

    site, people = bench
    tess, vic = people["tech"], people["tech2"]

    def step():
        return next(s for s in batches.show_batch(site, "MINI-1").steps if s.id == "X-S09")

    def current(check_id):
        return next(c for c in step().checks if c.id == check_id).current

    first = _print(site, tess, tmp_path / "a.pdf", count=3)
    assert [(v.id, v.current.value) for v in first.counted] == [("X-LBL-PRINTED", "3")]
    more = _print(site, tess, tmp_path / "b.pdf", count=2, reason="two bags relabelled")
    assert more.counted[0].current.value == "5"
    printed = next(c for c in step().checks if c.id == "X-LBL-PRINTED")
    assert [(v.value, v.kind, v.source, v.reason) for v in printed.history] == [
        ("3", "entry", "labels", None),
        ("5", "correction", "labels", "2 more labels printed: two bags relabelled"),
    ]

    for attempt in (
        lambda: recording.record_value(site, tess, "MINI-1", "X-LBL-PRINTED", "6"),
        lambda: recording.correct_value(site, tess, "MINI-1", "X-LBL-PRINTED", "6", "miscount"),
    ):
        with pytest.raises(Conflict, match="counted by Lotbook when labels are printed"):
            attempt()
    assert current("X-LBL-PRINTED").value == "5"

    recording.record_value(site, tess, "MINI-1", "X-LBL-USED", "4")
    with pytest.raises(JustificationRequired, match="X-LBL-BALANCE Label balance: 1 labels"):
        recording.record_value(site, tess, "MINI-1", "X-LBL-DESTROYED", "0")  # 5 − 4 − 0 ≠ 0
    recording.record_value(site, tess, "MINI-1", "X-LBL-DESTROYED", "0", hold_if_out_of_spec=True)
    balance = current("X-LBL-BALANCE")
    assert (balance.value, balance.verdict, balance.final) == ("1", "oos", False)
    held = [i for i in review_batch(site, "MINI-1").blocking if i.check_id == "X-LBL-BALANCE"]
    assert len(held) == 1  # the review by exception shows it until it is justified
    with pytest.raises(Conflict, match="Out-of-spec values in step X-S09"):
        sign(site, tess, PW, "MINI-1", "PERFORMED", step_id="X-S09")

    recording.correct_value(
        site, tess, "MINI-1", "X-LBL-DESTROYED", "1", "one torn label was destroyed"
    )
    balance = current("X-LBL-BALANCE")
    assert (balance.value, balance.verdict, balance.final) == ("0", "pass", True)
    assert not [i for i in review_batch(site, "MINI-1").items if i.check_id == "X-LBL-BALANCE"]

    sign(site, tess, PW, "MINI-1", "PERFORMED", step_id="X-S09")
    with pytest.raises(SeparationOfDuties, match="second person"):
        sign(site, tess, PW, "MINI-1", "VERIFIED", step_id="X-S09")
    sign(site, vic, PW, "MINI-1", "VERIFIED", step_id="X-S09")
    assert step().verified

    # one more label after the verification: printed 6, the balance 1 — out of spec, held, and
    # the step's signatures no longer cover what the step now holds
    late = _print(site, tess, tmp_path / "c.pdf", count=1, reason="spare bag label")
    assert [v.current.value for v in late.counted] == ["6", "1"]
    assert any(
        "X-LBL-BALANCE Label balance is 1 labels, out of specification" in n for n in late.notes
    )
    assert not current("X-LBL-BALANCE").final
    assert not step().verified


def test_labels_print_without_a_reconciliation_step_and_allogeneic_labels_say_so(
    site, admin, people, tmp_path
):
    from core.services import batches
    from core.services.template_approval import approve_template
    from core.services.templates import load_template

    path = tmp_path / "allo.toml"
    path.write_text(_template_text(autologous=False, step=""), "utf-8")
    load_template(site, admin, path)
    approve_template(site, people["qa"], PW, "mini", 1, "CC-15 labels")
    batches.start_batch(site, people["tech"], "mini", "MINI-1")
    out = tmp_path / "samples.pdf"
    done = _print(site, people["tech"], out, kind="sample", stock="50x25")
    assert done.counted == () and done.printed == 3
    text = " ".join(_page_text(out, 1).split())
    assert "Lot MINI-1" in text and "Sample 1 of 3" in text
    assert AUTOLOGOUS_ONLY not in text and "COI" not in text
