"""Look and feel for a cleanroom bench: large targets, high contrast, a large-text mode, and
verdicts shown by icon and word as well as colour (Okabe–Ito colours, safe for colour blindness).
"""

from __future__ import annotations

from collections import namedtuple

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from core.i18n import _
from core.states import Verdict as CoreVerdict
from core.version import app_root
from core.words import VERDICT_MISMATCH, VERDICT_NOT_FINAL, VERDICT_PENDING, VERDICT_WORDS

TOUCH = 44  # minimum height of anything a gloved finger must hit (px)
BASE_POINTS = 12
LARGE_POINTS = 16
MONO = "DejaVu Sans Mono"
SANS = "DejaVu Sans"

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
GREEN = "#007a5a"  # darkened bluish green, for contrast on white
ORANGE = "#b86e00"
VERMILLION = "#c4411a"
BLUE = "#0a5fa8"
GREY = "#4d4d4d"
INK = "#111111"
PAPER = "#ffffff"
PANEL = "#f1f3f5"
LINE = "#b8bec6"


# How a verdict is shown: icon and word (core/words.py) carry the meaning, the colour is a
# reminder only; key names the stylesheet rule. (A namedtuple, not a dataclass: this module
# loads before the login window.)
class Verdict(namedtuple("Verdict", "icon source colour key")):
    __slots__ = ()

    @property
    def word(self) -> str:
        """The word in the language of the moment (``source`` is the catalogue's)."""
        return _(self.source)


VERDICTS = {
    "pass": Verdict("✔", VERDICT_WORDS.raw[CoreVerdict.PASS], GREEN, "pass"),
    "alert": Verdict("▲", VERDICT_WORDS.raw[CoreVerdict.ALERT], ORANGE, "alert"),
    "oos": Verdict("✖", VERDICT_WORDS.raw[CoreVerdict.OOS], VERMILLION, "oos"),
    "report": Verdict("●", VERDICT_WORDS.raw[CoreVerdict.REPORT], GREY, "report"),
}
NOT_FINAL = Verdict("✖", VERDICT_NOT_FINAL, VERMILLION, "oos")
MISMATCH = Verdict("✖", VERDICT_MISMATCH, VERMILLION, "mismatch")
PENDING = Verdict("○", VERDICT_PENDING, GREY, "none")


def verdict_style(verdict: str | None, final: bool = True) -> Verdict:
    if verdict is None:
        return PENDING
    if verdict == CoreVerdict.OOS and not final:
        return NOT_FINAL
    return VERDICTS.get(verdict, VERDICTS[CoreVerdict.REPORT])


def load_fonts(only: tuple[str, ...] = ()) -> None:
    """The app's own fonts, so every bench PC renders the same (and the PDF matches).

    ``only``: file name prefixes to load now (the login window needs DejaVuSans; the monospaced
    face can follow once the window is up)."""
    folder = app_root() / "resources" / "fonts"
    for path in sorted(folder.glob("*.ttf")):
        if not only or path.name.startswith(only):
            QFontDatabase.addApplicationFont(str(path))


def stylesheet(points: int) -> str:
    small = max(points - 1, 11)  # who/when, limits, spec: read at arm's length too
    big = points + 6
    return f"""
    QWidget {{ font-family: "{SANS}"; font-size: {points}pt; color: {INK}; }}
    QMainWindow, QDialog {{ background: {PAPER}; }}
    QPushButton, QToolButton {{
        min-height: {TOUCH}px; padding: 4px 16px; border: 2px solid {LINE}; border-radius: 6px;
        background: {PANEL};
    }}
    QPushButton:focus, QToolButton:focus, QLineEdit:focus, QComboBox:focus, QDateEdit:focus {{
        border: 2px solid {BLUE}; background-color: #eaf3fc;
    }}
    QListView:focus, QTableView:focus, QTreeView:focus, QPlainTextEdit:focus, QTextEdit:focus {{
        border: 2px solid {BLUE};
    }}
    QCheckBox:focus, QRadioButton:focus {{ background-color: #eaf3fc; }}
    QPushButton:default {{ background: {BLUE}; color: white; border-color: {BLUE}; }}
    QPushButton:disabled {{ color: #8a8f96; }}
    QLineEdit, QComboBox, QDateEdit, QSpinBox {{
        min-height: {TOUCH}px; padding: 0 8px; border: 2px solid {LINE}; border-radius: 6px;
        background: white;
    }}
    QComboBox::drop-down, QDateEdit::drop-down {{ width: 36px; border: 0; }}
    QComboBox QAbstractItemView::item {{ min-height: {TOUCH}px; padding: 0 8px; }}
    QTabBar::tab {{
        min-height: {TOUCH}px; padding: 0 24px; margin-right: 4px; background: {PANEL};
        border: 1px solid {LINE}; border-bottom: 0; border-top-left-radius: 6px;
        border-top-right-radius: 6px;
    }}
    QTabBar::tab:selected {{
        background: {PAPER}; font-weight: bold; border-top: 3px solid {BLUE};
    }}
    QLineEdit:disabled, QComboBox:disabled, QDateEdit:disabled {{
        color: #8a8f96; background: {PANEL}; border-color: #d5d9de;
    }}
    QCheckBox {{ min-height: {TOUCH}px; spacing: 10px; }}
    QCheckBox::indicator {{ width: 24px; height: 24px; }}
    QRadioButton {{ min-height: {TOUCH}px; spacing: 10px; }}
    QRadioButton::indicator {{ width: 24px; height: 24px; }}
    QTabWidget::pane {{ border: 1px solid {LINE}; background: {PAPER}; }}
    QLineEdit[readOnly="true"] {{ background: {PANEL}; }}
    QTableView {{ gridline-color: {LINE}; selection-background-color: #cfe3f7;
                  selection-color: {INK}; }}
    QHeaderView::section {{ background: {PANEL}; padding: 6px; border: 0;
                            border-bottom: 1px solid {LINE}; font-weight: bold; }}
    QLabel[role="title"] {{ font-size: {big}pt; font-weight: bold; }}
    QLabel[role="subtle"] {{ color: {GREY}; font-size: {small}pt; }}
    QLabel[role="error"] {{ color: {VERMILLION}; font-weight: bold; }}
    QLabel[role="ok"] {{ color: {GREEN}; font-weight: bold; }}
    QLabel[role="coi"] {{ font-family: "{MONO}"; font-size: {big}pt; font-weight: bold; }}
    QLabel[verdict="pass"] {{ color: {GREEN}; font-weight: bold; }}
    QLabel[verdict="alert"] {{ color: {ORANGE}; font-weight: bold; }}
    QLabel[verdict="oos"], QLabel[verdict="mismatch"] {{ color: {VERMILLION}; font-weight: bold; }}
    QLabel[verdict="report"], QLabel[verdict="none"] {{ color: {GREY}; font-weight: bold; }}
    QFrame[role="header"] {{ background: {PANEL}; border-bottom: 1px solid {LINE}; }}
    QFrame[role="header"] QPushButton {{ padding: 4px 6px; }}
    QFrame[role="panel"] {{ background: {PANEL}; border: 1px solid {LINE}; border-radius: 6px; }}
    QLabel[role="meaning"] {{ font-size: {big + 4}pt; font-weight: bold; color: {BLUE}; }}
    QLabel[role="mono"] {{ font-family: "{MONO}"; }}
    QFrame[role="demand"] {{ background: #fdece6; border: 2px solid {VERMILLION};
                             border-radius: 6px; }}
    """


def apply(app: QApplication, large: bool = False) -> None:
    points = LARGE_POINTS if large else BASE_POINTS
    app.setFont(QFont(SANS, points))
    app.setStyleSheet(stylesheet(points))
    app.setProperty("lotbook_large_text", large)


def is_large(app: QApplication) -> bool:
    return bool(app.property("lotbook_large_text"))
