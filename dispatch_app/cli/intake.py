"""``intake serve [--listen HOST:PORT]``, ``intake token [--rotate]`` and ``intake key --client ID
[--rotate] | --list`` (CLI.md, INTAKE.md, docs/intake.md).

The HTTP endpoint is another front end: like the console (``cli/main.py``), it is built by
this entry point, which loads it by name only when ``serve`` runs. The CLI itself never calls
into it.
"""
from __future__ import annotations

import importlib

from dispatch_app.errors import DispatchError
from dispatch_app.services import intake, intake_keys

DEFAULT_LISTEN = "127.0.0.1:8765"


def add_arguments(name: str, parser) -> None:
    parser.add_argument("action", choices=("serve", "token", "key", "3cx-template"),
                        help="serve: run the endpoint; token: show (or --rotate) the intake token; "
                             "key: make (or --rotate) a client's own key, or --list the clients that have one; "
                             "3cx-template: the 3CX server-side CRM template calling /v1/lookup")
    parser.add_argument("-o", "--out", metavar="FILE", help="3cx-template: write it to FILE (default: standard output)")
    parser.add_argument("--intake-url", metavar="URL", default=f"http://{DEFAULT_LISTEN}",
                        help="3cx-template: the intake's address as 3CX reaches it (an admin can change it in 3CX)")
    parser.add_argument("--listen", metavar="HOST:PORT", default=DEFAULT_LISTEN,
                        help=f"serve: address to listen on (default {DEFAULT_LISTEN})")
    parser.add_argument("--rotate", action="store_true", help="token, key: make a new one and print it once")
    parser.add_argument("--client", metavar="ID", help="key: the client whose key it is")
    parser.add_argument("--list", action="store_true", help="key: list the clients that have a key (never the keys)")
    for label in ("client", "system", "impact", "severity"):
        parser.add_argument(f"--{label}-label", metavar="NAME",
                            help=f"serve: the Alertmanager label naming the {label} "
                                 f"(default ${'DISPATCH_INTAKE_' + label.upper() + '_LABEL'} or '{label}')")
    parser.add_argument("--access-log", action="store_true", help="serve: log every request (never the token)")


def run(args, context) -> int:
    if args.action == "token":
        return _token(args, context)
    if args.action == "key":
        return _key(args, context)
    if args.client or args.list:
        raise DispatchError("--client, --list: only with 'intake key'")
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


def _key(args, context) -> int:
    """A client's key is printed once, when made: the keyring keeps it, nothing shows it again."""
    if args.list == bool(args.client):
        raise DispatchError("intake key: give --client ID (to make a key) or --list")
    if args.list:
        with_keys = intake_keys.clients_with_keys(intake_keys.client_ids(context.db))
        if context.json:
            context.print_json({"clients": with_keys})
        else:
            for client in with_keys:
                print(client)
        return 0
    key = intake_keys.make_client_key(context.db, args.client, rotate=args.rotate)
    if context.json:
        context.print_json({"client": args.client.strip(), "key": key})
    else:
        print(key)
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
