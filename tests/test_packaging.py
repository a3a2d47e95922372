"""An installed wheel carries every resource the console reads (pyproject's data-files), and
the console finds them there."""
from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from dispatch_app import app

ROOT = Path(__file__).resolve().parents[1]
READ_AT_RUN_TIME = ("theme", "icons", "sounds", "demo", "examples")
"""The folders of resources/ the console reads (the rest builds screenshots and icons)."""


def test_the_wheel_installs_every_resource_the_console_reads():
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    installed = {}
    for target, patterns in data_files.items():
        for pattern in patterns:
            for source in ROOT.glob(pattern):
                installed[source.relative_to(ROOT / "resources") if source.is_relative_to(ROOT / "resources")
                          else source] = target
    needed = {path.relative_to(ROOT / "resources") for folder in READ_AT_RUN_TIME
              for path in (ROOT / "resources" / folder).rglob("*") if path.is_file() and "__pycache__" not in path.parts}
    assert needed and needed <= set(installed)
    for relative in needed:  # each where resources_dir() will look for it
        assert installed[relative] == str(Path("share/dispatch-app/resources") / relative.parent)


def test_the_console_finds_the_resources_an_installed_wheel_put_under_the_environment(tmp_path, monkeypatch):
    share = tmp_path / "share" / "dispatch-app" / "resources"
    (share / "theme").mkdir(parents=True)
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    monkeypatch.setattr(app, "__file__", str(tmp_path / "site-packages" / "dispatch_app" / "app.py"))
    assert app.resources_dir() == share
