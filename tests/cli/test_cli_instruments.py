"""The instrument commands as a user types them: list the profiles, write a simulated bioreactor
log, import it into a batch (once only; a bad file refused with its line and nothing kept), a
one-sample counter export into a step, and the batch showing its process excursions."""

from __future__ import annotations

from tests.cli.conftest import ADMIN_PW, TECH_PW
from tests.data import INSTRUMENT_SAMPLES as SAMPLES

LOT, COI = "CT-0042", "COI-W123426000042"


def start_cart(cli) -> None:
    r = cli(
        "batch",
        "start",
        "--template",
        "cart-auto-lv",
        "--lot",
        LOT,
        "--coi",
        COI,
        "--user",
        "tess",
        password=TECH_PW,
    )
    assert r.code == 0, r.err


def test_profiles_lists_the_built_in_and_site_profiles(cli):
    r = cli("profiles")
    assert r.code == 0
    for name in ("vi-cell-blu", "nucleoview-nc200", "bioreactor-log", "cedex-hires"):
        assert name in r.out
    kinds = {p["name"]: p["kind"] for p in cli("profiles", "--json").json()}
    assert kinds["bioreactor-log"] == "trace" and kinds["vi-cell-blu"] == "counts"


def test_a_simulated_log_is_imported_once_and_its_excursion_shown(site_cli, tmp_path):
    cli = site_cli
    start_cart(cli)
    log = tmp_path / "run.csv"
    r = cli(
        "simulate",
        "bioreactor",
        "--out",
        str(log),
        "--days",
        "0.5",
        "--rate",
        "0.0333",
        "--start",
        "2026-11-02T08:00:00Z",
        "--seed",
        "7",
    )
    assert r.code == 0, r.err
    assert log.read_text(encoding="utf-8").count("\n") > 1400  # 12 h at one point per 30 s

    r = cli("import", str(log), "--batch", LOT, "--user", "tess", password=TECH_PW)
    assert r.code == 0, r.err
    assert "bioreactor-log" in r.out and "temperature:" in r.out
    assert "1 excursion(s)" in r.out

    shown = cli("batch", "show", LOT)
    assert "1 process excursions" in shown.out
    assert "excursion: temperature above 38" in shown.out
    assert cli("batch", "show", LOT, "--json").json()["exceptions"]["process_excursions"] == 1

    again = cli("import", str(log), "--batch", LOT, "--user", "tess", password=TECH_PW)
    assert again.code == 1 and "imported before" in again.err
    events = cli("audit", "list", "--batch", LOT, "--action", "instrument.import", "--json")
    assert len(events.json()) == 1


def test_a_bad_file_is_refused_with_its_line_and_nothing_is_kept(site_cli, tmp_path):
    cli = site_cli
    start_cart(cli)
    bad = tmp_path / "reactor.csv"
    bad.write_text(
        "# timezone: UTC\ntimestamp,pH,temperature (°C)\n"
        "2026-11-02T08:00:00Z,7.20,37.0\n"
        "2026-11-02T08:01:00Z,7.21,warm\n",
        encoding="utf-8",
    )
    r = cli("import", str(bad), "--batch", LOT, "--user", "tess", password=TECH_PW)
    assert r.code == 1
    assert "line 4" in r.err and r.err.count("\n") == 1  # one line, naming where
    assert cli("audit", "list", "--batch", LOT, "--action", "instrument", "--json").json() == []
    fixed = bad.read_text(encoding="utf-8").replace("warm", "37.1")
    bad.write_text(fixed, encoding="utf-8")
    assert cli("import", str(bad), "--batch", LOT, "--user", "tess", password=TECH_PW).code == 0


def test_a_counter_export_for_a_step_records_its_checks(site_cli):
    cli = site_cli
    start_cart(cli)
    sample = str(SAMPLES / "nucleoview-nc200-export.csv")
    command = ("import", sample, "--batch", LOT, "--step", "CART-S09", "--user", "tess")
    # the sample was measured in 2023, years before the lot started: refused, nothing kept
    r = cli(*command, password=TECH_PW)
    assert r.code == 1 and "before lot CT-0042 was started" in r.err
    assert "--reason" in r.err and len(r.err.strip().splitlines()) == 1
    assert cli("audit", "list", "--batch", LOT, "--action", "instrument", "--json").json() == []
    reason = "Instrument qualification sample counted on the reference bead lot (test)"
    r = cli(*command, "--reason", reason, password=TECH_PW)
    assert r.code == 0, r.err
    assert "nucleoview-nc200" in r.out
    view = cli("batch", "show", LOT, "--json").json()
    recorded = {
        c["id"]: c["current"]
        for s in view["steps"]
        for c in s["checks"]
        if c["current"] is not None and c["current"]["kind"] == "entry"
    }
    assert recorded and all(check.startswith("CART-IPC-09-") for check in recorded)
    assert all(v["source"].startswith("file:") for v in recorded.values())
    # the instrument's own time and zone are kept beside the entry time, with the reason
    vcd = recorded["CART-IPC-09-VCD"]
    assert vcd["measured_at"].startswith("2023-11-20T14:30:16") and vcd["measured_zone"] == "+02:00"
    assert vcd["timing_reason"] == reason
    shown = cli("batch", "show", LOT).out
    assert "measured 2023-11-20" in shown and "(instrument: +02:00)" in shown


def test_import_needs_a_user_who_may_record(site_cli, tmp_path):
    cli = site_cli
    start_cart(cli)
    log = tmp_path / "run.csv"
    assert (
        cli("simulate", "bioreactor", "--out", str(log), "--days", "0.1", "--rate", "0.01").code
        == 0
    )
    r = cli("import", str(log), "--batch", LOT, "--user", "tess", password="wrong-password")
    assert r.code == 1 and "password" in r.err.lower()
    r = cli("import", str(log), "--batch", LOT, "--user", "ada", password=ADMIN_PW)
    assert r.code == 1 and "may not record" in r.err
    r = cli("import", str(log), "--batch", "NO-SUCH-LOT", "--user", "tess", password=TECH_PW)
    assert r.code == 1 and "no batch" in r.err


def test_the_same_count_in_another_file_is_refused(site_cli, tmp_path):
    from datetime import UTC, datetime

    cli = site_cli
    start_cart(cli)
    # measured a minute ago (Berlin time in the file), so its time fits the batch
    now = datetime.now(UTC).astimezone().astimezone(UTC)
    stamp = now.strftime("%Y%m%d %H%M%S")
    text = (SAMPLES / "nucleoview-nc200-export.csv").read_text(encoding="utf-8")
    text = text.replace("20231120 163016", stamp).replace(
        "Time zone offset;2", "Time zone offset;0"
    )
    first, again = tmp_path / "count.csv", tmp_path / "count-copy.csv"
    first.write_text(text, encoding="utf-8")
    again.write_text(text.replace("Operator;DrScientist;", "Operator;DrScientist;;"), "utf-8")
    command = ("--batch", LOT, "--step", "CART-S09", "--user", "tess")
    r = cli("import", str(first), *command, password=TECH_PW)
    assert r.code == 0, r.err
    r = cli("import", str(again), *command, password=TECH_PW)
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1
    assert "was imported before, from count.csv" in r.err


def test_entries_far_from_their_planned_day_are_review_exceptions(site_cli):
    from datetime import UTC, datetime, timedelta

    from core.clock import FixedClock
    from core.services import recording
    from core.services.users import authenticate
    from core.store import open_database

    cli = site_cli
    start_cart(cli)
    clock = FixedClock(datetime.now(UTC))  # given at opening: used on either engine
    db = open_database(cli.url, clock=clock)
    try:
        tess = authenticate(db, "tess", TECH_PW)
        recording.record_value(db, tess, LOT, "CART-IPC-05-SEED", "1.0e6")  # day 0
        clock.set(datetime.now(UTC) + timedelta(days=13))  # back-filled 13 days on
        recording.record_value(db, tess, LOT, "CART-IPC-04-VIAB", "93")
    finally:
        db.dispose()
    r = cli("review", LOT)
    assert "Entered outside the step's window" in r.out and "CART-IPC-04-VIAB" in r.out
    assert "Nothing needs review." not in r.out
