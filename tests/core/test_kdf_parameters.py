"""The suite hashes passwords and wraps signing keys at argon2id's cheapest (tests/conftest.py);
the product does it at OWASP's minimum. Checked here in a fresh interpreter, where the test
suite swapped nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OWASP = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
PROBE = """
import json
from core.auth import passwords
from core.crypto import keys
hasher = passwords.HASHER
print(json.dumps({
    "hasher": {"time_cost": hasher.time_cost, "memory_cost": hasher.memory_cost,
               "parallelism": hasher.parallelism, "type": hasher.type.name},
    "stored": passwords.hash_password("bench-pass-2026").split("$")[3],
    "kdf": keys.KDF_PARAMS,
}))
"""


def test_the_product_hashes_and_wraps_at_owasps_minimum():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    found = json.loads(out)
    assert found["hasher"] == {**OWASP, "type": "ID"}
    assert found["stored"] == "m=19456,t=2,p=1"  # what a stored hash says it was made with
    assert found["kdf"] == OWASP


def test_the_suite_runs_at_the_cheapest():
    from core.auth import passwords
    from core.crypto import keys

    assert passwords.HASHER.time_cost == 1 and keys.KDF_PARAMS["memory_cost"] == 8
