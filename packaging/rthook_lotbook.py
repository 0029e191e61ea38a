"""PyInstaller runtime hook: runs in the frozen app before main.py.

Alembic loads the migration files (core/store/migrations/versions/*.py) by path, and Python would
then write their __pycache__ into the bundle when the folder is writable (root, or a per-user
install): files not in lotbook-manifest.json, and /opt/lotbook left behind after `dpkg -r`.
The bundle is read-only by design, so no bytecode is ever written."""

import sys

sys.dont_write_bytecode = True
