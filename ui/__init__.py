"""The PySide6 front: screens, dialogs, table models and plots over core services. Thin."""
