"""The environment's tables (SQLAlchemy 2 typed ORM).

Rows never leave ``store/``: the functions in :mod:`.environment_rows` turn them into the
domain's values. Records a user can edit carry ``version`` (optimistic concurrency),
``updated_at`` and ``updated_by``. Ids of the bundle are the keys, except for systems and
runbooks, whose ids are unique only within their client: they get a surrogate ``pk`` that
stays the same across re-imports, so later tables (calls) can point at them.

Lists whose order means something (overrides: the last listed wins) or that an export should
give back in the same order carry ``position``.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dispatch_app.store.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Named constraints, so that Alembic's batch mode can alter them on SQLite."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        str: String(),
        list[Any]: JSON(),
        dict[str, Any]: JSON(),
    }


class Tracked:
    """Bookkeeping of an editable record."""

    version: Mapped[int] = mapped_column(default=1, server_default="1")
    updated_at: Mapped[datetime | None]
    updated_by: Mapped[str | None]


# ---------------------------------------------------------------- people and schedules


class MspRow(Tracked, Base):
    __tablename__ = "msp"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str]
    timezone: Mapped[str]
    holidays: Mapped[list[Any]]
    """ISO dates (``YYYY-MM-DD``)."""


class TechnicianRow(Tracked, Base):
    __tablename__ = "technicians"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    level: Mapped[int]
    phones: Mapped[list[Any]]
    email: Mapped[str | None]
    roles: Mapped[list[Any]]
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    position: Mapped[int]


class UnavailabilityRow(Base):
    """Leave of a technician; part of the technician record (replaced with it)."""

    __tablename__ = "technician_unavailability"

    pk: Mapped[int] = mapped_column(primary_key=True)
    technician_id: Mapped[str] = mapped_column(
        ForeignKey("technicians.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str]
    position: Mapped[int]


class RotationRow(Tracked, Base):
    __tablename__ = "rotations"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    level: Mapped[int]
    timezone: Mapped[str]
    start_local: Mapped[str | None]
    """Naive local wall-clock start, ISO 8601 (``2026-11-02T08:00:00``), read in ``timezone``."""
    length: Mapped[str | None]
    """``Nd``, ``Nw`` or ``Nh``."""
    active: Mapped[str | None]
    """Window expression."""
    members: Mapped[list[Any]]
    ical_source: Mapped[str | None]
    ical_content: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int]


class OverrideRow(Tracked, Base):
    """An override; ``position`` is the listed order, and the last listed wins."""

    __tablename__ = "overrides"

    pk: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(index=True)
    rotation_id: Mapped[str] = mapped_column(ForeignKey("rotations.id", ondelete="CASCADE"), index=True)
    tech_id: Mapped[str] = mapped_column(ForeignKey("technicians.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str]


# ---------------------------------------------------------------- clients


class ClientRow(Tracked, Base):
    __tablename__ = "clients"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    industry: Mapped[str]
    timezone: Mapped[str]
    phones: Mapped[list[Any]]
    holidays: Mapped[list[Any]]
    agreement: Mapped[dict[str, Any]]
    """The agreement as the bundle spells it (coverage keys as the strings ``"1"``..``"4"``)."""
    position: Mapped[int]


class ContactRow(Base):
    """A client's contact; part of the client record (replaced with it)."""

    __tablename__ = "contacts"

    pk: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str]
    phone: Mapped[str | None]
    email: Mapped[str | None]
    role: Mapped[str | None]
    may_authorize: Mapped[bool] = mapped_column(default=False, server_default=false())


class SystemRow(Tracked, Base):
    __tablename__ = "systems"
    __table_args__ = (UniqueConstraint("client_id", "id"),)

    pk: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    id: Mapped[str]
    name: Mapped[str]
    criticality: Mapped[str]
    fix_level: Mapped[int]
    depends_on: Mapped[list[Any]]
    """Ids of systems of the same client."""
    vendor: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    notes: Mapped[str] = mapped_column(Text)
    position: Mapped[int]


class ExpertRow(Base):
    """An expert of a system; part of the system record (replaced with it)."""

    __tablename__ = "experts"
    __table_args__ = (UniqueConstraint("system_pk", "tech_id"),)

    pk: Mapped[int] = mapped_column(primary_key=True)
    system_pk: Mapped[int] = mapped_column(ForeignKey("systems.pk", ondelete="CASCADE"))
    tech_id: Mapped[str] = mapped_column(ForeignKey("technicians.id"), index=True)
    role: Mapped[str]
    position: Mapped[int]


class RunbookRow(Tracked, Base):
    """A runbook of a client, tied to one of its systems or (``system_pk`` null) client-wide."""

    __tablename__ = "runbooks"
    __table_args__ = (UniqueConstraint("client_id", "id"),)

    pk: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    system_pk: Mapped[int | None] = mapped_column(
        ForeignKey("systems.pk", ondelete="CASCADE"), index=True
    )
    id: Mapped[str]
    title: Mapped[str]
    level: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    review_days: Mapped[int | None]
    position: Mapped[int]
    reviewed_at: Mapped[datetime | None]
    """When a lead last confirmed it (migration 0004); null: count staleness from ``updated_at``."""


# ---------------------------------------------------------------- history of edits


class RecordChangeRow(Base):
    """One edit of one record (append-only, migration 0004): ``diff`` maps each changed field's
    path to ``[before, after]`` as the bundle spells the values."""

    __tablename__ = "record_changes"
    __table_args__ = (Index("ix_record_changes_kind", "kind", "key"),)

    pk: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    kind: Mapped[str]
    key: Mapped[str]
    action: Mapped[str]
    """created, updated, deleted or reviewed."""
    version: Mapped[int]
    actor: Mapped[str | None]
    at: Mapped[datetime]
    diff: Mapped[dict[str, Any]]


# ---------------------------------------------------------------- change feed


class ChangeRow(Base):
    """One row, bumped by every write: a cheap "something changed" for other workstations."""

    __tablename__ = "changes"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    counter: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[datetime | None]
    environment_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    """The counter of the last write to an environment table (set by a trigger, migration 0003)."""
    shifts_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    """The counter of the last write to shifts or handoff records (trigger, migration 0003)."""



# ---------------------------------------------------------------- calls and shifts


class CallRow(Base):
    """A recorded call: its triage inputs and what the queue sorts by.

    ``client_id`` and ``system_id`` are the bundle's ids, not foreign keys: a call outlives the
    environment (a ``replace`` import may remove its client). The timeline is in
    :class:`CallEventRow`; ``head_hash`` and ``event_count`` name its last link, so that
    deleting the last events is seen too. ``status``, ``priority``, ``response_due``,
    ``resolved_at`` and ``runbook_request`` repeat what the timeline says, for the queue.
    """

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    client_id: Mapped[str | None] = mapped_column(index=True)
    system_id: Mapped[str | None]
    impact: Mapped[str]
    summary: Mapped[str] = mapped_column(Text)
    caller_name: Mapped[str | None]
    caller_phone: Mapped[str | None]
    contact: Mapped[str | None]
    source: Mapped[str]
    external_id: Mapped[str | None] = mapped_column(unique=True)
    dedup_key: Mapped[str | None] = mapped_column(index=True)
    """The alert identity its source gives (``alertmanager:<fingerprint>``, an Opsgenie alias, a
    PagerDuty dedup_key): a new alert with the key of an open call updates that call (0007)."""
    received_at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(index=True)
    priority: Mapped[str | None]
    priority_override: Mapped[str | None]
    priority_override_by: Mapped[str | None] = mapped_column(index=True)
    authorized: Mapped[bool] = mapped_column(default=False, server_default=false())
    unmatched: Mapped[bool] = mapped_column(default=False, server_default=false())
    response_due: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    runbook_request: Mapped[str | None] = mapped_column(index=True)
    """``open`` when the resolver asked for a runbook change, ``closed`` once a lead did it."""
    first_ack_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    ack_seconds: Mapped[float | None]
    engage_seconds: Mapped[float | None]
    """The response figures' marks (``timeline.response_marks``), kept as events are appended
    (migration 0005), with the seconds from ``received_at`` so the figures are one SQL query."""
    wake_count: Mapped[int | None]
    """How many people the wake list named when the call was recorded with the verdict
    escalate (0: nobody to wake); null when not escalated at recording, or recorded before 0005."""
    head_hash: Mapped[str]
    event_count: Mapped[int]
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    changed_seq: Mapped[int | None] = mapped_column(BigInteger, index=True)
    """The change counter of the last write to this call (set by a trigger, migration 0003)."""


class CallEventRow(Base):
    """One event of a call's timeline: append-only, hash-chained (``domain/timeline.py``).

    ``tech`` repeats the technician the payload names (an attempt's tech, a resolver, an
    override's author) so that a removed technician named by a call is found quickly.
    """

    __tablename__ = "call_events"
    __table_args__ = (UniqueConstraint("call_id", "seq"),)

    pk: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    seq: Mapped[int]
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(index=True)
    tech: Mapped[str | None] = mapped_column(index=True)
    kind: Mapped[str]
    data: Mapped[dict[str, Any]]
    prev_hash: Mapped[str]
    hash: Mapped[str]
    chain_seq: Mapped[int | None] = mapped_column(BigInteger, index=True, unique=True)
    """Its position in the record's chain (every event, shift and handoff record; migration 0008)."""
    chain_state: Mapped[str | None]
    """The state hash of its call's facts once it was written (``timeline.call_facts``)."""
    chain_hash: Mapped[str | None]
    """Its link in the record's chain (``timeline.link_hash``)."""


class ShiftRow(Base):
    """A dispatcher's shift; ``end`` is null while it runs. The handoff chain's head is kept
    here like a call's (``head_hash``, ``record_count``)."""

    __tablename__ = "shifts"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    dispatcher: Mapped[str] = mapped_column(index=True)
    start: Mapped[datetime] = mapped_column(index=True)
    end: Mapped[datetime | None]
    head_hash: Mapped[str]
    record_count: Mapped[int]
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    chain_seq: Mapped[int | None] = mapped_column(BigInteger, index=True, unique=True)
    """The shift's own entry in the record's chain: its dispatcher and start (migration 0008)."""
    chain_hash: Mapped[str | None]


class HandoffRecordRow(Base):
    """One entry of a shift's handoff chain (note, issued, acknowledged, reviewed): append-only."""

    __tablename__ = "handoff_records"
    __table_args__ = (UniqueConstraint("shift_id", "seq"),)

    pk: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"))
    seq: Mapped[int]
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(index=True)
    kind: Mapped[str]
    data: Mapped[dict[str, Any]]
    prev_hash: Mapped[str]
    hash: Mapped[str]
    chain_seq: Mapped[int | None] = mapped_column(BigInteger, index=True, unique=True)
    chain_hash: Mapped[str | None]


class RecordChainRow(Base):
    """The head of the record's chain, one row (migration 0008): locked by every append, so
    the chain stays one line however many workstations write."""

    __tablename__ = "record_chain"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    head_hash: Mapped[str]
    entry_count: Mapped[int] = mapped_column(BigInteger)


# ---------------------------------------------------------------- response figures


class FigureCellRow(Base):
    """The response figures of one client, priority and month (the MSP's): a summary of the
    calls table kept by ``store/figure_cells.py`` (migration 0006), rebuilt from it at will.

    ``client_id`` and ``priority`` are ``''`` for calls with none. The medians and nearest-rank
    90th percentiles are minutes, rounded as the figures show them. ``late`` counts calls
    answered after their response due; ``awaiting`` those with a due and no answer yet
    (``awaiting_last_due`` the latest such due), breached or not depending on when one looks.
    """

    __tablename__ = "figure_cells"

    client_id: Mapped[str] = mapped_column(primary_key=True)
    priority: Mapped[str] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(primary_key=True)
    calls: Mapped[int]
    acked: Mapped[int]
    ack_median: Mapped[float | None]
    ack_p90: Mapped[float | None]
    engaged: Mapped[int]
    engage_median: Mapped[float | None]
    engage_p90: Mapped[float | None]
    late: Mapped[int]
    awaiting: Mapped[int]
    awaiting_last_due: Mapped[datetime | None]
    escalations: Mapped[int]
    nobody_to_wake: Mapped[int]
    unknown_wake: Mapped[int]


class FigureMemberRow(Base):
    """The cell each call was last counted in, so that a call whose client or priority
    changed is taken out of its old cell."""

    __tablename__ = "figure_members"

    call_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    client_id: Mapped[str]
    priority: Mapped[str]
    month: Mapped[str]


class FigureStateRow(Base):
    """How far the cells are folded: the change counter and the MSP time zone they were
    computed at (another zone means other months: every cell is rebuilt)."""

    __tablename__ = "figure_state"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    folded_seq: Mapped[int | None] = mapped_column(BigInteger)
    timezone: Mapped[str | None]


class RingRow(Base):
    """The phone rang (migration 0009): who called, on which line, when, what the phone book
    matched. Kept for the shift; a ring is answered when a call carries its ``external_id``
    (the phone system's call id, or one made for it), otherwise it is a missed call.
    ``changed_seq`` is set by a trigger, as for calls, so the change feed names new rings."""

    __tablename__ = "rings"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    phone: Mapped[str]
    line: Mapped[str | None]
    caller_name: Mapped[str | None]
    external_id: Mapped[str] = mapped_column(unique=True)
    source: Mapped[str]
    client_id: Mapped[str | None]
    contact: Mapped[str | None]
    changed_seq: Mapped[int | None] = mapped_column(BigInteger, index=True)
