"""The response figures kept per client, priority and month: a summary of the calls table.

A year of a large MSP is hundreds of thousands of calls; its figures are tens of thousands of
cells, each a handful of calls. Reading the cells costs what showing them costs; computing
them from the calls on every read does not fit in a glance. So the cells are kept in
``figure_cells`` and brought up to date before each read by :func:`fold`: the calls stamped
with a change counter above the one last folded (``calls.changed_seq``, migration 0003) are
put in their cells (``figure_members`` remembers where each call was counted, so a call whose
client or priority changed leaves its old cell), and each cell touched is computed again from
its calls. Every write bumps the counter first, which serialises writers, so no change is
stamped below a counter already folded.

The first fold, and a fold after the MSP's time zone changed (other months), builds every
cell from one pass over the calls. The cells are a cache: deleting them all loses nothing.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, delete, func, insert, or_, select, tuple_, update
from sqlalchemy.orm import Session

from dispatch_app.store.call_rows import CALLS
from dispatch_app.store.feed_rows import current_counter
from dispatch_app.store.tables import FigureCellRow, FigureMemberRow, FigureStateRow

CELLS = FigureCellRow.__table__
MEMBERS = FigureMemberRow.__table__
STATE = FigureStateRow.__table__
NONE = ""
"""The client or priority of a cell of calls that have none."""
REBUILD_ABOVE = 2_000
"""Cells touched by one fold above which one pass over every call is cheaper than one query
per cell."""
CHUNK = 400


@dataclass(frozen=True)
class Cell:
    client_id: str
    priority: str
    month: str
    calls: int
    acked: int
    ack_median: float | None
    ack_p90: float | None
    engaged: int
    engage_median: float | None
    engage_p90: float | None
    late: int
    awaiting: int
    awaiting_last_due: datetime | None
    escalations: int
    nobody_to_wake: int
    unknown_wake: int


CELL_COLUMNS = tuple(Cell.__dataclass_fields__)
Key = tuple[str, str, str]


def month_of(instant: datetime, tz: ZoneInfo) -> str:
    """The ``YYYY-MM`` of ``instant`` in ``tz``."""
    local = instant.astimezone(tz)
    return f"{local.year:04d}-{local.month:02d}"


def month_bounds(label: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where the month ``label`` of ``tz`` starts and ends."""
    year, month = int(label[:4]), int(label[5:7])
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return (datetime(year, month, 1, tzinfo=tz).astimezone(timezone.utc),
            datetime(*following, 1, tzinfo=tz).astimezone(timezone.utc))


# ---------------------------------------------------------------- computing a cell

_FACTS = (
    CALLS.c.ack_seconds,
    CALLS.c.engage_seconds,
    case((and_(CALLS.c.response_due.is_not(None), CALLS.c.first_response_at > CALLS.c.response_due), 1),
         else_=0).label("late"),
    case((CALLS.c.first_response_at.is_(None), CALLS.c.response_due), else_=None).label("awaiting_due"),
    case((CALLS.c.escalated_at.is_not(None), 1), else_=0).label("escalated"),
    CALLS.c.wake_count,
)
"""What a cell is made of, per call (the comparisons made in SQL, the same on both engines)."""


def _ranks(seconds: list[float]) -> tuple[float | None, float | None]:
    """The median and the value at nearest rank ceil(0.9 n) (ranks from 1), in minutes
    rounded to two decimals."""
    n = len(seconds)
    if not n:
        return None, None
    seconds.sort()
    middle = (seconds[(n + 1) // 2 - 1] + seconds[(n + 2) // 2 - 1]) / 2
    return round(middle / 60, 2), round(seconds[(9 * n + 9) // 10 - 1] / 60, 2)


def _cell(key: Key, facts: Sequence[tuple], at: datetime | None = None) -> Cell:
    """The cell of ``facts`` (rows of :data:`_FACTS`). With ``at``, the cell as of then: only
    the unanswered calls due before ``at`` are counted as awaiting."""
    acks = [f[0] for f in facts if f[0] is not None]
    engages = [f[1] for f in facts if f[1] is not None]
    dues = [f[3] for f in facts if f[3] is not None and (at is None or f[3] < at)]
    escalated = [f for f in facts if f[4]]
    (ack_median, ack_p90), (engage_median, engage_p90) = _ranks(acks), _ranks(engages)
    return Cell(*key, calls=len(facts), acked=len(acks), ack_median=ack_median, ack_p90=ack_p90,
                engaged=len(engages), engage_median=engage_median, engage_p90=engage_p90,
                late=sum(f[2] for f in facts), awaiting=len(dues), awaiting_last_due=max(dues, default=None),
                escalations=len(escalated), nobody_to_wake=sum(1 for f in escalated if f[5] == 0),
                unknown_wake=sum(1 for f in escalated if f[5] is None))


def between(session: Session, spans: Sequence[tuple[str, datetime, datetime]], tz: ZoneInfo,
            at: datetime) -> list[Cell]:
    """The cells of the calls received in ``spans`` (a month's label and the part of it
    wanted), as of ``at``: computed from the calls, not kept (a range that cuts through a
    month). ``awaiting`` counts the unanswered calls due before ``at``: the breaches are
    ``late + awaiting``."""
    cells = []
    for label, start, end in spans:
        groups: dict[Key, list[tuple]] = defaultdict(list)
        for row in session.connection().execute(
                select(CALLS.c.client_id, CALLS.c.priority, *_FACTS)
                .where(CALLS.c.received_at >= start, CALLS.c.received_at < end)):
            groups[(row[0] or NONE, row[1] or NONE, label)].append(row[2:])
        cells += [_cell(key, facts, at) for key, facts in groups.items()]
    return cells


def _key(client_id: str | None, priority: str | None, received_at: datetime, tz: ZoneInfo) -> Key:
    return client_id or NONE, priority or NONE, month_of(received_at, tz)


def _matches(column, value: str):
    return column.is_(None) if value == NONE else column == value


# ---------------------------------------------------------------- folding


def fold(session: Session, tz_name: str) -> int:
    """Bring the cells up to date with the calls, in the caller's write transaction; answers
    how many calls were folded in."""
    state = session.execute(select(STATE.c.folded_seq, STATE.c.timezone).where(STATE.c.id == 1)
                            .with_for_update()).first()
    if state is None:
        session.execute(insert(STATE).values(id=1, folded_seq=None, timezone=None))
        folded, zone_name = None, None
    else:
        folded, zone_name = state
    counter = current_counter(session)
    if zone_name == tz_name and folded == counter:
        return 0
    tz = ZoneInfo(tz_name)
    if zone_name != tz_name or folded is None:
        count = _rebuild(session, tz)
    else:
        count = _fold_changed(session, tz, folded)
    session.execute(update(STATE).where(STATE.c.id == 1).values(folded_seq=counter, timezone=tz_name))
    return count


def _rebuild(session: Session, tz: ZoneInfo) -> int:
    """Every cell and membership from one pass over the calls."""
    session.execute(delete(CELLS))
    session.execute(delete(MEMBERS))
    groups: dict[Key, list[tuple]] = defaultdict(list)
    members = []
    statement = select(CALLS.c.id, CALLS.c.client_id, CALLS.c.priority, CALLS.c.received_at, *_FACTS)
    for row in session.connection().execute(statement):
        key = _key(row[1], row[2], row[3], tz)
        groups[key].append(row[4:])
        members.append({"call_id": row[0], "client_id": key[0], "priority": key[1], "month": key[2]})
    for chunk in _chunks(members, 5_000):
        session.execute(insert(MEMBERS), chunk)
    _write_cells(session, (_cell(key, facts) for key, facts in groups.items()))
    return len(members)


def _fold_changed(session: Session, tz: ZoneInfo, folded: int) -> int:
    changed = session.connection().execute(
        select(CALLS.c.id, CALLS.c.client_id, CALLS.c.priority, CALLS.c.received_at)
        .where(CALLS.c.changed_seq > folded)).all()
    if not changed:
        return 0
    now = {call_id: _key(client_id, priority, received_at, tz) for call_id, client_id, priority, received_at in changed}
    before: dict[int, Key] = {}
    for chunk in _chunks(list(now), CHUNK):
        before.update((row[0], tuple(row[1:])) for row in session.connection().execute(
            select(MEMBERS.c.call_id, MEMBERS.c.client_id, MEMBERS.c.priority, MEMBERS.c.month)
            .where(MEMBERS.c.call_id.in_(chunk))))
    moved = [call_id for call_id, key in now.items() if before.get(call_id) != key]
    for chunk in _chunks(moved, CHUNK):
        session.execute(delete(MEMBERS).where(MEMBERS.c.call_id.in_(chunk)))
    for chunk in _chunks([{"call_id": c, "client_id": now[c][0], "priority": now[c][1], "month": now[c][2]}
                          for c in moved], 5_000):
        session.execute(insert(MEMBERS), chunk)
    touched = set(now.values()) | set(before.values())
    if len(touched) > REBUILD_ABOVE:
        _rebuild(session, tz)
        return len(changed)
    cells = []
    for key in touched:
        start, end = month_bounds(key[2], tz)
        facts = session.connection().execute(select(*_FACTS).where(
            _matches(CALLS.c.client_id, key[0]), _matches(CALLS.c.priority, key[1]),
            CALLS.c.received_at >= start, CALLS.c.received_at < end)).all()
        if facts:
            cells.append(_cell(key, facts))
    for chunk in _chunks(sorted(touched), CHUNK):
        session.execute(delete(CELLS).where(tuple_(CELLS.c.client_id, CELLS.c.priority, CELLS.c.month).in_(chunk)))
    _write_cells(session, cells)
    return len(changed)


def _write_cells(session: Session, cells: Iterable[Cell]) -> None:
    rows = [dict(zip(CELL_COLUMNS, (getattr(c, name) for name in CELL_COLUMNS))) for c in cells]
    for chunk in _chunks(rows, 5_000):
        session.execute(insert(CELLS), chunk)


def _chunks(values: Sequence, size: int) -> Iterable[Sequence]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


# ---------------------------------------------------------------- reading


def _in_months(months: Sequence[str]):
    if len(set(months)) == len(range_of_months(min(months), max(months))):
        return and_(CELLS.c.month >= min(months), CELLS.c.month <= max(months))
    return CELLS.c.month.in_(sorted(set(months)))


def read(session: Session, months: Sequence[str], at: datetime, *, unmatched: str, no_priority: str) -> Iterable[tuple]:
    """The cells of ``months``, by client, priority and month, each as the figures show it:
    client (``unmatched`` for none), priority (``no_priority``), month, calls, acked, ack
    median and p90, engaged, engage median and p90, breaches, escalations, nobody to wake.

    Breaches count the unanswered calls only in cells where every one was due before ``at``
    (:func:`unsettled` names the others, :func:`awaiting_breached` counts theirs)."""
    if not months:
        return []
    c = CELLS.c
    statement = (
        select(func.coalesce(func.nullif(c.client_id, NONE), unmatched),
               func.coalesce(func.nullif(c.priority, NONE), no_priority),
               c.month, c.calls, c.acked, c.ack_median, c.ack_p90, c.engaged, c.engage_median, c.engage_p90,
               c.late + case((or_(c.awaiting == 0, c.awaiting_last_due < at), c.awaiting), else_=0),
               c.escalations, c.nobody_to_wake)
        .where(_in_months(months))
        .order_by(c.client_id, c.priority, c.month))
    # strings, integers and floats, which neither engine's types convert: the driver's own
    # tuples are the values, without a Row object per cell
    return session.connection().execute(statement).cursor.fetchall()


def unsettled(session: Session, months: Sequence[str], at: datetime) -> list[Key]:
    """The cells of ``months`` with unanswered calls whose due is not before ``at``."""
    if not months:
        return []
    return [tuple(row) for row in session.connection().execute(  # type: ignore[misc]
        select(CELLS.c.client_id, CELLS.c.priority, CELLS.c.month)
        .where(_in_months(months), CELLS.c.awaiting > 0, CELLS.c.awaiting_last_due >= at))]


def any_unknown_wake(session: Session, months: Sequence[str]) -> bool:
    """Whether a cell of ``months`` counts an escalation whose wake list size was not kept."""
    return bool(months) and session.connection().execute(
        select(CELLS.c.month).where(_in_months(months), CELLS.c.unknown_wake > 0).limit(1)).first() is not None


def range_of_months(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last``."""
    out, (year, month) = [], (int(first[:4]), int(first[5:7]))
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def awaiting_breached(session: Session, key: Key, tz: ZoneInfo, at: datetime) -> int:
    """Calls of a cell (client, priority, month; ``''`` for none) with a response due before
    ``at`` and no answer yet."""
    start, end = month_bounds(key[2], tz)
    return len(session.connection().execute(select(CALLS.c.id).where(
        _matches(CALLS.c.client_id, key[0]), _matches(CALLS.c.priority, key[1]),
        CALLS.c.received_at >= start, CALLS.c.received_at < end,
        CALLS.c.first_response_at.is_(None), CALLS.c.response_due < at)).all())
