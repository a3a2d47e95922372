"""The command line's argument types and the check of the raw arguments (docs/cli.md, "Bad input").

Each type refuses a bad value while the arguments are parsed, so the refusal is argparse's one
line with exit 2 and names the option; the rules themselves live below the front ends
(``services.inputs``, ``domain.localtime``), where the intake and the console use them too.
Light on purpose: nothing here loads the database layer.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from dispatch_app.domain.localtime import BadInstant, InstantOutOfRange, parse_local_or_instant
from dispatch_app.errors import DispatchError
from dispatch_app.services import inputs

ARGUMENT_MAX = 10_000
"""Longest argument taken at all: the longest text is a note (4,000 characters) and the
longest path 4,096 bytes. A longer one is refused before anything reads it."""


def check_argv(argv: Sequence[str], parser: argparse.ArgumentParser | None = None) -> None:
    """Refuse, naming the option it belongs to, an argument holding a NUL, bytes that are not
    UTF-8 (Python keeps them as lone surrogates) or more than ARGUMENT_MAX characters. Runs
    before parsing and before anything logs the arguments. ``parser`` tells which options take
    a value (and so own the next argument)."""
    takes_value = _options_taking_values(parser) if parser is not None else None
    for index, token in enumerate(argv):
        where = _name_of(argv, index, takes_value)
        try:
            token.encode("utf-8")
        except UnicodeEncodeError:
            shown = _undecoded(token)
            raise DispatchError(f"{where}: is not valid UTF-8 text{f' ({shown})' if shown else ''}; "
                                "give it in UTF-8") from None
        if "\x00" in token:
            raise DispatchError(f"{where}: contains a NUL character; no name, path or text may hold one")
        if len(token) > ARGUMENT_MAX:
            raise DispatchError(f"{where}: {len(token)} characters, at most {ARGUMENT_MAX}")


def _undecoded(token: str) -> str | None:
    """The bytes of an argument Python could not decode, as a bytes literal (b'caf\\xe9')."""
    try:
        return repr(token.encode("utf-8", "surrogateescape")[:60])
    except UnicodeEncodeError:  # a lone surrogate that came from no byte (an in-process caller)
        return None


def _options_taking_values(parser: argparse.ArgumentParser) -> set[str]:
    found: set[str] = set()
    parsers = [parser]
    while parsers:
        current = parsers.pop()
        for action in current._actions:  # noqa: SLF001 - argparse keeps no public list
            if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
                parsers.extend(action.choices.values())
            elif action.option_strings and action.nargs != 0:
                found.update(action.option_strings)
    return found


def _name_of(argv: Sequence[str], index: int, takes_value: set[str] | None) -> str:
    """How a message names ``argv[index]``: its option (``--summary``), else its position."""
    token = argv[index]
    if token.startswith("--") and "=" in token:
        return token.split("=", 1)[0][:40]
    if token.startswith("-") and len(token) > 1 and not token[1:2].isdigit():
        return token[:2] if not token.startswith("--") and len(token) > 2 else "an option name"
    previous = argv[index - 1] if index > 0 else ""
    if takes_value is None or previous in takes_value:
        if previous.startswith("-") and len(previous) > 1 and "=" not in previous and not previous[1:2].isdigit():
            return previous[:40]
    return f"argument {index + 1}"


def _type(name: str, check: Callable[[str], object]) -> Callable[[str], object]:
    """An argparse type from ``check``: its DispatchError becomes argparse's refusal."""
    def parse(text: str):
        try:
            return check(text)
        except DispatchError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    parse.__name__ = name
    return parse


def _instant(text: str) -> str:
    try:
        parse_local_or_instant(text)
    except InstantOutOfRange as error:
        raise DispatchError(f"{text!r}: {error}") from None
    except BadInstant:
        raise DispatchError(f"{text!r} is not an ISO 8601 instant (for example 2026-11-28T05:00:00Z "
                            "or 2026-11-27T23:00 in the MSP time zone)") from None
    return text


instant = _type("instant", _instant)
"""An ISO 8601 instant, kept as text: without an offset it is read in the MSP time zone later."""


def _whole_number(text: str) -> int:
    stripped = text.strip()
    if not stripped.lstrip("-").isascii() or not stripped.lstrip("-").isdigit() or len(stripped) > 30:
        raise DispatchError(f"{text[:40]!r} is not a whole number")
    return int(stripped)


def _record_id(text: str) -> int:
    value = _whole_number(text)
    if not inputs.is_record_id(value):
        raise DispatchError(f"{value} is not a record id (a whole number from {inputs.ID_MIN} to {inputs.ID_MAX})")
    return value


record_id = _type("record_id", _record_id)
"""A call or shift id: a whole number in the range of the database's id columns."""


def _count(text: str) -> int:
    value = _whole_number(text)
    if not 1 <= value <= inputs.ID_MAX:
        raise DispatchError(f"{value} is not a count (a whole number from 1 to {inputs.ID_MAX})")
    return value


count = _type("count", _count)
"""How many to list (``--limit``): at least one."""


def text(maximum: int, *, required: bool = False) -> Callable[[str], object]:
    """Text of at most ``maximum`` characters, stripped (empty refused when ``required``)."""
    def check(value: str) -> str:
        try:
            if required:
                return inputs.required_text(value, "text", maximum)
            return inputs.optional_text(value, "text", maximum) or ""
        except DispatchError as error:  # argparse names the option
            raise DispatchError(str(error).removeprefix("text: ")) from None
    parse = _type(f"text_{maximum}", check)
    parse.required = required  # type: ignore[attr-defined] - read by the hostile-input test's walk
    return parse


def _database_url(text: str) -> str:
    try:
        return inputs.check_database_url(text)
    except DispatchError as error:
        raise DispatchError(str(error).removeprefix("database URL: ")) from None


database_url = _type("database_url", _database_url)
"""A database URL of a scheme the program opens (``services.inputs.DATABASE_SCHEMES``)."""


identifier = text(inputs.TEXT_MAX, required=True)
"""The id of a technician, client, system or rotation: 1 to TEXT_MAX characters."""
