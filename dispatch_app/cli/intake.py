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
    parser.add_argument("action", choices=("serve", "token", "3cx-template"),
                        help="serve: run the endpoint; token: show (or --rotate) the intake token; "
                             "3cx-template: the 3CX server-side CRM template calling /v1/lookup")
    parser.add_argument("-o", "--out", metavar="FILE", help="3cx-template: write it to FILE (default: standard output)")
    parser.add_argument("--intake-url", metavar="URL", default=f"http://{DEFAULT_LISTEN}",
                        help="3cx-template: the intake's address as 3CX reaches it (an admin can change it in 3CX)")
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
    if args.action == "3cx-template":
        return _template_3cx(args, context)
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


def _template_3cx(args, context) -> int:
    from dispatch_app.services import phone_systems  # noqa: PLC0415 - only for this action

    url = (args.intake_url or "").strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise DispatchError(f"--intake-url: {url[:60]!r} is not an http:// or https:// URL")
    if not args.out:
        print(phone_systems.template_3cx(url), end="")
        return 0
    phone_systems.write_template_3cx(args.out, url)
    if context.json:
        context.print_json({"written": args.out})
    else:
        print(f"Wrote the 3CX CRM template to {args.out}: import it in 3CX (Settings, CRM, Server side) "
              "and paste the intake token")
    return 0
