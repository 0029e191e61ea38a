#!/bin/sh
# Set up what Lotbook needs on a Debian 12 machine, then bring .venv exactly to a lock file.
#   tools/bootstrap.sh run    runtime packages (requirements.lock) + what Qt needs for a window
#   tools/bootstrap.sh test   runtime + test tools (requirements-dev.lock) + what offscreen Qt needs
# System packages are installed only when missing, with apt-get as root (or sudo when present).
set -eu
mode=${1:-test}
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
UV_VERSION=0.13.9

qt_offscreen="libglib2.0-0 libgl1 libegl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libxkbcommon0 fonts-dejavu-core"
qt_window="libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0"
wanted=$qt_offscreen
# the frozen bundle is built and self-tested by `make test`: PyInstaller needs objdump (binutils),
# the bundle's ICU data is trimmed with icupkg (icu-devtools), its numpy is compiled (g++, and the
# Python headers when this Python is Debian's)
if [ "$mode" = test ]; then
  wanted="$wanted binutils icu-devtools g++"
  # the core and CLI tests also run on a throw-away PostgreSQL 15 server (tests/pg_server.py)
  wanted="$wanted postgresql"
  # the PDF and label tests read their pages back: pdftotext, pdffonts and pdftoppm (poppler)
  wanted="$wanted poppler-utils"
  # the test run checks that every library the bundle leaves to Debian comes from a package the
  # .deb depends on, so those packages must be on this machine before the .deb is installed
  depends=$(sed -n 's/^Depends: *//p' packaging/linux/control.in | tr ',' '\n' | sed 's/^ *//; s/[ (].*//' | grep -v '^$')
  wanted="$wanted $(echo $depends)"
  "$PYTHON" -c 'import os, sysconfig, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
    || wanted="$wanted python3-dev"
fi
[ "$mode" = run ] && wanted="$wanted $qt_window"
"$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1 || wanted="$wanted python3-venv"

missing=""
if command -v dpkg >/dev/null 2>&1; then
  for p in $wanted; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
  done
fi
if [ -n "$missing" ]; then
  echo "Installing system packages:$missing"
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "Missing system packages:$missing - install them as root (apt-get install$missing)" >&2
    exit 1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
if ! .venv/bin/python -m uv --version 2>/dev/null | grep -q "$UV_VERSION"; then
  .venv/bin/python -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"
fi
if [ "$mode" = run ]; then
  # exact pins of the runtime lock; test tools already present are left alone
  .venv/bin/python -m uv pip install -q --python .venv/bin/python --compile-bytecode --require-hashes -r requirements.lock
else
  .venv/bin/python -m uv pip sync -q --python .venv/bin/python --compile-bytecode --require-hashes requirements-dev.lock
fi
