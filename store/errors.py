"""Store-level errors that callers translate into their own (the store imports nothing of ours)."""
from __future__ import annotations


class StaleState(Exception):
    """A revision-checked state write matched no row: another writer saved the case first."""
