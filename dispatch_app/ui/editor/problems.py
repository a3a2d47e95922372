"""The importer's problem lines, placed at the field that holds what they name.

A line reads ``path: message`` with the path relative to the record (``level``,
``agreement.coverage.3``, ``experts[1].tech``); a problem the edit causes elsewhere keeps its
path in the environment (``rotations[0].members[2]``) and is shown above the form.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

_PATH = re.compile(r"^[\w-]+(?:\[[\w-]+\]|\.[\w-]+)*$")
_INDEX = re.compile(r"^\[(\d+)\]\.?(.*)$")


def split_problem(line: str) -> tuple[str, str]:
    """``("agreement.business_hours", "bad window expression: ...")``; ``("", line)`` when the
    line names no path."""
    path, sep, message = line.partition(": ")
    if sep and _PATH.match(path):
        return path, message
    return "", line


def under(path: str, slot: str) -> str | None:
    """What is left of ``path`` below ``slot`` (``""`` for the slot itself), or None when the
    path is not inside it."""
    if path == slot:
        return ""
    if path.startswith(slot + "."):
        return path[len(slot) + 1:]
    if path.startswith(slot + "["):
        return path[len(slot):]
    return None


def place(lines: Iterable[str], slots: Iterable[str]) -> tuple[dict[str, list[tuple[str, str]]], list[str]]:
    """Each line given to the deepest slot that holds its path, as ``(rest, line)``; the lines
    no slot holds come back apart."""
    ordered = sorted(slots, key=len, reverse=True)
    placed: dict[str, list[tuple[str, str]]] = {}
    loose: list[str] = []
    for line in lines:
        path, _ = split_problem(line)
        for slot in ordered if path else ():
            rest = under(path, slot)
            if rest is not None:
                placed.setdefault(slot, []).append((rest, line))
                break
        else:
            loose.append(line)
    return placed, loose


def row_and_key(rest: str) -> tuple[int | None, str]:
    """``"[2].tech"`` → ``(2, "tech")``; ``"[0]"`` → ``(0, "")``; anything else ``(None, rest)``."""
    match = _INDEX.match(rest)
    if match is None:
        return None, rest
    return int(match[1]), match[2].split(".")[0].split("[")[0]
