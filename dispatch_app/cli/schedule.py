"""``oncall`` and ``gaps``."""
from __future__ import annotations

from dispatch_app.cli import shapes
from dispatch_app.cli.arguments import identifier, instant
from dispatch_app.cli.text import shown, when
from dispatch_app.services import coverage


def add_arguments(name: str, parser) -> None:
    if name == "gaps":
        parser.add_argument("--from", dest="start", required=True, metavar="INSTANT", type=instant)
        parser.add_argument("--to", dest="end", required=True, metavar="INSTANT", type=instant)
        parser.add_argument("--client", metavar="ID", type=identifier, help="only this client")


def run(args, context) -> int:
    if args.command == "oncall":
        at = context.at()
        entries = coverage.on_call(context.db, at=at)
        if context.json:
            context.print_json(shapes.oncall(at, entries))
            return 0
        print(f"On call at {when(at)}")
        for o in entries:
            if o.tech is None:
                holder = "nobody"
            else:
                holder = f"{o.tech} ({o.source})" + ("" if o.available else "  UNAVAILABLE: hole in the rotation")
            print(shown(f"  {o.rotation:<24} level {o.level}  {holder}"))
        return 0

    start = context.instant(args.start, "--from")
    end = context.instant(args.end, "--to")
    found = coverage.coverage_gaps(context.db, start=start, end=end, client=args.client)
    if context.json:
        context.print_json(shapes.gaps(start, end, found))
        return 0
    if not found:
        print(f"No coverage gaps from {when(start)} to {when(end)}.")
    for g in found:
        print(f"{g.client}/{g.system}: {when(g.start)} to {when(g.end)}  {g.reason}")
    return 0
