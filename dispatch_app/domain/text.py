"""Text from outside (a caller, an alert, a bundle) shown safely: what counts as a control character.

A summary can hold anything a caller, an alerting system or a bundle put in it. Shown raw, a
newline forges a line of the queue, an ANSI escape (``ESC [ 2 J``) clears a terminal, and a bidi
override (U+202E) shows text in an order other than the one stored. The record keeps the exact
text (JSON output too); only what is shown to people is made safe, in one of two ways:

- :func:`escaped` for a terminal: each such character written as a visible escape (``\\n``,
  ``\\x1b``, ``\\u202e``), so nothing is lost and nothing acts;
- :func:`one_line` for the console: line breaks become `` ⏎ `` and the other characters the
  Unicode control pictures (``␛``) or ``�``, so a summary reads on one line.
"""
from __future__ import annotations

import re

__all__ = ["UNSAFE", "escaped", "escaped_keeping_lines", "lines_kept", "one_line"]

# C0 and DEL, C1, the line and paragraph separators, and the bidi embeddings, overrides, isolates and marks
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escaped(text: str) -> str:
    """``text`` with every control, separator and bidi character as a visible escape (``\\x1b``)."""
    return UNSAFE.sub(_escape, text) if UNSAFE.search(text) else text


def _picture(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (␛ for ESC)
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def one_line(text: str) -> str:
    """``text`` on one line: line breaks as `` ⏎ ``, a tab as a space, other controls made visible."""
    if not UNSAFE.search(text):
        return text
    text = _LINE_BREAK.sub(" \u23ce ", text).replace("\t", " ")
    return UNSAFE.sub(_picture, text)


_KEPT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def lines_kept(text: str) -> str:
    """``text`` with its line breaks and tabs kept and every other control made visible (a tooltip)."""
    if not UNSAFE.search(text):
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return _KEPT.sub(_picture, text)


def escaped_keeping_lines(text: str) -> str:
    """Like :func:`escaped`, but line ends and tabs stay as they are: a document (Markdown, CSV,
    iCalendar) keeps its shape on a terminal while nothing in it acts on the terminal."""
    return _KEPT.sub(_escape, text) if _KEPT.search(text) else text
