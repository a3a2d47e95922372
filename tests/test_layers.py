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


# ---------------------------------------------------------------- inside the console

CONSOLE = PACKAGE / "ui" / "console"
SHARED_BY_CONTROLLERS = {"__init__", "desk", "command_table"}
"""Modules of ui/console/ that are not controllers: what they all read, and the command table."""
CONTROLLERS = sorted(p for p in CONSOLE.glob("*.py") if p.stem not in SHARED_BY_CONTROLLERS)
WIDGETS = sorted(p for folder in ("views", "models", "dialogs") for p in (PACKAGE / "ui" / folder).rglob("*.py"))


@pytest.mark.parametrize("path", CONTROLLERS, ids=lambda p: p.stem)
def test_a_controller_imports_no_other_controller(path):
    """Controllers talk through AppEvents and the callables app.py hands them, never to each
    other's modules (the composition root is the only place that sees them all)."""
    for name in _imports(path):
        if name.startswith("dispatch_app.ui.console."):
            module = name.split(".")[3]
            assert module in SHARED_BY_CONTROLLERS or module == path.stem, (
                f"ui/console/{path.name} imports the controller {name}")


@pytest.mark.parametrize("path", WIDGETS, ids=lambda p: str(p.relative_to(PACKAGE / "ui")))
def test_a_widget_takes_only_value_types_from_the_services(path):
    """A widget (views/, models/, dialogs/) shows and collects: the work behind it is its
    controller's (or ui/backend.py's, the door the controllers hand it). It may name the
    services' value types to show them, never import a service module or call one of its
    functions, and no widget imports a controller."""
    import importlib
    import inspect

    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                assert not alias.name.startswith("dispatch_app.services"), f"{path.name} imports {alias.name}"
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.startswith("dispatch_app.ui.console"), f"{path.name} imports {node.module}"
            if node.module == "dispatch_app.services":
                raise AssertionError(f"{path.name} imports service modules {[a.name for a in node.names]}")
            if node.module.startswith("dispatch_app.services."):
                module = importlib.import_module(node.module)
                for alias in node.names:
                    value = getattr(module, alias.name)
                    assert inspect.isclass(value), f"{path.name} imports {node.module}.{alias.name}, not a type"


def test_the_console_checks_see_the_controllers_and_the_widgets():
    assert {"queue", "call_work", "shift", "sign_in", "database_health", "intake_host"} <= {p.stem for p in CONTROLLERS}
    assert any(p.name == "bundle_dialog.py" for p in WIDGETS)
