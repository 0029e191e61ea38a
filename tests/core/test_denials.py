"""Every refusal by role or by separation of duties leaves an `auth.denied` event, although the
action it refused left nothing else."""

from __future__ import annotations

import pytest

from core.errors import PermissionDenied
from core.services import audit_trail, recording, users
from core.services.signing import sign
from core.signatures import SeparationOfDuties
from tests.conftest import USER_PASSWORD as PW


def _denied(site) -> list:
    return audit_trail.events(site, action="auth.denied")


def test_role_and_separation_of_duties_denials_are_audited(site, people, lot, tmp_path):
    tess = people["tech"]
    for sample in (
        ("CART-IPC-00-COI", "COI-W123426000042"),
        ("CART-IPC-00-PATIENT", "pass"),
        ("CART-IPC-00-SLOT", "SLOT-7"),
    ):
        recording.record_value(site, tess, lot, *sample)
    sign(site, tess, PW, lot, "PERFORMED", step_id="CART-S00")
    attempts = [
        (
            PermissionDenied,
            lambda: users.create_user(site, tess, "eve", "Eve Example", "qa", "pw-1234567890"),
        ),
        (
            PermissionDenied,
            lambda: sign(site, tess, PW, lot, "APPROVED", disposition="released", reason="ok"),
        ),
        (SeparationOfDuties, lambda: sign(site, tess, PW, lot, "VERIFIED", step_id="CART-S00")),
        (PermissionDenied, lambda: audit_trail.export(site, tmp_path / "a.csv", "csv", actor=tess)),
    ]
    for n, (error, attempt) in enumerate(attempts, start=1):
        with pytest.raises(error):
            attempt()
        denied = _denied(site)
        assert len(denied) == n, [e.reason for e in denied]
        assert denied[-1].user == "tess" and denied[-1].entity_id == "tess"
    assert not (tmp_path / "a.csv").exists()
    assert audit_trail.verify(site).intact
