"""Shared fixtures for the bundle tests: the shared example bundles, loaded as data."""
from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest

from dispatch_app.bundle import load_text

EXAMPLES = Path(os.environ.get("DISPATCH_EXAMPLES", Path(__file__).resolve().parents[3] / "shared" / "examples"))
NORTHWIND = EXAMPLES / "northwind.yaml"
NORTHWIND_ICAL = EXAMPLES / "northwind-ical.yaml"

_cache: dict[Path, object] = {}


def example_data(path: Path) -> dict:
    """A fresh copy of an example bundle's data (dates and instants as text)."""
    if path not in _cache:
        _cache[path] = load_text(path.read_text(encoding="utf-8"), path.suffix, str(path))
    return copy.deepcopy(_cache[path])


@pytest.fixture
def northwind() -> dict:
    return example_data(NORTHWIND)
