"""The record's hash chains, written and checked in one place.

Every call event, shift and handoff record is a link of **the record's chain**, in write order:
its position, its own hash (a call event's or handoff record's chain hash, a shift's entry
hash) and, for a call event, the state hash of its call's facts once it was written
(``domain.timeline.link_hash``). The head (hash and count) is one row, ``record_chain``,
locked by every append (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's write transaction
holds the database), so the chain stays linear with many writers. Handoff records print the
head at the end of their shift: ``verify --anchor HASH:COUNT`` proves the record up to there.

Checking: a year of history is a million events, so the call chains are checked in one pass
over the events in storage order (a server-side cursor on PostgreSQL), with plain rows and the
canonical text built by hand, not through ORM objects; the record's chain is checked in the
same pass. Only a chain that fails that pass is read again whole and handed to the domain's
:func:`~dispatch_app.domain.timeline.verify_chain`, which names the first broken record; the
domain has the last word (a stored payload re-spelled without changing its content is not a
break). A call's row is compared with its chained state, and with what its events say
(``timeline.project_call``), column by column.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Text, cast, insert, select, type_coerce, update
from sqlalchemy.orm import Session

from dispatch_app.domain import timeline as tl
from dispatch_app.domain.handoff import ISSUED, HandoffRecord
from dispatch_app.domain.localtime import format_utc
from dispatch_app.domain.timeline import ALTERED, FOREIGN, GENESIS, CallEvent, ChainBreak, link_hash, verify_chain
from dispatch_app.store.tables import CallEventRow, CallRow, HandoffRecordRow, RecordChainRow, ShiftRow
from dispatch_app.store.types import UTC

CALLS = CallRow.__table__
EVENTS = CallEventRow.__table__
SHIFTS = ShiftRow.__table__
RECORDS = HandoffRecordRow.__table__
CHAIN = RecordChainRow.__table__

STREAM_BATCH = 20_000
DETAILED_BREAKS = 100
"""Broken chains read again for a precise message; further ones are only counted."""

_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


# ---------------------------------------------------------------- writing the record's chain


def _locked_head(session: Session) -> tuple[str, int]:
    connection = session.connection()
    row = connection.execute(select(CHAIN.c.head_hash, CHAIN.c.entry_count).where(CHAIN.c.id == 1)
                             .with_for_update()).first()
    if row is None:
        connection.execute(insert(CHAIN).values(id=1, head_hash=GENESIS, entry_count=0))
        return GENESIS, 0
    return row.head_hash, row.entry_count


def append_links(session: Session, entries: Sequence[tuple[str, str | None]]) -> list[tuple[int, str]]:
    """Chain ``entries`` (record hash, state hash or None) after the head, locked for the
    transaction; their (position, link), in order."""
    link, count = _locked_head(session)
    out = []
    for record_hash, state in entries:
        count += 1
        link = tl.link_hash(link, count, record_hash, state)
        out.append((count, link))
    if out:
        session.connection().execute(update(CHAIN).where(CHAIN.c.id == 1).values(head_hash=link, entry_count=count))
    return out


def head(session: Session) -> tl.Anchor:
    """The record's chain head now: what a handoff prints as its anchor."""
    row = session.connection().execute(select(CHAIN.c.head_hash, CHAIN.c.entry_count).where(CHAIN.c.id == 1)).first()
    return tl.Anchor(row.head_hash, row.entry_count) if row is not None else tl.Anchor(GENESIS, 0)


def link_bulk(session: Session, calls: Sequence[dict[str, Any]], events: Sequence[dict[str, Any]]) -> None:
    """Fill the record's chain columns of call and event rows about to be inserted in bulk
    (``events`` in write order, each call's after its row): for a writer of many calls at once."""
    facts = {}
    for row in calls:
        call = tl.Call(id=row["id"], client=row["client_id"], received_at=row["received_at"], system=row["system_id"],
                       impact=row["impact"], summary=row["summary"], caller_name=row["caller_name"],
                       caller_phone=row["caller_phone"], contact=row["contact"], source=row["source"],
                       external_id=row["external_id"], status=row["status"],
                       priority_override=row["priority_override"], priority_override_by=row["priority_override_by"],
                       authorized=bool(row["authorized"]), unmatched=bool(row["unmatched"]),
                       priority=row["priority"], response_due=row["response_due"])
        facts[row["id"]] = tl.state_hash(tl.call_facts(call))
    links = append_links(session, [(e["hash"], facts[e["call_id"]]) for e in events])
    for event, (position, link) in zip(events, links):
        event.update(chain_seq=position, chain_state=facts[event["call_id"]], chain_hash=link)


# ---------------------------------------------------------------- checking


@dataclass(frozen=True)
class ChainReport:
    calls: int
    events: int
    shifts: int
    handoff_records: int
    breaks: tuple[ChainBreak, ...]
    """The first break of each broken chain or record: calls by id, then shifts by id, then
    the record's chain, then the anchors."""
    broken_chains: int
    entries: int = 0
    """Links of the record's chain checked."""
    head: tl.Anchor | None = None
    """The record's chain head as stored."""
    anchors: tuple[tuple[tl.Anchor, bool], ...] = field(default=())
    """Every anchor checked (given, or printed by an issued handoff) and whether it holds."""

    @property
    def ok(self) -> bool:
        return self.broken_chains == 0


class _Record:
    """The record's chain as the pass meets it: the stored links, and the links recomputed
    from the records themselves (which an anchor compares)."""

    def __init__(self, anchors: dict[int, list[tl.Anchor]]):
        self.expected = 1
        self.stored = tl.RECORD_START
        self.true: str | None = tl.RECORD_START
        self.breaks: list[ChainBreak] = []
        self.anchors = anchors
        self.checked: list[tuple[tl.Anchor, bool]] = []
        self.failed: list[tl.Anchor] = []
        if 0 in anchors:
            self._anchor(0)

    def step(self, position: int | None, true_hash: str, stored_hash: str, state: str | None,
             stored_link: str | None, label: str | tuple[int, int]) -> None:
        """``label`` names the entry in a break: text, or (call id, seq) for a call event, so
        the millions of intact events never build one."""
        stored = self.stored
        if (position == self.expected and stored is not None and stored == self.true and true_hash == stored_hash
                and position not in self.anchors):
            link = link_hash(stored, position, stored_hash, state)
            if link == stored_link:  # the intact record: stored and true links are one
                self.stored = self.true = link
                self.expected = position + 1
                return
        if position is None or stored_link is None:
            label = _label(label)
            self._break(tl.RECORD_INSERTED, f"{label} was inserted outside the program: it is not in the record's chain")
            return
        if position < self.expected:
            label = _label(label)
            self._break(tl.RECORD_INSERTED, f"{label} was inserted outside the program: it takes entry {position} "
                                            "of the record's chain, which another record holds")
            return
        if position > self.expected:
            label = _label(label)
            missing = (f"entry {self.expected}" if position == self.expected + 1
                       else f"entries {self.expected} to {position - 1}")
            self._break(tl.RECORD_DELETED, f"{missing} of the record's chain {'is' if position == self.expected + 1 else 'are'} "
                                           f"missing (found {label} after): a record was deleted")
            self.expected, self.stored, self.true = position, None, None
        link = tl.link_hash(self.stored, position, stored_hash, state) if self.stored is not None else None
        if link is not None and link != stored_link:
            label = _label(label)
            if label.startswith("shift "):
                self._break(tl.COLUMN_EDITED, f"{label} column dispatcher or start was edited: the shift no "
                                              f"longer gives its entry {position} in the record's chain")
            else:
                self._break(ALTERED, f"{label} does not hold its link in the record's chain (entry {position}): "
                                     "the chain was rewritten or the record moved")
        if self.true is None:
            true_link = None
        elif self.true == self.stored and true_hash == stored_hash and link is not None:
            true_link = link
        else:
            true_link = tl.link_hash(self.true, position, true_hash, state)
        self.stored, self.true = stored_link, true_link
        if position in self.anchors:
            self._anchor(position)
        self.expected = position + 1

    def _anchor(self, position: int) -> None:
        for anchor in self.anchors.pop(position):
            holds = self.true == anchor.hash
            self.checked.append((anchor, holds))
            if not holds:
                self.failed.append(anchor)

    def finish(self, stored_head: tl.Anchor) -> None:
        count = self.expected - 1
        for position in sorted(self.anchors):
            for anchor in self.anchors[position]:
                self.checked.append((anchor, False))
                self._break(tl.RECORD_DELETED, f"the record's chain has {count} entries, the anchor {anchor} names "
                                               f"{anchor.count}: records after entry {count} were deleted")
        if stored_head.count > count:
            self._break(tl.RECORD_DELETED, f"entry {count + 1} of the record's chain is missing: the chain ends "
                                           f"early (its head names {stored_head.count} entries)")
        elif stored_head.count < count:
            self._break(tl.RECORD_INSERTED, f"entry {stored_head.count + 1} of the record's chain was added "
                                            f"outside the program (its head names {stored_head.count} entries)")
        elif self.stored is not None and stored_head.hash != self.stored:
            self._break(ALTERED, "the record's chain does not end at its head: the head was rewritten")

    def _break(self, problem: str, message: str) -> None:
        self.breaks.append(ChainBreak("record", self.expected, problem, message))


def _label(label: str | tuple[int, int]) -> str:
    return label if isinstance(label, str) else f"call {label[0]} event {label[1]}"


def parse_anchors(texts: Sequence[str]) -> list[tl.Anchor]:
    return [tl.parse_anchor(t) for t in texts]


def verify_all(session: Session, anchors: Sequence[tl.Anchor] = ()) -> ChainReport:
    """Every chain, the record's chain, every call's and shift's columns, and ``anchors``
    (plus the anchors issued handoffs printed)."""
    shifts, records, shift_breaks, others, printed = _verify_shifts(session)
    wanted: dict[int, list[tl.Anchor]] = {}
    for anchor in dict.fromkeys((*anchors, *printed)):
        wanted.setdefault(anchor.count, []).append(anchor)
    record = _Record(wanted)
    calls, events, call_breaks, broken_calls = _verify_calls(session, record, others)
    record.finish(head(session))
    breaks = call_breaks + shift_breaks + record.breaks
    found = bool(breaks)
    given = set(anchors)
    for anchor in record.failed:
        # an anchor an issued handoff keeps only tells what the other checks did not see
        if found and anchor not in given:
            continue
        source = "the anchor" if anchor in given else "the anchor its handoff printed,"
        hidden = "" if found else " and the chain re-hashed to hide it"
        breaks.append(ChainBreak("record", anchor.count, tl.REHASHED,
                                 f"the record up to entry {anchor.count} does not give {source} {anchor}: "
                                 f"a record up to there was changed, deleted or inserted{hidden}"))
    return ChainReport(calls=calls, events=events, shifts=shifts, handoff_records=records,
                       breaks=tuple(breaks), broken_chains=broken_calls + len(shift_breaks) + len(breaks)
                       - len(call_breaks) - len(shift_breaks),
                       entries=record.expected - 1, head=head(session), anchors=tuple(record.checked))


def _verify_calls(session: Session, record: _Record,
                  others: list[tuple[int | None, str, str, str | None, str | None, str]]
                  ) -> tuple[int, int, list[ChainBreak], int]:
    connection = session.connection()
    heads = {row[0]: (row[1], row[2]) for row in connection.execute(
        select(CALLS.c.id, CALLS.c.head_hash, CALLS.c.event_count))}
    last: dict[int, tuple[int, str, str | None]] = {}
    suspect: set[int] = set()
    edited: dict[int, ChainBreak] = {}
    # SQLite keeps an instant as text: read as such, it is parsed in C (fromisoformat), not by a regex
    at = (cast(EVENTS.c.at, Text) if connection.dialect.name == "sqlite" else type_coerce(EVENTS.c.at, DateTime()))
    statement = select(EVENTS.c.call_id, EVENTS.c.seq, at, EVENTS.c.actor,
                       EVENTS.c.kind, cast(EVENTS.c.data, Text), EVENTS.c.prev_hash, EVENTS.c.hash, EVENTS.c.tech,
                       EVENTS.c.chain_seq, EVENTS.c.chain_state, EVENTS.c.chain_hash
                       ).order_by(EVENTS.c.pk)
    # shifts and handoff records (few) come between the events at their positions
    pending = sorted((o for o in others if o[0] is not None), key=lambda o: o[0])
    for other in others:
        if other[0] is None:
            record.step(*other)
    queued = 0
    count = 0
    loads, encode, sha256 = json.loads, _encode, hashlib.sha256
    step = record.step
    by_kinds = (tl.RESOLUTION, tl.PRIORITY)
    parse = datetime.fromisoformat
    spellings: dict[str | None, str] = {}
    """Canonical JSON of the few distinct actors and kinds, spelled once."""
    result = connection.execution_options(stream_results=True, yield_per=STREAM_BATCH).execute(statement)
    for batch in result.partitions():
        count += len(batch)
        for (call_id, seq, at, actor, kind, data, prev_hash, stored_hash, tech,
             chain_seq, chain_state, chain_hash) in batch:
            while queued < len(pending) and chain_seq is not None and pending[queued][0] < chain_seq:
                step(*pending[queued])
                queued += 1
            true_hash = stored_hash
            parsed = None
            spelled = spellings.get(actor)
            if spelled is None:
                spelled = spellings[actor] = encode(actor)
            start = (f'{{"actor":{spelled},"at":"{(parse(at) if at.__class__ is str else at).isoformat()}Z",'
                     f'"call_id":{call_id},"data":')
            spelled = spellings.get(kind)
            if spelled is None:
                spelled = spellings[kind] = encode(kind)
            end = f',"kind":{spelled},"seq":{seq}}}'
            if data is not None and sha256((prev_hash + start + data + end).encode("utf-8")).hexdigest() == stored_hash:
                # the payload is stored exactly as it was hashed (SQLite keeps the canonical text):
                # intact, and it names a technician only if it has the key
                if '"tech"' in data or '"by"' in data:
                    parsed = loads(data)
                else:
                    parsed = {}
            else:
                try:
                    parsed = loads(data)
                    payload = encode(parsed)
                except (ValueError, TypeError):
                    suspect.add(call_id)
                    parsed = None
                if parsed is not None:
                    true_hash = sha256((prev_hash + start + payload + end).encode("utf-8")).hexdigest()
            if parsed is not None:
                named = parsed.get("by") if kind in by_kinds else parsed.get("tech")
                if tech != named and call_id not in edited:
                    edited[call_id] = ChainBreak(call_id, seq, tl.COLUMN_EDITED,
                                                 f"call {call_id} event {seq} column tech was edited "
                                                 f"(it says {tech!r}, the event names {named!r})")
            step(chain_seq, true_hash, stored_hash, chain_state, chain_hash, (call_id, seq))
            if call_id in suspect:
                continue
            seen = last.get(call_id)
            expected_seq, expected_prev = (seen[0] + 1, seen[1]) if seen is not None else (1, GENESIS)
            if seq != expected_seq or prev_hash != expected_prev or true_hash != stored_hash:
                suspect.add(call_id)
                continue
            last[call_id] = (seq, stored_hash, chain_state)
    for other in pending[queued:]:
        step(*other)
    for call_id, (head_hash, head_count) in heads.items():
        if call_id in suspect:
            continue
        seen = last.get(call_id)
        if (seen[0] if seen else 0) != head_count or (seen[1] if seen else GENESIS) != head_hash:
            suspect.add(call_id)
    suspect.update(call_id for call_id in last if call_id not in heads)

    breaks: list[ChainBreak] = []
    broken = 0
    for call_id in sorted(suspect):
        if len(breaks) >= DETAILED_BREAKS:
            broken += 1
            continue
        found = _call_break(session, call_id, heads.get(call_id))
        if found is not None:
            breaks.append(found)
            broken += 1
    for call_id, found in _edited_calls(session, last, suspect, heads).items():
        edited.setdefault(call_id, found)
    for call_id in sorted(edited):
        if call_id in suspect:
            continue
        broken += 1
        if len(breaks) < DETAILED_BREAKS:
            breaks.append(edited[call_id])
    breaks.sort(key=lambda b: (b.key if isinstance(b.key, int) else 0))
    return len(heads), count, breaks, broken


_FACT_COLUMNS = {"client": "client_id", "system": "system_id"}
_INSTANTS = ("received_at", "response_due")


def _edited_calls(session: Session, last: dict[int, tuple[int, str, str | None]], suspect: set[int],
                  heads: dict[int, tuple[str, int]]) -> dict[int, ChainBreak]:
    """Calls whose row no longer gives the state chained with their last event (or that have
    no event at all), each with the first column its events contradict."""
    connection = session.connection()
    as_text = connection.dialect.name == "sqlite"  # naive UTC text: parsed in C, not by a regex
    columns = [cast(CALLS.c[name], Text) if as_text and name in _INSTANTS else CALLS.c[_FACT_COLUMNS.get(name, name)]
               for name in tl.CALL_FACTS]
    out: dict[int, ChainBreak] = {}
    rows = connection.execute(select(CALLS.c.id, *columns).order_by(CALLS.c.id))
    for row in rows:
        call_id = row[0]
        if call_id in suspect:
            continue
        seen = last.get(call_id)
        if seen is None:
            out[call_id] = ChainBreak(call_id, 1, tl.RECORD_INSERTED,
                                      f"call {call_id} was inserted outside the program: it has no events")
            continue
        if seen[2] is None:
            out[call_id] = ChainBreak(call_id, 1, tl.RECORD_INSERTED, f"call {call_id} was inserted outside the "
                                      "program: its events are not in the record's chain")
            continue
        facts = dict(zip(tl.CALL_FACTS, row[1:]))
        for name in _INSTANTS:
            value = facts[name]
            if value.__class__ is str:
                value = datetime.fromisoformat(value)
                facts[name] = value.isoformat() + "Z" if value.tzinfo is None else format_utc(value)
            else:
                facts[name] = format_utc(value)
        facts["authorized"] = bool(facts["authorized"])
        facts["unmatched"] = bool(facts["unmatched"])
        if tl.state_hash(facts) == seen[2]:
            continue
        projected = tl.project_call(_events(session, call_id))
        named = next((name for name in tl.CALL_FACTS if name in projected and projected[name] != facts[name]),
                     "response_due")
        shown = f"it says {facts[named]!r}" + (f", its events say {projected[named]!r}" if named in projected else "")
        out[call_id] = ChainBreak(call_id, seen[0], tl.COLUMN_EDITED,
                                  f"call {call_id} column {named} was edited ({shown})")
    return out


def _events(session: Session, call_id: int) -> list[CallEvent]:
    rows = session.connection().execute(
        select(EVENTS.c.call_id, EVENTS.c.seq, EVENTS.c.at, EVENTS.c.actor, EVENTS.c.kind, cast(EVENTS.c.data, Text),
               EVENTS.c.prev_hash, EVENTS.c.hash).where(EVENTS.c.call_id == call_id).order_by(EVENTS.c.pk)).all()
    return [CallEvent(call_id=r.call_id, seq=r.seq, at=r.at, actor=r.actor, kind=r.kind, data=_parsed(r[5]) or {},
                      prev_hash=r.prev_hash, hash=r.hash) for r in rows]


def _call_break(session: Session, call_id: int, head: tuple[str, int] | None) -> ChainBreak | None:
    """The domain's verdict on one call's chain, read whole in storage order."""
    rows = session.connection().execute(
        select(EVENTS.c.call_id, EVENTS.c.seq, EVENTS.c.at, EVENTS.c.actor, EVENTS.c.kind, cast(EVENTS.c.data, Text),
               EVENTS.c.prev_hash, EVENTS.c.hash).where(EVENTS.c.call_id == call_id).order_by(EVENTS.c.pk)).all()
    if head is None:
        return ChainBreak(call_id, rows[0].seq if rows else 1, FOREIGN,
                          f"call {call_id} event {rows[0].seq if rows else 1} belongs to no stored call")
    records = []
    for row in rows:
        data = _parsed(row[5])
        if data is None:
            return ChainBreak(call_id, row.seq, ALTERED,
                              f"call {call_id} event {row.seq} was altered (its payload is no longer readable)")
        records.append(CallEvent(call_id=row.call_id, seq=row.seq, at=row.at, actor=row.actor, kind=row.kind,
                                 data=data, prev_hash=row.prev_hash, hash=row.hash))
    if not records and head[1]:
        return ChainBreak(call_id, 1, "truncated", f"call {call_id} event 1 is missing: every event of the call is gone")
    return verify_chain(records, head[0], head[1])


def _parsed(text: str | None) -> dict[str, Any] | None:
    try:
        value = json.loads(text) if text is not None else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _aware(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def _verify_shifts(session: Session):
    """(shifts, handoff records, breaks, their entries of the record's chain, the anchors their
    issued records printed)."""
    connection = session.connection()
    shift_rows = connection.execute(select(SHIFTS.c.id, SHIFTS.c.head_hash, SHIFTS.c.record_count, SHIFTS.c.dispatcher,
                                           SHIFTS.c.start, SHIFTS.c.end, SHIFTS.c.chain_seq, SHIFTS.c.chain_hash)
                                    .order_by(SHIFTS.c.id)).all()
    heads = {row.id: (row.head_hash, row.record_count) for row in shift_rows}
    chains: dict[int, list[HandoffRecord]] = {shift_id: [] for shift_id in heads}
    breaks: list[ChainBreak] = []
    entries: list[tuple[int | None, str, str, str | None, str | None, str]] = []
    printed: list[tl.Anchor] = []
    count = 0
    unreadable: dict[int, ChainBreak] = {}
    rows = connection.execute(select(RECORDS.c.shift_id, RECORDS.c.seq, RECORDS.c.at, RECORDS.c.actor, RECORDS.c.kind,
                                     cast(RECORDS.c.data, Text), RECORDS.c.prev_hash, RECORDS.c.hash,
                                     RECORDS.c.chain_seq, RECORDS.c.chain_hash)
                              .order_by(RECORDS.c.pk))
    for row in rows:
        count += 1
        label = f"handoff of shift {row.shift_id} record {row.seq}"
        data = _parsed(row[5])
        if data is None:
            unreadable.setdefault(row.shift_id, ChainBreak(
                row.shift_id, row.seq, ALTERED,
                f"handoff of shift {row.shift_id} record {row.seq} was altered (its payload is no longer readable)"))
            entries.append((row.chain_seq, "", row.hash, None, row.chain_hash, label))
            continue
        stored = HandoffRecord(shift_id=row.shift_id, seq=row.seq, at=_aware(row.at), actor=row.actor, kind=row.kind,
                               data=data, prev_hash=row.prev_hash, hash=row.hash)
        chains.setdefault(row.shift_id, []).append(stored)
        try:
            true_hash = tl.chain_hash(stored.prev_hash, stored.content())
        except (ValueError, TypeError):
            true_hash = ""
        entries.append((row.chain_seq, true_hash, row.hash, None, row.chain_hash, label))
        if row.kind == ISSUED and isinstance(data.get("anchor"), str):
            try:
                printed.append(tl.parse_anchor(data["anchor"]))
            except ValueError:
                pass
    for shift in shift_rows:
        entry = tl.shift_entry_hash(shift.id, shift.dispatcher, _aware(shift.start))
        entries.append((shift.chain_seq, entry, entry, None, shift.chain_hash, f"shift {shift.id}"))
    for shift_id in sorted(chains):
        if shift_id in unreadable:
            breaks.append(unreadable[shift_id])
            continue
        head_ = heads.get(shift_id)
        if head_ is None:
            breaks.append(ChainBreak(shift_id, 1, FOREIGN, f"handoff records of shift {shift_id} belong to no stored shift"))
            continue
        records = chains[shift_id]
        if not records and head_[1]:
            breaks.append(ChainBreak(shift_id, 1, "truncated",
                                     f"handoff of shift {shift_id} record 1 is missing: every record is gone"))
            continue
        found = verify_chain(records, head_[0], head_[1])
        if found is None:
            found = _edited_shift(next(s for s in shift_rows if s.id == shift_id), records)
        if found is not None:
            breaks.append(found)
    return len(heads), count, breaks, entries, printed


def _edited_shift(shift, records: list[HandoffRecord]) -> ChainBreak | None:
    """A shift's columns against its issued record (who, from, until) and its own entry."""
    issued = next((r for r in records if r.kind == ISSUED), None)
    actual = {"dispatcher": shift.dispatcher, "start": format_utc(_aware(shift.start)),
              "end": format_utc(_aware(shift.end)) if shift.end is not None else None}
    said = ({"dispatcher": issued.data.get("dispatcher"), "start": issued.data.get("start"),
             "end": issued.data.get("end")} if issued is not None else {"end": None})
    for name, value in said.items():
        if actual[name] != value:
            return ChainBreak(shift.id, issued.seq if issued else 1, tl.COLUMN_EDITED,
                              f"shift {shift.id} column {name} was edited (it says {actual[name]!r}, "
                              f"{'its issued handoff says ' + repr(value) if issued else 'the shift has not been handed over'})")
    return None
