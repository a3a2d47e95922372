"""``runbooks --stale``, ``runbooks reviewed CLIENT/ID`` and ``history KIND KEY`` (docs/cli.md)."""
from __future__ import annotations

from dispatch_app.cli.arguments import identifier
from dispatch_app.cli.text import when
from dispatch_app.domain.localtime import format_utc
from dispatch_app.errors import DispatchError
from dispatch_app.services import editing, review


def add_arguments(name: str, parser) -> None:
    if name == "runbooks":
        parser.add_argument("action", nargs="?", choices=("reviewed",),
                            help="reviewed CLIENT/ID: mark a runbook reviewed (lead)")
        parser.add_argument("key", nargs="?", metavar="CLIENT/ID", type=identifier)
        parser.add_argument("--stale", action="store_true", help="runbooks past their review_days")
    else:
        parser.add_argument("kind", choices=editing.KINDS)
        parser.add_argument("key", metavar="KEY", type=identifier, help="id; systems and runbooks: CLIENT/ID; overrides: number")


def run(args, context) -> int:
    if args.command == "history":
        changes = editing.history(context.db, args.kind, args.key)
        if context.json:
            context.print_json({"kind": args.kind, "key": args.key, "changes": [
                {"action": c.action, "version": c.version, "by": c.actor, "at": format_utc(c.at), "diff": c.diff}
                for c in changes]})
            return 0
        if not changes:
            print(f"No recorded changes of {args.kind} {args.key}.")
        for c in changes:
            print(f"{when(c.at)}  {c.action} by {c.actor or 'nobody signed in'} (version {c.version})")
            for field, (before, after) in c.diff.items():
                print(f"    {field}: {before!r} -> {after!r}")
        return 0
    at = context.at()
    if args.action == "reviewed":
        if not args.key or "/" not in args.key:
            raise DispatchError("runbooks reviewed: give the runbook as CLIENT/ID")
        client, _, runbook = args.key.partition("/")
        review.mark_reviewed(context.db, actor=context.as_tech, client=client, runbook=runbook, at=at)
        if context.json:
            context.print_json({"runbook": args.key, "reviewed_at": format_utc(at)})
        else:
            print(f"Runbook {args.key} marked reviewed at {when(at)}.")
        return 0
    if not args.stale:
        raise DispatchError("runbooks: say --stale (or 'reviewed CLIENT/ID')")
    stale = review.stale_runbooks(context.db, at=at)
    if context.json:
        context.print_json({"at": format_utc(at), "stale": [
            {"client": s.client, "runbook": s.runbook, "review_days": s.review_days,
             "last_reviewed": format_utc(s.last_reviewed), "due": format_utc(s.due)} for s in stale]})
        return 0
    if not stale:
        print(f"No stale runbooks at {when(at)}.")
    for s in stale:
        print(f"{s.client}/{s.runbook:<24} review every {s.review_days} days; due {when(s.due)}")
    return 0
