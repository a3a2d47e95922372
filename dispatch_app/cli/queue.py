"""``calls``: the queue, most urgent first (CLI.md).

Its own module, on ``services/queue.py``: the queue is the question asked most often from a
terminal, and it should not load what recording and working calls need.
"""
from __future__ import annotations

from dispatch_app.cli import shapes
from dispatch_app.cli.arguments import count
from dispatch_app.cli.text import shown, when
from dispatch_app.services import queue


def add_arguments(name: str, parser) -> None:
    parser.add_argument("--open", action="store_true", help="only calls not resolved")
    parser.add_argument("--limit", type=count, metavar="N")


def run(args, context) -> int:
    rows = queue.queue(context.db, at=context.at(), open_only=args.open, limit=args.limit)
    if context.json:
        context.print_json(shapes.queue(rows))
        return 0
    if not rows:
        print("No open calls." if args.open else "No calls.")
    for r in rows:
        who = "UNMATCHED" if r.unmatched else f"{r.client}{'/' + r.system if r.system else ''}"
        late = "  OVERDUE" if r.overdue else ""
        print(shown(f"#{r.id:<6} {r.priority or '--':<3} {r.status:<10} {who:<28} due {when(r.response_due)}{late}  "
                    f"{r.summary}"))
    return 0
