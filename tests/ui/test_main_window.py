"""The app shell: `main.py` without a command opens the main window (offscreen here)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def test_main_window_names_its_database(qtbot, tmp_path):
    window = MainWindow("/data/lotbook.db", "Demo database")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.windowTitle() == "Lotbook"
    assert window.statusBar().currentMessage() == "Database: /data/lotbook.db"
    image = window.grab()
    assert image.width() >= 800
    assert image.save(str(tmp_path / "main_window.png"))


def test_main_py_demo_opens_the_window_on_a_demo_database(tmp_path):
    data = tmp_path / "data"
    env = dict(
        os.environ, LOTBOOK_DATA_DIR=str(data), QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path)
    )
    env.pop("LOTBOOK_DB", None)
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    log = data / "logs" / "lotbook.log"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if log.exists() and "main window shown" in log.read_text():
                break
            assert proc.poll() is None, proc.communicate()[1].decode()
            time.sleep(0.2)
        assert "main window shown" in log.read_text()
        assert (data / "lotbook-demo.db").exists()
        assert not (data / "lotbook.db").exists()  # the site database is never the demo
    finally:
        proc.terminate()
        proc.wait(timeout=30)
