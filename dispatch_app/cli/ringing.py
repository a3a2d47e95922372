"""``ringing --phone NUMBER [--line L] [--name N]``: hand a ring to the console running for this
user and database (docs/ringing.md); one line and exit 2 when none runs. The console checks the
number and keeps the ring; every console then shows it."""
from __future__ import annotations

from dispatch_app.services import console_link
from dispatch_app.services.ringing import RingRequest


def add_arguments(name: str, parser) -> None:
    parser.add_argument("--phone", metavar="NUMBER", required=True, help="the caller's number, any format")
    parser.add_argument("--line", metavar="L", help="the line or queue the call came in on")
    parser.add_argument("--name", metavar="N", help="the caller's name as the phone system shows it")
    parser.add_argument("--call-id", metavar="ID", help="the phone system's id of the call (the call keeps it)")


def run(args, context) -> int:
    if context.as_tech is not None:
        context.db  # noqa: B018 - opening it checks --as, as every command does
    shown = console_link.ring(context.db_url, RingRequest(args.phone, args.line, args.name, None, args.call_id))
    if context.json:
        context.print_json({"ringing": shown})
    else:
        print(f"Ringing on the console: {shown}")
    return 0
