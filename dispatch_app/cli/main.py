"""``dispatch-app``: the command line (CLI.md).

Common options are accepted before or after the subcommand. A :class:`DispatchError` is
printed as one stderr line per problem with exit status 2; anything else is a bug, logged
with its traceback to the log file and reported in one line with exit status 1.

Command modules are imported when their command runs, so that a quick question such as
``triage`` does not pay for loading every part of the program.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from dispatch_app import __version__, logs
from dispatch_app.cli import arguments
from dispatch_app.domain.text import escaped
from dispatch_app.errors import DispatchError

# subcommand -> module in dispatch_app.cli that defines add_arguments(parser) and run(args, context)
COMMANDS = {
    "import": ("environment", "load an environment bundle (BUNDLE.md)"),
    "export": ("environment", "write the current environment as a bundle"),
    "schema": ("schema", "print the JSON Schema of the bundle format (-o FILE writes it)"),
    "triage": ("triage", "the verdict for a call: handle, escalate or defer"),
    "oncall": ("schedule", "who is on call in each rotation"),
    "gaps": ("schedule", "coverage gaps over a time range"),
    "oncall-calendar": ("oncall_calendar", "on call as an iCalendar file, for people's own calendars"),
    "call": ("calls", "record a call (add) or show one with its timeline (show)"),
    "calls": ("queue", "the queue, most urgent first"),
    "attempt": ("calls", "record a contact attempt to a technician"),
    "resolve": ("calls", "resolve a call"),
    "note": ("calls", "add a note to a call's timeline"),
    "priority": ("calls", "override a call's priority, saying why"),
    "authorize": ("calls", "record a client authorizer's approval of billable work"),
    "assign": ("calls", "give an unmatched call its client"),
    "status": ("calls", "change a call's status"),
    "runbook-requests": ("calls", "runbook changes asked by resolvers, for lead technicians"),
    "shift": ("shifts", "start, end, note or list dispatcher shifts"),
    "handoff": ("shifts", "the handoff record of a shift; acknowledge or review it"),
    "verify": ("shifts", "check the hash chains of call timelines and handoff records"),
    "report": ("report", "the manager's review: response figures, bus factor, what-if for leave"),
    "runbooks": ("edit", "runbooks past their review date (--stale); mark one reviewed"),
    "history": ("edit", "the recorded changes of one environment record"),
    "intake": ("intake", "run the HTTP intake endpoint (serve) or show/rotate its token (token)"),
    "ringing": ("ringing", "hand a ringing phone to the running console"),
}


def _common_options(defaults: bool) -> argparse.ArgumentParser:
    """Options every command takes; only the top-level copy carries defaults, so a value
    given before the subcommand is not overwritten by the subcommand's own default."""
    default = (lambda value: value) if defaults else (lambda value: argparse.SUPPRESS)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", type=arguments.database_url, default=default(None),
                        help="SQLAlchemy database URL (default: $DISPATCH_DB, else a local SQLite file)")
    common.add_argument("--json", action="store_true", default=default(False),
                        help="print one JSON document on stdout")
    common.add_argument("--at", metavar="INSTANT", type=arguments.instant, default=default(None),
                        help="answer as of this ISO 8601 instant (no offset: MSP time zone)")
    common.add_argument("--as", dest="as_tech", metavar="TECH", type=arguments.identifier, default=default(None),
                        help="technician id of who is asking (default: anonymous level-1 dispatcher)")
    return common


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as for any bad input
        self.exit(2, f"{self.prog}: {_safe(message)}\n")


def _safe(message: str) -> str:
    """A message for stderr: passwords in URLs hidden, control characters made visible."""
    return escaped(logs.redact(message))


_VALUE_OPTIONS = {"--db", "--at", "--as"}


def command_in(argv: list[str]) -> str | None:
    """The subcommand named in ``argv`` (common options may stand before it), or None."""
    tokens = iter(argv)
    for token in tokens:
        if token in _VALUE_OPTIONS:
            next(tokens, None)
        elif not token.startswith("-"):
            return token if token in COMMANDS else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the module of command ``only`` is loaded to declare its arguments (all of them
    when None), so that one quick command does not pay for importing every other one."""
    parser = _Parser(prog="dispatch-app", parents=[_common_options(True)],
                     description="Dispatch Console: the after-hours dispatch desk for managed IT providers.")
    parser.add_argument("--version", action="version", version=f"dispatch-app {__version__}")
    parser.add_argument("--demo", action="store_true", help="open the console on a separate demo database")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".",
                                 parents=[_common_options(False)])
        command.set_defaults(module=module_name)
        if only is None or name == only:
            importlib.import_module(f"dispatch_app.cli.{module_name}").add_arguments(name, command)
    return parser


def _open_url(url: str) -> int:
    """``dispatch-app dispatch-app:ringing?phone=...`` (the desktop's URL handler): the ring goes
    to the running console, or a console opens with it; a malformed URL is one line, exit 2."""
    from dispatch_app.services import console_link, ringing

    try:
        request = ringing.parse_ring_url(url)
        db_url = os.environ.get("DISPATCH_DB") or None
        try:
            console_link.ring(db_url, request)
        except DispatchError as error:
            if str(error) != console_link.NOT_RUNNING:
                raise
            return importlib.import_module("dispatch_app.app").run_console(db_url, ring=request)
    except DispatchError as error:
        print(f"dispatch-app: {_safe(str(error))}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) == 1 and argv[0].lower().startswith("dispatch-app:"):
        return _open_url(argv[0])
    parser = build_parser(command_in(argv) or "")
    try:
        arguments.check_argv(argv, parser)
    except DispatchError as error:  # before anything parses or logs the arguments
        print(f"dispatch-app: {error}", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    if args.command is None:
        return importlib.import_module("dispatch_app.app").run_console(args.db, demo=args.demo)
    from dispatch_app.cli.context import Context  # noqa: E402 - after parsing, for a fast --help

    context = Context.from_args(args)
    try:
        module = importlib.import_module(f"dispatch_app.cli.{args.module}")
        return module.run(args, context) or 0
    except DispatchError as error:
        for line in error.problems:
            print(f"dispatch-app: {_safe(line)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (``| head``): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:  # a bug: log it whole, tell the user in one line
        log_path = context.log_bug(error)
        print(f"dispatch-app: internal error ({escaped(logs.one_line(error))}); details in {log_path}",
              file=sys.stderr)
        return 1
    finally:
        logging.shutdown()
