"""Where the program finds what it reads at run time: one rule for a source checkout, an
installed wheel and the one-folder PyInstaller build (``packaging/dispatch-app.spec``).

Two kinds of things are read:

- the console's resources (``resources/``: theme, icons, sounds, demo and sample bundles):
  :func:`resources_dir`;
- data shipped inside a Python package (the time zone table of ``tzdata``, the Alembic
  scripts of ``dispatch_app.store``): :func:`package_file`.

The frozen rule: a build made by PyInstaller sets ``sys.frozen`` and ``sys._MEIPASS`` (the
folder holding the collected files, ``dist/dispatch-app/_internal``). The spec lays files out
there as :data:`FROZEN_LAYOUT` says: ``resources/`` at the top, and a package's data under the
package's dotted name turned into folders (``tzdata/zoneinfo/zone.tab``,
``dispatch_app/store/migrations``), which is also where PyInstaller's ``collect_data_files``
puts them. Code never joins paths to package data itself, and never calls
``importlib.resources`` directly: in a frozen build a package collected as data only (tzdata)
is a namespace package whose ``MultiplexedPath.joinpath`` takes one name at a time on Python
3.11, which crashed the built program where the checkout worked.

Standard library only: every layer but ``domain`` may import it.
"""
from __future__ import annotations

import importlib.resources
import sys
from pathlib import Path

APP_NAME = "dispatch-app"

FROZEN_LAYOUT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dispatch_app.store", ("migrations",)),  # Alembic reads its scripts from disk
    ("tzdata", ("zoneinfo",)),  # zone.tab (a phone number's default country) and the zones
)
"""The package data the build copies into the frozen folder, each as (package, path inside it)."""

RUN_TIME_LOOKUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tzdata", ("zoneinfo", "zone.tab")),
    ("dispatch_app.store", ("migrations", "alembic.ini")),
    ("dispatch_app.store", ("migrations", "env.py")),
    ("dispatch_app.store", ("migrations", "versions")),
)
"""Every :func:`package_file` lookup the program makes (the packaging test runs each in every layout)."""

RESOURCE_FOLDERS = ("theme", "icons", "sounds", "demo", "examples")
"""The folders of ``resources/`` the program reads (the rest builds screenshots and icons)."""


def frozen_root() -> Path | None:
    """The folder of a PyInstaller build's collected files, or None when not frozen."""
    if getattr(sys, "frozen", False) and getattr(sys, "_MEIPASS", None):
        return Path(sys._MEIPASS)
    return None


def resources_dir() -> Path:
    """The console's ``resources/`` folder.

    Frozen: ``resources`` in the build's folder. Else ``resources/`` beside the package (a
    source checkout), else where an installed wheel puts them (``share/dispatch-app/resources``
    under the environment's prefix). A candidate counts when it holds ``theme/``."""
    here = Path(__file__).resolve().parent
    frozen = frozen_root()
    candidates = ([frozen / "resources"] if frozen else []) + [
        here.parent / "resources", Path(sys.prefix) / "share" / APP_NAME / "resources"]
    for candidate in candidates:
        if (candidate / "theme").is_dir():
            return candidate
    return candidates[0]


def frozen_destination(package: str, *parts: str) -> Path:
    """Where the build puts ``parts`` of ``package``, relative to the frozen folder."""
    return Path(*package.split("."), *parts)


def package_file(package: str, *parts: str) -> Path:
    """The file or folder ``parts`` inside the importable ``package``, as a path on disk.

    Raises FileNotFoundError (never ModuleNotFoundError or TypeError) when the package or the
    file is not there, so a caller with a fallback has one exception to catch."""
    if not parts:
        raise ValueError("package_file needs a path inside the package")
    frozen = frozen_root()
    if frozen is not None:
        candidate = frozen / frozen_destination(package, *parts)
        if candidate.exists():
            return candidate
    try:
        node = importlib.resources.files(package)
    except (ModuleNotFoundError, TypeError) as error:
        raise FileNotFoundError(f"{'/'.join(parts)} of {package}: the package is not installed ({error})") from None
    for part in parts:  # one name at a time: a namespace package's MultiplexedPath takes no more (3.11)
        node = node.joinpath(part)
    path = node if isinstance(node, Path) else None  # a zipped package has no path on disk
    if path is None or not path.exists():
        raise FileNotFoundError(f"{'/'.join(parts)} of {package} is not on disk where the package is installed")
    return path


def read_package_text(package: str, *parts: str) -> str:
    """The text (UTF-8) of the file ``parts`` inside ``package`` (see :func:`package_file`)."""
    return package_file(package, *parts).read_text(encoding="utf-8")
