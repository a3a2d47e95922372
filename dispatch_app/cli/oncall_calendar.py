"""``oncall-calendar``: on call as iCalendar, for people's own calendars."""
from __future__ import annotations

from dispatch_app.cli.arguments import identifier, instant
from dispatch_app.cli.text import write_document
from dispatch_app.domain.localtime import format_utc
from dispatch_app.services import schedule


def add_arguments(name: str, parser) -> None:
    parser.add_argument("--from", dest="start", required=True, metavar="INSTANT", type=instant)
    parser.add_argument("--to", dest="end", required=True, metavar="INSTANT", type=instant)
    parser.add_argument("--tech", metavar="ID", type=identifier, help="only this technician's on-call stretches")
    parser.add_argument("--out", "-o", metavar="FILE", help="write the .ics file here (default: standard output)")


def run(args, context) -> int:
    start = context.instant(args.start, "--from")
    end = context.instant(args.end, "--to")
    calendar = schedule.on_call_calendar(context.db, start=start, end=end, tech=args.tech, at=context.at())
    events, text = calendar.events, calendar.text
    if args.out:
        schedule.write_calendar(args.out, text)
    if context.json:
        document = {
            "from": format_utc(start), "to": format_utc(end), "tech": args.tech, "out": args.out,
            "events": [{"uid": e.uid, "rotation": e.rotation, "tech": e.tech, "from": format_utc(e.start),
                        "to": format_utc(e.end)} for e in events],
        }
        if not args.out:
            document["calendar"] = text
        context.print_json(document)
    elif args.out:
        print(f"Wrote {len(events)} on-call event{'s' if len(events) != 1 else ''} to {args.out}")
    else:
        write_document(text)
    return 0
