"""The sample MSP behind ``dispatch-app --demo``: always live.

The demo bundle (``resources/demo/northwind-demo.yaml``) is a template whose dates are written
relative to today: ``{{day+N}}`` is the date N days from today and ``{{monday+N}}`` the date
N days from this week's Monday, both in the MSP's time zone. Each ``--demo`` start rebuilds
the demo database from it, in its own file beside the real one, so rotations, leave and
overrides always surround the present and the real database is never touched.
"""
from __future__ import annotations

import importlib.util
import logging
import re
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import platformdirs

from dispatch_app.services import environment

log = logging.getLogger(__name__)
APP_NAME = "dispatch-app"
TEMPLATE = "northwind-demo.yaml"
DEMO_TIMEZONE = "America/Chicago"  # the template's msp.timezone
_TOKEN = re.compile(r"\{\{\s*(day|monday)\s*([+-]\s*\d+)?\s*\}\}")


def demo_database_path() -> Path:
    return platformdirs.user_data_path(APP_NAME) / "demo.db"


def fill_template(text: str, today: date) -> str:
    """The bundle text with every ``{{day±N}}`` / ``{{monday±N}}`` replaced by an ISO date."""
    monday = today - timedelta(days=today.weekday())

    def replace(match: re.Match) -> str:
        base = today if match.group(1) == "day" else monday
        offset = int((match.group(2) or "0").replace(" ", ""))
        return (base + timedelta(days=offset)).isoformat()

    return _TOKEN.sub(replace, text)


def build_demo_database(resources: Path, now: datetime, path: Path | None = None) -> str:
    """Rebuild the demo database at ``path`` (default: demo.db in the user data directory)
    from the template, dated around ``now``; answers its URL."""
    path = path or demo_database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    today = now.astimezone(ZoneInfo(DEMO_TIMEZONE)).date()
    text = fill_template((resources / "demo" / TEMPLATE).read_text(encoding="utf-8"), today)
    url = f"sqlite:///{path}"
    from dispatch_app.services.database import open_database

    db = open_database(url)
    try:
        with tempfile.TemporaryDirectory(prefix="dispatch-demo-") as folder:
            bundle = Path(folder) / TEMPLATE
            bundle.write_text(text, encoding="utf-8")
            environment.import_bundle(db, bundle, actor=None, at=now)
        add_demo_night_of_calls(db, now)
    finally:
        db.dispose()
    return url


def calls_service_available() -> bool:
    return importlib.util.find_spec("dispatch_app.services.calls") is not None


def add_demo_night_of_calls(db, now: datetime) -> int:
    """The demo night's calls, in every status, placed relative to ``now``: an unknown caller,
    a P1 whose escalation is under way (first expert did not answer), an engaged call, a
    deferred one, one the dispatcher handles, and two already resolved.

    Needs ``services.calls``; without it the demo has an environment and no calls. Answers
    how many calls were added.
    """
    if not calls_service_available():
        log.info("demo: services.calls is not installed yet; the demo night has no calls")
        return 0
    from dispatch_app.services import calls

    desk = "jordan"

    def ago(minutes: float) -> datetime:
        return now - timedelta(minutes=minutes)

    def take(minutes: float, **fields):
        return calls.record_call(db, actor=desk, at=ago(minutes), **fields).call.id

    count = 0
    # resolved earlier in the night: a password reset the desk did itself
    first = take(290, client="acme", system="m365", impact="single-user", caller_phone="+1 312 555 0202",
                 summary="Night shift lead locked out of mail after a password change")
    calls.resolve(db, actor=desk, call_id=first, note="Reset the password with the runbook; signed in fine.",
                  at=ago(280))
    count += 1
    # resolved by an expert, who asked for a runbook change
    wifi = take(240, client="riverside", system="clinic-net", impact="degraded", caller_phone="+1 312 555 0302",
                summary="Wi-Fi drops in the urgent-care wing every few minutes")
    calls.record_attempt(db, actor=desk, call_id=wifi, tech="sam", outcome="acked", at=ago(236))
    calls.resolve(db, actor=desk, call_id=wifi, note="Sam rebooted the wing's access point remotely.",
                  at=ago(200), runbook_change=True)
    count += 1
    # deferred: out-of-hours request the agreement does not cover
    take(150, client="baker", system="dms", impact="degraded", caller_phone="+1 312 555 0501",
         summary="Document search is slow for everyone working late")
    count += 1
    # engaged: the on-call technician acknowledged
    scanners = take(70, client="summit", system="scanners", impact="degraded", caller_phone="+1 303 555 0602",
                    summary="Half the handheld scanners on dock 3 cannot sync")
    calls.record_attempt(db, actor=desk, call_id=scanners, tech="sam", outcome="acked", at=ago(66))
    count += 1
    # handling: the dispatcher follows the runbook
    take(25, client="summit", system="wms", impact="request", caller_phone="+1 303 555 0601",
         summary="Shipping labels stuck in the print queue")
    count += 1
    # the P1: line down at Acme, first expert did not answer, waiting on the second
    p1 = take(8, caller_phone="(312) 555-0202", system="erp-plc", impact="down",
              summary="Line 2 stopped: terminals say waiting for ERP, production stopped", caller_name="Chris Duarte")
    calls.record_attempt(db, actor=desk, call_id=p1, tech="dana", outcome="no-answer", at=ago(6))
    calls.record_attempt(db, actor=desk, call_id=p1, tech="lee", outcome="voicemail", at=ago(2))
    count += 1
    # an unknown number: no client matched yet
    take(3, caller_phone="+1 415 555 0188", summary="Says she is with a new clinic, email down for everyone",
         caller_name="Tara")
    count += 1
    return count
