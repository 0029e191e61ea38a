"""The main window: a thin shell. Screens come with the bench GUI; for now it names the database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget


class MainWindow(QMainWindow):
    def __init__(self, database_name: str, message: str = "") -> None:
        super().__init__()
        self.setWindowTitle("Lotbook")
        self.resize(1366, 768)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        title = QLabel("Lotbook", body)
        title.setObjectName("title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSize(28)
        title.setFont(font)
        note = QLabel(
            message or "Bench batch record for cell and gene therapy manufacturing.", body
        )
        note.setObjectName("message")
        note.setWordWrap(True)
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(note)
        layout.addStretch(1)
        self.setCentralWidget(body)
        self.statusBar().showMessage(f"Database: {database_name}")
