"""Instrument files: cell-counter exports and bioreactor logs, read all or nothing."""
