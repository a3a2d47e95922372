"""Shifts and handoff: ``shift start|end|note|list``, ``handoff [acknowledge|review] SHIFT_ID``,
``handoff --from --to``, ``verify`` (docs/cli.md)."""
from __future__ import annotations

import sys
from argparse import ArgumentTypeError

from dispatch_app.cli import shapes
from dispatch_app.cli.arguments import count, instant, record_id, text
from dispatch_app.cli.text import when, write_document
from dispatch_app.domain.handoff import handoff_to_dict
from dispatch_app.errors import DispatchError
from dispatch_app.files import write_file
from dispatch_app.reports.handoff_html import handoff_html
from dispatch_app.reports.handoff_markdown import handoff_markdown
from dispatch_app.services import shifts
from dispatch_app.services.inputs import NOTE_MAX

FORMATS = ("md", "html", "pdf")


def add_arguments(name: str, parser) -> None:
    if name == "shift":
        parser.add_argument("action", choices=("start", "end", "note", "list"))
        parser.add_argument("text", nargs="?", metavar="TEXT", type=text(NOTE_MAX), help="note: the text")
        parser.add_argument("--shift", type=record_id, metavar="SHIFT_ID",
                            help="end/note: this shift, not your running one")
        parser.add_argument("--limit", type=count, default=20, metavar="N", help="list: how many (newest first)")
    elif name == "handoff":
        parser.add_argument("target", nargs="*", metavar="[acknowledge|review] SHIFT_ID",
                            help="a shift's record; 'acknowledge' or 'review' before the id appends to it")
        parser.add_argument("--from", dest="start", metavar="INSTANT", type=instant,
                            help="an ad-hoc record from this instant")
        parser.add_argument("--to", dest="end", metavar="INSTANT", type=instant)
        parser.add_argument("--format", choices=FORMATS, default="md")
        parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (a PDF needs it on a terminal)")
        parser.add_argument("--comment", metavar="TEXT", type=text(NOTE_MAX), help="acknowledge/review: a comment")
    elif name == "verify":
        parser.add_argument("--anchor", metavar="HASH:COUNT",
                            help="prove the record up to this anchor, as a handoff record printed it")


def run(args, context) -> int:
    if args.command == "verify":
        return _verify(args, context)
    if args.command == "shift":
        return _shift(args, context)
    return _handoff(args, context)


def _shift(args, context) -> int:
    at = context.at()
    if args.action == "list":
        found = shifts.list_shifts(context.db, limit=args.limit)
        if context.json:
            context.print_json({"shifts": [shapes.shift(s) for s in found]})
            return 0
        if not found:
            print("No shifts.")
        for s in found:
            state = ("running" if s.end is None else "issued" if s.issued_at else "ended")
            if s.acknowledged_by:
                state += f", acknowledged by {s.acknowledged_by}"
            if s.reviews:
                state += f", {len(s.reviews)} review(s)"
            print(f"{s.id:>5}  {s.dispatcher:<12} {when(s.start)} to {when(s.end) if s.end else '...'}  {state}")
        return 0
    if args.action == "start":
        if args.text is not None:
            raise DispatchError("shift start takes no TEXT")
        info = shifts.start_shift(context.db, actor=context.as_tech, at=at)
        if context.json:
            context.print_json(shapes.shift(info))
        else:
            print(f"{info.id}  shift started for {info.dispatcher} at {when(info.start)}")
        return 0
    if args.action == "end":
        result = shifts.end_shift(context.db, actor=context.as_tech, at=at, shift_id=args.shift)
    else:
        if not args.text:
            raise DispatchError("shift note: give the TEXT")
        result = shifts.add_shift_note(context.db, actor=context.as_tech, text=args.text, at=at, shift_id=args.shift)
    if context.json:
        context.print_json(shapes.shift(shifts.shift_info(context.db, result.shift_id)))
    elif args.action == "end":
        print(f"shift {result.shift_id} ended; its handoff is issued (dispatch-app handoff {result.shift_id})")
    else:
        print(f"shift {result.shift_id}: note added")
    return 0


def _shift_id(value: str) -> int:
    try:
        return record_id(value)
    except ArgumentTypeError as error:
        raise DispatchError(f"handoff: SHIFT_ID {error}") from None


def _handoff(args, context) -> int:
    target = list(args.target)
    if target and target[0] in ("acknowledge", "review"):
        if len(target) != 2:
            raise DispatchError(f"handoff {target[0]}: give one SHIFT_ID")
        shift_id = _shift_id(target[1])
        at = context.at()
        if target[0] == "acknowledge":
            result = shifts.acknowledge(context.db, actor=context.as_tech, shift_id=shift_id, at=at,
                                        comment=args.comment)
        else:
            result = shifts.review(context.db, actor=context.as_tech, shift_id=shift_id, at=at, comment=args.comment)
        if context.json:
            context.print_json(shapes.shift(shifts.shift_info(context.db, shift_id)))
        else:
            print(f"handoff of shift {shift_id}: {result.records[0].kind} by {context.as_tech}")
            anchor = result.records[0].data.get("anchor")
            if anchor:
                print(f"record anchor: {anchor}")
        return 0
    if len(target) > 1:
        raise DispatchError("handoff: give one SHIFT_ID, or --from and --to")
    if target and (args.start or args.end):
        raise DispatchError("handoff: give a SHIFT_ID or --from and --to, not both")
    if not target and not (args.start and args.end):
        raise DispatchError("handoff: give a SHIFT_ID, or --from and --to")
    at = context.at()
    if target:
        record = shifts.handoff(context.db, shift_id=_shift_id(target[0]), at=at)
    else:
        record = shifts.handoff(context.db, start=context.instant(args.start, "--from"),
                                end=context.instant(args.end, "--to"), at=at)
    if context.json:
        document = handoff_to_dict(record)
        if record.shift.id:
            document["handoff"] = shapes.shift(shifts.shift_info(context.db, record.shift.id))
        context.print_json(document)
        return 0
    if args.format == "pdf":
        from dispatch_app.reports.handoff_pdf import handoff_pdf  # noqa: PLC0415 - loads Qt: only for a PDF

        if args.output is None and sys.stdout.isatty():
            raise DispatchError("handoff --format pdf: give -o FILE (or pipe the output)")
        _write(args.output, handoff_pdf(record))
        return 0
    _write(args.output, handoff_html(record) if args.format == "html" else handoff_markdown(record))
    return 0


def _write(path: str | None, content: str | bytes) -> None:
    if path is None:
        if isinstance(content, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(content)
        else:
            write_document(content)
        return
    write_file(path, content)


def _verify(args, context) -> int:
    report = shifts.verify(context.db, anchor=args.anchor)
    if context.json:
        context.print_json(shapes.verify(report))
    elif report.ok:
        print(f"All chains hold: {report.calls} calls with {report.events} events, "
              f"{report.shifts} shifts with {report.handoff_records} handoff records.")
        print(f"The record's chain holds: {report.entries} entries, head {report.head}.")
        for anchor, _ in report.anchors:
            print(f"Anchor {anchor} holds: the record up to entry {anchor.rsplit(':', 1)[1]} is unchanged.")
    else:
        print(f"BROKEN: {report.first_break}")
        for message in report.breaks[1:]:
            print(f"also: {message}")
        if report.broken_chains > len(report.breaks):
            print(f"and {report.broken_chains - len(report.breaks)} more broken chains")
    if not report.ok:
        print(f"dispatch-app: verify: {report.first_break}", file=sys.stderr)
        return 1
    return 0
