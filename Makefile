# The two commands a newcomer needs: `make run` and `make test`. Both set up .venv from the lock.
.PHONY: run test check bench lint lock clean-venv translations

run:
	@tools/bootstrap.sh run
	.venv/bin/python main.py --demo

test:
	@tools/bootstrap.sh test
	.venv/bin/python -m ruff check .
	.venv/bin/python -m ruff format --check -q .
	.venv/bin/python -m mypy
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest

# The inner loop while working (not CI): lint, types, the layer contracts, and the tests on SQLite
# without the frozen bundle; `make test` stays the whole suite (PostgreSQL and the bundle too).
check:
	@tools/bootstrap.sh test
	.venv/bin/python -m ruff check .
	.venv/bin/python -m ruff format --check -q .
	.venv/bin/python -m mypy
	.venv/bin/lint-imports
	LOTBOOK_TEST_PG=0 QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q -n 2 -m "not slow" --ignore=tests/packaging

bench:
	@tools/bootstrap.sh test
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/benchmarks -o python_files='bench_*.py' -s -q

lint:
	.venv/bin/python -m ruff check .
	.venv/bin/python -m ruff format --check -q .
	.venv/bin/python -m mypy

# Re-resolve the pinned dependency set after editing pyproject.toml (needs network access to PyPI).
lock:
	.venv/bin/python -m uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes -q -o requirements.lock
	.venv/bin/python -m uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes -q -o requirements-dev.lock

# The translation catalogues: extract the marked sentences, merge them into each language's .po,
# compile the .mo files the app reads (tools/translations.py; a test checks they are current).
translations:
	.venv/bin/python tools/translations.py

clean-venv:
	rm -rf .venv

# The frozen app (PyInstaller, one folder) with its manifest: dist/lotbook/ (see packaging/README.md).
.PHONY: bundle deb
bundle:
	@tools/bootstrap.sh test
	.venv/bin/python -m PyInstaller packaging/lotbook.spec --noconfirm --clean --distpath dist --workpath build/pyinstaller
	.venv/bin/python packaging/build_manifest.py dist/lotbook

# The Debian package dist/lotbook_<version>_amd64.deb from dist/lotbook (run `make bundle` first).
deb:
	PYTHON=.venv/bin/python packaging/linux/build_deb.sh dist/lotbook dist
