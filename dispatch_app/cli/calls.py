"""Calls: ``call add|show``, ``calls``, ``attempt``, ``resolve``, ``note``, ``priority``,
``authorize``, ``assign``, ``status``, ``runbook-requests`` (docs/cli.md)."""
from __future__ import annotations

from dispatch_app.cli import shapes
from dispatch_app.cli.arguments import identifier, instant, record_id, text
from dispatch_app.cli.text import shown, when
from dispatch_app.domain.model import IMPACTS, PRIORITIES
from dispatch_app.domain.timeline import CHANNELS, OUTCOMES, STATUSES
from dispatch_app.errors import DispatchError
from dispatch_app.services import calls
from dispatch_app.services.inputs import NOTE_MAX, SOURCE_MAX, SUMMARY_MAX, TEXT_MAX


def _call_id(parser) -> None:
    parser.add_argument("call_id", type=record_id, metavar="CALL_ID")


def add_arguments(name: str, parser) -> None:
    if name == "call":
        parser.add_argument("action", choices=("add", "show"), help="add: record a call; show: its timeline")
        parser.add_argument("call_id", type=record_id, nargs="?", metavar="CALL_ID", help="for show")
        # the intake's field limits (services.inputs)
        who = parser.add_mutually_exclusive_group()
        who.add_argument("--client", metavar="ID", type=identifier)
        who.add_argument("--caller-phone", metavar="PHONE", type=text(TEXT_MAX),
                         help="any format; finds the client and the contact")
        parser.add_argument("--summary", metavar="TEXT", type=text(SUMMARY_MAX, required=True),
                            help=f"what is wrong (1 to {SUMMARY_MAX} characters)")
        parser.add_argument("--system", metavar="ID", type=identifier)
        parser.add_argument("--impact", choices=IMPACTS, metavar="IMPACT", help="down, degraded, single-user, request")
        parser.add_argument("--caller-name", metavar="NAME", type=text(TEXT_MAX))
        parser.add_argument("--source", metavar="SOURCE", type=text(SOURCE_MAX, required=True), default="phone")
        parser.add_argument("--external-id", metavar="KEY", type=text(TEXT_MAX), help="idempotency key")
    elif name == "attempt":
        _call_id(parser)
        parser.add_argument("--tech", required=True, metavar="ID", type=identifier)
        parser.add_argument("--outcome", required=True, choices=OUTCOMES)
        parser.add_argument("--channel", choices=CHANNELS, default="phone")
    elif name == "resolve":
        _call_id(parser)
        parser.add_argument("--note", required=True, metavar="TEXT", type=text(NOTE_MAX, required=True))
        parser.add_argument("--runbook-change", choices=("yes", "no"),
                            help="required when an expert fixed it: should a runbook change?")
    elif name == "note":
        _call_id(parser)
        parser.add_argument("text", metavar="TEXT", type=text(NOTE_MAX, required=True))
    elif name == "priority":
        _call_id(parser)
        parser.add_argument("priority", choices=PRIORITIES, metavar="PRIORITY", help="P1, P2, P3 or P4")
        parser.add_argument("--why", required=True, metavar="TEXT", type=text(NOTE_MAX, required=True))
    elif name == "authorize":
        _call_id(parser)
        parser.add_argument("--contact", required=True, metavar="NAME", type=text(TEXT_MAX, required=True),
                            help="a client contact who may authorize")
        parser.add_argument("--note", metavar="TEXT", type=text(NOTE_MAX))
    elif name == "assign":
        _call_id(parser)
        parser.add_argument("--client", required=True, metavar="ID", type=identifier)
        parser.add_argument("--system", metavar="ID", type=identifier)
    elif name == "status":
        _call_id(parser)
        parser.add_argument("status", choices=STATUSES, metavar="STATUS", help=", ".join(STATUSES))
        parser.add_argument("--why", metavar="TEXT", type=text(NOTE_MAX))
        parser.add_argument("--until", metavar="INSTANT", type=instant, help="deferred: when to pick it up again")
    elif name == "runbook-requests":
        parser.add_argument("--all", action="store_true", help="closed requests too")
        parser.add_argument("--close", type=record_id, metavar="CALL_ID", help="the runbook was changed: close it")
        parser.add_argument("--note", metavar="TEXT", type=text(NOTE_MAX), help="with --close: what changed")


def run(args, context) -> int:
    return _HANDLERS[args.command](args, context) or 0


def _call(args, context) -> int:
    if args.action == "show":
        if args.call_id is None:
            raise DispatchError("call show: give a CALL_ID")
        view = calls.call_view(context.db, args.call_id, at=context.at(), as_tech=context.as_tech)
        if context.json:
            context.print_json(shapes.call_view(view))
        else:
            print(describe_view(view))
        return 0
    if args.call_id is not None:
        raise DispatchError("call add takes no CALL_ID")
    if not args.client and not args.caller_phone:
        raise DispatchError("call add: give --client ID or --caller-phone PHONE")
    if args.summary is None:
        raise DispatchError("call add: give --summary TEXT")
    recorded = calls.record_call(
        context.db, actor=context.as_tech, summary=args.summary, client=args.client, caller_phone=args.caller_phone,
        system=args.system, impact=args.impact, caller_name=args.caller_name, source=args.source,
        external_id=args.external_id, at=context.at())
    if context.json:
        context.print_json({"call": shapes.call(recorded.call), "created": recorded.created,
                            "triage": shapes.triage(recorded.triage) if recorded.triage is not None else None})
        return 0
    c = recorded.call
    if not recorded.created:
        print(shown(f"{c.id}  (already recorded with external id {c.external_id})"))
    elif c.unmatched:
        print(f"{c.id}  UNMATCHED: assign a client (dispatch-app assign {c.id} --client ID)")
    else:
        t = recorded.triage
        print(f"{c.id}  {c.priority}  {t.verdict if t else ''}  {c.status}  due {when(c.response_due)}")
    return 0


def _show_change(context, result, headline: str) -> int:
    if context.json:
        context.print_json(shapes.changed(result))
    else:
        print(headline)
    return 0


def _attempt(args, context) -> int:
    at = context.at()
    result = calls.record_attempt(context.db, actor=context.as_tech, call_id=args.call_id, tech=args.tech,
                                  outcome=args.outcome, channel=args.channel, at=at)
    view = calls.call_view(context.db, args.call_id, at=at, as_tech=context.as_tech)
    if context.json:
        context.print_json({**shapes.changed(result), "escalation": shapes.escalation(view.escalation)})
        return 0
    print(f"call {args.call_id}: {args.tech} {args.outcome}; now {result.status}")
    if view.escalation is not None:
        print(describe_escalation(view.escalation))
    return 0


def _resolve(args, context) -> int:
    answer = None if args.runbook_change is None else args.runbook_change == "yes"
    result = calls.resolve(context.db, actor=context.as_tech, call_id=args.call_id, note=args.note,
                           runbook_change=answer, at=context.at())
    return _show_change(context, result, f"call {args.call_id} resolved"
                        + ("; runbook change asked of the leads" if args.runbook_change == "yes" else ""))


def _note(args, context) -> int:
    result = calls.add_note(context.db, actor=context.as_tech, call_id=args.call_id, text=args.text, at=context.at())
    return _show_change(context, result, f"call {args.call_id}: note added")


def _priority(args, context) -> int:
    result = calls.override_priority(context.db, actor=context.as_tech, call_id=args.call_id,
                                     priority=args.priority, why=args.why, at=context.at())
    return _show_change(context, result, f"call {args.call_id} is now {args.priority} ({result.status}), "
                                         f"due {when(result.call.response_due)}")


def _authorize(args, context) -> int:
    result = calls.authorize(context.db, actor=context.as_tech, call_id=args.call_id, contact=args.contact,
                             note=args.note, at=context.at())
    return _show_change(context, result, f"call {args.call_id} authorized by {args.contact}; now {result.status}")


def _assign(args, context) -> int:
    result = calls.assign_client(context.db, actor=context.as_tech, call_id=args.call_id, client=args.client,
                                 system=args.system, at=context.at())
    c = result.call
    return _show_change(context, result, f"call {c.id} is {c.client}{'/' + c.system if c.system else ''}, "
                                         f"{c.priority}, {c.status}")


def _status(args, context) -> int:
    until = context.instant(args.until, "--until") if args.until else None
    result = calls.set_status(context.db, actor=context.as_tech, call_id=args.call_id, status=args.status,
                              why=args.why, until=until, at=context.at())
    return _show_change(context, result, f"call {args.call_id} is now {result.status}")


def _runbook_requests(args, context) -> int:
    if args.close is not None:
        if not args.note:
            raise DispatchError("runbook-requests --close: say what changed with --note TEXT")
        result = calls.close_runbook_request(context.db, actor=context.as_tech, call_id=args.close, note=args.note,
                                             at=context.at())
        return _show_change(context, result, f"call {args.close}: runbook-change request closed")
    requests = calls.runbook_change_requests(context.db, actor=context.as_tech, include_closed=args.all)
    if context.json:
        context.print_json({"requests": [shapes.runbook_request(r) for r in requests]})
        return 0
    if not requests:
        print("No runbook-change requests.")
    for r in requests:
        c = r.call
        print(shown(f"#{c.id:<6} {c.client}{'/' + c.system if c.system else ''}  resolved {when(r.resolved_at)} "
                    f"by {r.resolved_by or '-'}  [{r.state}]  {c.summary}: {r.note}"))
    return 0


_HANDLERS = {
    "call": _call, "attempt": _attempt, "resolve": _resolve, "note": _note,
    "priority": _priority, "authorize": _authorize, "assign": _assign, "status": _status,
    "runbook-requests": _runbook_requests,
}


# ---------------------------------------------------------------- text for people


def describe_escalation(state) -> str:
    tried = ", ".join(f"{a.tech} {a.outcome}" for a in state.tried) or "nobody yet"
    lines = [f"Tried: {tried}"]
    if state.engaged_by:
        lines.append(f"Engaged: {state.engaged_by} is working on it")
    elif state.awaiting:
        lines.append(f"Waiting for {state.awaiting} to acknowledge until {when(state.awaiting_until)}")
    if state.next is not None and not state.engaged_by:
        lines.append(f"Next: {state.next.name} ({state.next.tech}) {', '.join(state.next.phones) or 'no phone'}")
    elif state.exhausted:
        lines.append("EVERYONE WAS TRIED: nobody acknowledged. Call the duty manager.")
    return "\n".join(shown(line) for line in lines)


def describe_view(view) -> str:
    c = view.call
    head = "UNMATCHED" if c.unmatched else f"{c.client}{'/' + c.system if c.system else ''}"
    lines = [f"Call {c.id}  {c.priority or '--'}  {c.status}  {head}", f"  {c.summary}",
             f"  received {when(c.received_at)}; response due {when(c.response_due)}"]
    if c.caller_name or c.caller_phone or c.contact:
        lines.append(f"  caller {c.caller_name or ''} {c.caller_phone or ''}"
                     f"{' (contact ' + c.contact + ')' if c.contact else ''}".rstrip())
    if view.triage is not None:
        lines.append(f"  verdict {view.triage.verdict}; needs level {view.triage.required_level}")
    if view.escalation is not None and (view.escalation.tried or view.escalation.next):
        lines += ["  " + line for line in describe_escalation(view.escalation).splitlines()]
    lines.append("Timeline:")
    for e in view.events:
        detail = ", ".join(f"{k}={v}" for k, v in e.data.items() if v not in (None, ""))
        lines.append(f"  {e.seq:>3}  {when(e.at)}  {e.actor or 'anonymous'}  {e.kind}  {detail}")
    return "\n".join(shown(line) for line in lines)
