"""Calls raised by monitoring alerts, found by the alert's fingerprint.

The intake keeps an Alertmanager alert's identity in the call's external id,
``alertmanager:<fingerprint>:<startsAt>`` (unique per firing); every call of one fingerprint
shares the prefix ``alertmanager:<fingerprint>:``.
"""
from __future__ import annotations

from sqlalchemy import select

from dispatch_app.domain.timeline import OPEN_STATUSES
from dispatch_app.store.tables import CallRow


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def open_call_with_prefix(session, prefix: str) -> int | None:
    """The newest open call whose external id starts with ``prefix``, or None."""
    statement = (select(CallRow.id)
                 .where(CallRow.external_id.like(_escaped(prefix) + "%", escape="\\"),
                        CallRow.status.in_(OPEN_STATUSES))
                 .order_by(CallRow.id.desc()).limit(1))
    found = session.execute(statement).scalar()
    return int(found) if found is not None else None
