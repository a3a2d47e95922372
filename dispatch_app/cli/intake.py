"""``intake serve [--listen HOST:PORT]`` and ``intake token [--rotate]`` (CLI.md, INTAKE.md).

The HTTP endpoint is another front end: like the console (``cli/main.py``), it is built by
this entry point, which loads it by name only when ``serve`` runs. The CLI itself never calls
into it.
"""
from __future__ import annotations

import importlib

from dispatch_app.errors import DispatchError
from dispatch_app.services import intake

DEFAULT_LISTEN = "127.0.0.1:8765"


def add_arguments(name: str, parser) -> None:
    parser.add_argument("action", choices=("serve", "token"),
                        help="serve: run the endpoint; token: show (or --rotate) the intake token")
    parser.add_argument("--listen", metavar="HOST:PORT", default=DEFAULT_LISTEN,
                        help=f"serve: address to listen on (default {DEFAULT_LISTEN})")
    parser.add_argument("--rotate", action="store_true", help="token: make a new token and print it once")
    for label in ("client", "system", "impact", "severity"):
        parser.add_argument(f"--{label}-label", metavar="NAME",
                            help=f"serve: the Alertmanager label naming the {label} "
                                 f"(default ${'DISPATCH_INTAKE_' + label.upper() + '_LABEL'} or '{label}')")
    parser.add_argument("--access-log", action="store_true", help="serve: log every request (never the token)")


def run(args, context) -> int:
    if args.action == "token":
        return _token(args, context)
    if args.rotate:
        raise DispatchError("--rotate: only with 'intake token'")
    labels = intake.AlertLabels.from_environment(client=args.client_label, system=args.system_label,
                                                 impact=args.impact_label, severity=args.severity_label)
    server = importlib.import_module("dispatch_app.intake.server")
    return server.serve(context.db_url, args.listen, labels=labels, access_log=args.access_log)


def _token(args, context) -> int:
    if args.rotate:
        token, made = intake.rotate_token(), True
    else:
        token, made = intake.ensure_token()
    if context.json:
        context.print_json({"token": token, "new": made})
    else:
        print(token)
    return 0
