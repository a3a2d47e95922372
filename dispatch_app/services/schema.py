"""The published JSON Schema of the bundle format (``dispatch-app schema``), derived from the
bundle's shape (:mod:`dispatch_app.bundle.shape`)."""
from __future__ import annotations

from pathlib import Path

from dispatch_app.bundle import shape
from dispatch_app.files import write_file

SCHEMA_FILE = shape.SCHEMA_FILE


def schema_text() -> str:
    """The schema as JSON text, exactly as ``resources/schema/`` keeps it."""
    return shape.schema_text()


def write_schema(path: Path) -> None:
    """Write the schema to ``path``, whole or not at all (:func:`dispatch_app.files.write_file`)."""
    write_file(Path(path), schema_text())
