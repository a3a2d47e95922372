"""Text that looks like it holds a credential.

BUNDLE.md: a runbook names where a secret is kept ("vault item ACME-APP02"), it never holds
it. :func:`secret_findings` is the one detector, used by the bundle import (a warning per
runbook, an error with ``--strict``) and by the runbook editor.

It looks for an assignment of a value to a secret-like word (``password: Hunter2``,
``pwd=...``, ``api_key = ...``, ``token: ...``), private key blocks, well-known key formats
(AWS, GitHub, Slack, JWT), credentials inside URLs and long high-entropy strings. Prose about
passwords ("Reset the password in the admin center") and references to a vault item are not
findings.
"""
from __future__ import annotations

import math
import re
from collections import Counter

_ASSIGN = r"[*_]*\s*(?P<op>[:=]|\bis\b)[*_]*\s*[\"'`]?(?P<value>[^\s\"'`,;]+)"
_LABELLED = (
    ("a password", re.compile(r"(?i)\b(?:password|passwd|passphrase|pwd|pass|pw)\b" + _ASSIGN)),
    ("an API key", re.compile(r"(?i)\bapi[ _-]?key\b" + _ASSIGN)),
    ("a secret", re.compile(r"(?i)\b(?:client[ _-]?)?secret\b" + _ASSIGN)),
    ("a token", re.compile(r"(?i)\b(?:access[ _-]?|auth[ _-]?|refresh[ _-]?|bearer[ _-]?)?token\b" + _ASSIGN)),
)
# Values after "password:" that point somewhere instead of holding the secret.
_REFERENCE_WORDS = frozenset(
    """see in from stored kept vault the a an ask use used managed rotated none n/a na tbd
    keeper bitwarden 1password lastpass keepass itglue hudu passportal secret-server
    ask required set reset changed expired given provided""".split()
)
_MASKED = re.compile(r"^(?:\*+|x+|X+|\.+|<[^>]*>?|\{[^}]*\}?|\[[^\]]*\]?|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%[A-Za-z_]+%)$")

_PATTERNS = (
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("an AWS access key", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})\b")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("a token", re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{20,}")),
    ("a password", re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@]+:[^\s/@]+@[^\s]+", re.IGNORECASE)),
)
_CANDIDATE = re.compile(r"[A-Za-z0-9+/=_-]{24,}")
_HEX_OR_UUID = re.compile(r"^[0-9a-fA-F-]+$")


def _entropy(text: str) -> float:
    counts = Counter(text)
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _looks_random(token: str) -> bool:
    """A long string mixing cases and digits with near-random character spread."""
    if _HEX_OR_UUID.match(token):
        return False  # ids, hashes and GUIDs: not treated as secrets
    if not (re.search(r"[a-z]", token) and re.search(r"[A-Z]", token) and re.search(r"\d", token)):
        return False
    # A slug made of words ("Restart-PLC-Bridge-Service2") is not random.
    if "-" in token or "_" in token:
        parts = [p for p in re.split(r"[-_]", token) if p]
        if all(len(p) < 12 for p in parts):
            return False
    return _entropy(token) >= 4.0


def secret_findings(text: str) -> list[str]:
    """What in ``text`` looks like a credential: descriptions such as ``"a password"``.

    Each kind is listed once, in the order found; an empty list means nothing suspicious.
    """
    if not text:
        return []
    found: list[str] = []

    def add(kind: str) -> None:
        if kind not in found:
            found.append(kind)

    for kind, pattern in _LABELLED:
        for match in pattern.finditer(text):
            value = match["value"].strip(".:")
            if len(value) < 3 or value.lower() in _REFERENCE_WORDS or _MASKED.match(value):
                continue
            if match["op"] == "is" and re.fullmatch(r"[a-z]+", value):
                continue  # "the password is changed ...": prose, not a value
            add(kind)
            break
    for kind, pattern in _PATTERNS:
        if pattern.search(text):
            add(kind)
    for match in _CANDIDATE.finditer(text):
        if _looks_random(match.group()):
            add("a long random string (a key or token?)")
            break
    return found


def secret_warning(path: str, text: str) -> str | None:
    """The import warning for one runbook field, or None when it looks clean."""
    findings = secret_findings(text)
    if not findings:
        return None
    what = findings[0] if len(findings) == 1 else ", ".join(findings[:-1]) + " and " + findings[-1]
    return f"{path}: looks like it holds {what}; name where the secret is kept instead"
