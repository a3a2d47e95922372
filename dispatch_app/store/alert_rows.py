"""Calls raised by alerts, found by their dedup key.

An alert source names its alert with a key of its own (Alertmanager's fingerprint, an Opsgenie
alias, a PagerDuty dedup key), kept in ``calls.dedup_key`` (indexed, migration 0007) as
``<source>:<key>``, e.g. ``alertmanager:<fingerprint>``: a new alert with the key of an open
call updates that call instead of recording another one.
"""
from __future__ import annotations

from sqlalchemy import bindparam, select, update

from dispatch_app.domain.timeline import OPEN_STATUSES
from dispatch_app.store.tables import CallRow

_CALLS = CallRow.__table__
# Built once: a payload of thousands of alerts runs them thousands of times.
_OPEN_WITH_KEY = (select(_CALLS.c.id)
                  .where(_CALLS.c.dedup_key == bindparam("key"), _CALLS.c.status.in_(OPEN_STATUSES))
                  .order_by(_CALLS.c.id.desc()).limit(1))
_SET_KEY = update(_CALLS).where(_CALLS.c.id == bindparam("call_id")).values(dedup_key=bindparam("key"))


def open_call_with_key(session, key: str) -> int | None:
    """The newest open call with the dedup key ``key``, or None (an index lookup)."""
    found = session.connection().execute(_OPEN_WITH_KEY, {"key": key}).scalar()
    return int(found) if found is not None else None


def set_dedup_key(session, call_id: int, key: str) -> None:
    """Give a call recorded for an alert its dedup key, in the transaction that recorded it."""
    session.connection().execute(_SET_KEY, {"call_id": call_id, "key": key})
