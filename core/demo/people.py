"""Who is in the demo database, and the one password they all share (shown on the first-run
screen: the demo is for looking around, never for GMP records)."""

from __future__ import annotations

DEMO_PASSWORD = "lotbook-demo"
# Raised when the demo's content changes; an older demo file is set aside and built again.
DEMO_VERSION = "6"
INITIAL_PASSWORD = "lotbook-demo-initial"
DEMO_USERS = {
    "tess": ("Tess Technician", "technician"),
    "vic": ("Victor Verifier", "technician"),
    "sam": ("Sam Supervisor", "supervisor"),
    "cleo": ("Cleo Control", "qc"),
    "quinn": ("Quinn Quality", "qa"),
}
DEMO_PASSWORDS = {"ada": ("admin", DEMO_PASSWORD)} | {
    name: (role, DEMO_PASSWORD) for name, (_, role) in DEMO_USERS.items()
}
