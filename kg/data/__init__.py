"""Data files of ir-kg: gazetteers, alias tables, patterns and reference facts.

>>> data_path("states.csv").name
'states.csv'
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["data_path"]


def data_path(name: str) -> Path:
    """Path of a data file shipped in this package."""
    return Path(str(files(__name__).joinpath(name)))
