"""The layering of DESIGN.md: arrows point inward only."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dispatch_app"

# layer -> project layers it may import (besides itself)
ALLOWED = {
    "domain": set(),
    "errors": set(),
    "files": {"errors"},
    "logs": set(),
    "resources": set(),
    "bundle": {"domain", "errors", "files"},
    "store": {"domain", "errors", "secrets", "resources"},
    "secrets": {"errors"},
    "services": {"store", "bundle", "domain", "errors", "secrets", "feed", "files", "logs", "resources"},
    "feed": {"store", "domain", "errors"},
    "reports": {"domain", "files"},
    "cli": {"services", "domain", "errors", "reports", "files", "logs"},
    "intake": {"services", "domain", "errors", "logs"},
    "ui": {"services", "domain", "errors", "reports", "files", "logs"},
}
FORBIDDEN_THIRD_PARTY = {
    "domain": {"sqlalchemy", "PySide6", "yaml", "icalendar", "recurring_ical_events", "keyring", "alembic"},
    "cli": {"sqlalchemy", "PySide6", "alembic"},
    "intake": {"sqlalchemy", "PySide6", "alembic"},
    "ui": {"sqlalchemy", "alembic"},
    "bundle": {"sqlalchemy", "PySide6"},
    "services": {"PySide6"},
    "store": {"PySide6"},
}


def _layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level]
                yield ".".join(base + ((node.module,) if node.module else ()))
            elif node.module:
                yield node.module


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_inward(path):
    layer = _layer(path)
    if layer not in ALLOWED:
        return  # app.py, demo.py, __main__.py and __init__.py see everything
    for name in _imports(path):
        parts = name.split(".")
        if parts[0] == "dispatch_app" and len(parts) > 1:
            target = parts[1]
            if target in ("__init__",) or target == layer:
                continue
            assert target in ALLOWED[layer], f"{path.relative_to(PACKAGE)} ({layer}) imports {name}"
        else:
            assert parts[0] not in FORBIDDEN_THIRD_PARTY.get(layer, set()), (
                f"{path.relative_to(PACKAGE)} ({layer}) imports {name}"
            )


def test_the_walk_sees_the_package():
    assert any(_layer(p) == "domain" for p in MODULES)
    assert any(_layer(p) == "cli" for p in MODULES)
