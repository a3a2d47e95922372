"""Workstation settings: declared once (key, type, default, label), read through this module.

What belongs to the workstation stays here (which database, who is signed in, the window's
layout, the theme); what the team shares lives in the database. The values are kept in a
small JSON file in the platform's user config directory (``settings.json``; the demo keeps its
own ``demo-settings.json`` so trying the demo never signs the real desk in as a demo person).

No Qt here: the command line may read the same file.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from dispatch_app.errors import DispatchError
from dispatch_app.files import write_file

APP_NAME = "dispatch-app"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    label: str


SETTINGS: tuple[Setting, ...] = (
    Setting("database_url", str, "", "Database URL (empty: the SQLite file in the user data directory)"),
    Setting("signed_in_technician", str, "", "Technician signed in on this workstation"),
    Setting("theme", str, "dark", "Theme: dark or light"),
    Setting("viewer_timezone", str, "", "Time zone the console shows times in (empty: this computer's)"),
    Setting("screen_layouts", dict, {}, "The window's place, pane widths and pane in sight, per screen size "
            "(saved on close)"),
    Setting("font_scale", float, 1.0, "Text size, 1.0 (100%) to 2.0 (200%)"),
    Setting("notify_new_p1", bool, True, "Desktop notification and sound for a new P1"),
    Setting("intake_port", int, 8765, "Port of the HTTP intake when started from the console (Settings → Intake)"),
)
THEMES = ("dark", "light")

_BY_KEY = {s.key: s for s in SETTINGS}


def default_path(*, demo: bool = False) -> Path:
    name = "demo-settings.json" if demo else "settings.json"
    return platformdirs.user_config_path(APP_NAME) / name


class Settings:
    """Typed access to the declared settings, saved at once on every change.

    An unreadable or damaged file is logged and treated as empty: losing a window layout
    must never keep the console from opening at 2 AM.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._values: dict[str, Any] = {}
        self._load()

    def get(self, key: str) -> Any:
        setting = _BY_KEY[key]
        value = self._values.get(key, setting.default)
        try:
            return setting.type(value)
        except (TypeError, ValueError):
            return setting.default

    def set(self, key: str, value: Any) -> None:
        setting = _BY_KEY[key]
        value = setting.type(value)
        if self._values.get(key, setting.default) == value and key in self._values:
            return
        self._values[key] = value
        self._save()

    def reset(self, key: str) -> None:
        if self._values.pop(key, None) is not None:
            self._save()

    @staticmethod
    def declared() -> tuple[Setting, ...]:
        return SETTINGS

    # ------------------------------------------------------------ file

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as error:
            log.warning("ignoring unreadable settings file %s: %s", self.path, error)
            return
        if isinstance(data, dict):
            self._values = {k: v for k, v in data.items() if k in _BY_KEY}

    def _save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # 0600 when new: the database URL may name a server and user the desk keeps to itself
            write_file(self.path, json.dumps(self._values, indent=2, sort_keys=True), new_mode=0o600)
        except (OSError, DispatchError) as error:  # a read-only home must not stop the console
            log.warning("cannot save settings to %s: %s", self.path, error)
