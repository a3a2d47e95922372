"""Small pieces the care window's tabs share (the pane helpers are ``ui/views/panes.py``)."""
from __future__ import annotations


def markdown_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in text)
