"""Read an environment bundle file (BUNDLE.md): JSON or YAML by extension, then validate.

Import is all or nothing: every problem found is raised together in one :class:`BundleError`
(``"path: message"`` lines, see :mod:`.validate` for the required keys and id scopes).
YAML is read safely and without the implicit timestamp type, so dates and instants arrive
as text, exactly as written; duplicate keys are refused in YAML and JSON alike.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..domain.model import Environment
from ..errors import DispatchError
from .validate import Validator

SUFFIXES = (".json", ".yaml", ".yml")
MAX_DEPTH = 64
"""How deep a bundle's lists and mappings may nest; the format itself needs 7."""
MAX_ALIAS_VALUES = 250_000
"""How many values YAML aliases may add to a bundle beyond those written out."""


class BundleError(DispatchError):
    """A bundle that cannot be imported; ``problems`` holds every ``path: message`` found."""

    def __init__(self, problems: list[str]):
        if len(problems) == 1:
            message = problems[0]
        else:
            message = f"the bundle has {len(problems)} problems; first: {problems[0]}"
        super().__init__(message, problems)


@dataclass(frozen=True)
class LoadedBundle:
    environment: Environment
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- loading text


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML without the implicit timestamp type, refusing duplicate keys.

    Uses libyaml's parser when PyYAML has it (several times faster on large bundles).
    """

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:
                    continue
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping", node.start_mark, "found a duplicate key", key_node.start_mark
                    )
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# a quoted piece of a parser's message is the file's own text, but for a token's name ('<scalar>')
# or the punctuation the parser expected (':')
_QUOTED = re.compile(r"""\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")""")
_TOKEN = re.compile(r"<[a-z ]+>|[^\w\s]{1,3}")


def _without_text(problem: str) -> str:
    """A YAML problem without the characters, keys or tags it quotes from the file: the line and
    column say where; a message never repeats a file's content (a bundle may be pointed at any file)."""
    def keep_tokens(match: re.Match) -> str:
        inner = match.group(1) if match.group(1) is not None else match.group(2)
        return match.group() if _TOKEN.fullmatch(inner) else ""

    return _QUOTED.sub(keep_tokens, problem).strip() or "unreadable"


def _json_object(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise ValueError("an object has the same key twice")
        out[key] = value
    return out


def _too_deep(name: str) -> str:
    return f"{name}: lists and mappings nested more than {MAX_DEPTH} deep; a bundle needs far fewer (see BUNDLE.md)"


_CONTAINERS = (dict, list)


def _check_size(data: object, name: str, written: int) -> object:
    """``data`` when it nests at most :data:`MAX_DEPTH` deep and its aliases add at most
    :data:`MAX_ALIAS_VALUES` values to the ``written`` it could hold without them (a text of n
    characters holds fewer than n values); else one BundleError. Walked without recursion and
    stopped at the limit, so neither a deep file nor a "billion laughs" one costs more than that."""
    budget = written + MAX_ALIAS_VALUES
    level = [data] if type(data) in _CONTAINERS else []
    depth = 0
    while level:  # one level of the tree at a time
        depth += 1
        if depth > MAX_DEPTH:
            raise BundleError([_too_deep(name)])
        below: list = []
        for value in level:
            children = value.values() if type(value) is dict else value
            budget -= len(children)
            if budget < 0:
                raise BundleError([f"{name}: its YAML aliases repeat more than {MAX_ALIAS_VALUES:,} values; "
                                   "write the values out or use fewer aliases"])
            below += [child for child in children if type(child) in _CONTAINERS]
        level = below
    return data


def load_text(text: str, suffix: str, name: str) -> object:
    """The data of a bundle's text; BundleError with one line (and line number) when unreadable,
    nested too deep or blown up by aliases (:func:`_check_size`)."""
    suffix = suffix.lower()
    return _check_size(_parse_text(text, suffix, name), name, len(text))


def _parse_text(text: str, suffix: str, name: str) -> object:
    if suffix == ".json":
        try:
            return json.loads(text, object_pairs_hook=_json_object)
        except RecursionError:  # the C decoder's own guard (Python's recursion limit), harmless
            raise BundleError([_too_deep(name)]) from None
        except json.JSONDecodeError as exc:
            raise BundleError([f"{name}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"]) from None
        except ValueError as exc:
            raise BundleError([f"{name}: invalid JSON: {exc}"]) from None
    if suffix in (".yaml", ".yml"):
        try:
            return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
        except RecursionError:  # PyYAML without libyaml composes recursively
            raise BundleError([_too_deep(name)]) from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            what = _without_text(exc.problem or exc.context or "unreadable")
            raise BundleError([f"{name}: invalid YAML{where}: {what}"]) from None
        except yaml.reader.ReaderError as exc:
            line = text.count("\n", 0, exc.position) + 1
            column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
            raise BundleError([f"{name}: invalid YAML at line {line}, column {column}: "
                               "a control character YAML does not allow"]) from None
        except yaml.YAMLError as exc:
            raise BundleError([f"{name}: invalid YAML ({type(exc).__name__})"]) from None
    raise BundleError([f"{name}: unknown bundle format {suffix or '(no extension)'!r}; use .json, .yaml or .yml"])


def read_bundle(path: Path, *, strict: bool = False) -> LoadedBundle:
    """Read, validate and convert the bundle file at ``path`` (format by extension)."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise BundleError([f"{path}: unknown bundle format {path.suffix or '(no extension)'!r}; use .json, .yaml or .yml"])
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise BundleError([f"{path}: cannot read the file: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError:
        raise BundleError([f"{path}: cannot read the file: it is not UTF-8 text"]) from None
    data = load_text(text, path.suffix, str(path))
    return parse_bundle(data, base_dir=path.parent, strict=strict)


def parse_bundle(data: object, *, base_dir: Path, strict: bool = False) -> LoadedBundle:
    """Validate bundle data (as loaded from JSON or YAML) and build the environment.

    ``base_dir`` is where ``ical`` paths are read from. With ``strict`` the warnings about
    secret-looking runbook text are errors.
    """
    validator = Validator(Path(base_dir))
    environment = validator.bundle(data)
    problems = list(validator.problems)
    if strict:
        problems.extend(validator.warnings)
    if problems or environment is None:
        raise BundleError(problems or ["the bundle could not be read"])
    return LoadedBundle(environment=environment, warnings=list(validator.warnings))
