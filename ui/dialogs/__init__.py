"""Dialogs: opened with .open() (never .exec()), fields exposed for keyboard and tests."""
