"""What the program reads at run time is found the same way from a source checkout, an
installed wheel and the one-folder PyInstaller build (dispatch_app/resources.py), and the
packaged launcher starts with a UTF-8 character locale.

The frozen build is simulated by the rule the helper documents: ``sys.frozen`` set and
``sys._MEIPASS`` naming a folder laid out as ``packaging/dispatch-app.spec`` lays it out (from
the same tables), so a lookup that works only from a checkout fails here, without PyInstaller.
"""
from __future__ import annotations

import ast
import importlib.resources
import importlib.util
import shutil
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from dispatch_app import resources
from dispatch_app.services import calls
from dispatch_app.store import database

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "dispatch_app"
SPEC = ROOT / "packaging" / "dispatch-app.spec"


# ---------------------------------------------------------------- a source checkout


def test_every_run_time_lookup_resolves_in_a_checkout():
    assert resources.resources_dir() == ROOT / "resources"
    for package, parts in resources.RUN_TIME_LOOKUPS:
        assert resources.package_file(package, *parts).exists(), (package, parts)
    assert database.MIGRATIONS == PACKAGE / "store" / "migrations"
    assert resources.read_package_text("tzdata", "zoneinfo", "zone.tab").count("America/Chicago") == 1


def test_a_missing_package_or_file_is_one_kind_of_error():
    with pytest.raises(FileNotFoundError, match="not installed"):
        resources.package_file("no_such_package_here", "zone.tab")
    with pytest.raises(FileNotFoundError, match="not on disk"):
        resources.package_file("tzdata", "zoneinfo", "no-such.tab")


def test_no_module_reads_package_data_but_through_the_helper():
    """``importlib.resources`` and paths built from ``__file__`` break in a frozen build: one
    module owns them."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "resources.py" or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            if any(name.startswith(("importlib.resources", "pkgutil.get_data", "pkg_resources")) for name in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Name) and node.id == "__file__":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} __file__")
    assert offenders == []


# ---------------------------------------------------------------- an installed wheel


def test_the_wheel_installs_every_resource_the_console_reads():
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    installed = {}
    for target, patterns in data_files.items():
        for pattern in patterns:
            for source in ROOT.glob(pattern):
                installed[source.relative_to(ROOT / "resources") if source.is_relative_to(ROOT / "resources")
                          else source] = target
    needed = {path.relative_to(ROOT / "resources") for folder in resources.RESOURCE_FOLDERS
              for path in (ROOT / "resources" / folder).rglob("*") if path.is_file() and "__pycache__" not in path.parts}
    assert needed and needed <= set(installed)
    for relative in needed:  # each where resources_dir() will look for it
        assert installed[relative] == str(Path("share/dispatch-app/resources") / relative.parent)


def test_the_wheel_carries_the_package_data_the_program_looks_up():
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    patterns = package_data["dispatch_app"]
    for package, parts in resources.RUN_TIME_LOOKUPS:
        if not package.startswith("dispatch_app"):
            continue
        found = resources.package_file(package, *parts)
        files = [found] if found.is_file() else [p for p in found.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        for file in files:
            relative = file.relative_to(PACKAGE).as_posix()
            assert any(fnmatch(relative, pattern) for pattern in patterns) or file.suffix == ".py", relative


def test_the_console_finds_the_resources_an_installed_wheel_put_under_the_environment(tmp_path, monkeypatch):
    share = tmp_path / "share" / "dispatch-app" / "resources"
    (share / "theme").mkdir(parents=True)
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    monkeypatch.setattr(resources, "__file__", str(tmp_path / "site-packages" / "dispatch_app" / "resources.py"))
    assert resources.resources_dir() == share


def test_a_package_installed_as_data_only_is_read_one_name_at_a_time(tmp_path, monkeypatch):
    """A package without ``__init__.py`` (tzdata in a frozen build) is a namespace package:
    on Python 3.11 its ``MultiplexedPath.joinpath`` takes one name, which crashed ``call add``."""
    (tmp_path / "data_only_pkg" / "zoneinfo").mkdir(parents=True)
    (tmp_path / "data_only_pkg" / "zoneinfo" / "zone.tab").write_text("ZZ\t+0000+00000\tTest/Only\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "data_only_pkg", raising=False)
    if sys.version_info < (3, 12):
        with pytest.raises(TypeError):
            importlib.resources.files("data_only_pkg").joinpath("zoneinfo", "zone.tab")
    assert resources.read_package_text("data_only_pkg", "zoneinfo", "zone.tab").startswith("ZZ\t")


# ---------------------------------------------------------------- the one-folder build


@pytest.fixture
def frozen(tmp_path, monkeypatch):
    """A folder laid out as the spec lays ``_internal`` out, and the program running from it."""
    internal = tmp_path / "dispatch-app" / "_internal"
    for folder in resources.RESOURCE_FOLDERS:
        shutil.copytree(ROOT / "resources" / folder, internal / "resources" / folder)
    for package, parts in resources.FROZEN_LAYOUT:
        source = resources.package_file(package, *parts)
        shutil.copytree(source, internal / resources.frozen_destination(package, *parts),
                        ignore=shutil.ignore_patterns("__pycache__"))
    zone_tab = internal / "tzdata" / "zoneinfo" / "zone.tab"
    zone_tab.write_text(zone_tab.read_text(encoding="utf-8") + "ZZ\t+0000+00000\tTest/Frozen\n", encoding="utf-8")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(internal), raising=False)
    monkeypatch.setattr(resources, "__file__", str(internal / "dispatch_app" / "resources.pyc"))
    calls.default_region.cache_clear()
    yield internal
    calls.default_region.cache_clear()


def test_every_run_time_lookup_resolves_inside_the_frozen_folder(frozen):
    assert resources.frozen_root() == frozen
    assert resources.resources_dir() == frozen / "resources"
    for folder in resources.RESOURCE_FOLDERS:
        assert any((resources.resources_dir() / folder).iterdir()), folder
    for package, parts in resources.RUN_TIME_LOOKUPS:
        found = resources.package_file(package, *parts)
        assert found.is_relative_to(frozen) and found.exists(), (package, parts, found)


def test_a_caller_phone_finds_its_country_in_the_frozen_zone_table(frozen):
    assert calls.default_region("Test/Frozen") == "ZZ"  # only the frozen copy has this zone
    assert calls.default_region("Europe/Berlin") == "DE"


def test_the_spec_lays_the_build_out_from_the_helper_tables():
    text = SPEC.read_text(encoding="utf-8")
    for name in ("FROZEN_LAYOUT", "RESOURCE_FOLDERS", "frozen_destination", "package_file"):
        assert name in text, name
    assert '"tzdata"' in text  # imported, so PyInstaller's hook collects it as a package
    for folder in resources.RESOURCE_FOLDERS:
        assert (ROOT / "resources" / folder).is_dir(), folder


# ---------------------------------------------------------------- the launcher's locale


def _launcher():
    spec = importlib.util.spec_from_file_location("dispatch_launcher", ROOT / "packaging" / "launcher.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # the program itself starts only under __main__
    return module


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "C.UTF-8"),
    ({"LANG": "C"}, "C.UTF-8"),
    ({"LANG": "de_DE.UTF-8", "LC_CTYPE": "POSIX"}, "C.UTF-8"),
    ({"LANG": "de_DE.UTF-8"}, None),
    ({"LC_CTYPE": "fr_FR.UTF-8"}, "fr_FR.UTF-8"),
    ({"LC_ALL": "C"}, None),
])
def test_the_launcher_gives_a_utf8_character_locale_when_none_is_chosen(environ, expected):
    _launcher().prefer_utf8_locale(environ)
    assert environ.get("LC_CTYPE") == expected
