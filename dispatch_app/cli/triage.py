"""``triage``: the verdict for a call."""
from __future__ import annotations

from dispatch_app.cli import shapes
from dispatch_app.cli.arguments import identifier, record_id, text
from dispatch_app.cli.text import shown, when
from dispatch_app.errors import DispatchError
from dispatch_app.services import triage
from dispatch_app.services.inputs import SUMMARY_MAX, TEXT_MAX


def add_arguments(name: str, parser) -> None:
    parser.add_argument("call_id", nargs="?", metavar="CALL_ID", type=record_id, help="a recorded call")
    parser.add_argument("--client", metavar="ID", type=identifier, help="what-if: the client")
    parser.add_argument("--system", metavar="ID", type=identifier, help="what-if: the client's system")
    parser.add_argument("--impact", metavar="IMPACT", type=text(TEXT_MAX), help="down, degraded, single-user or request")
    parser.add_argument("--summary", metavar="TEXT", type=text(SUMMARY_MAX), default="", help="what the caller says")


def run(args, context) -> int:
    if args.call_id is not None:
        return _recorded(args, context)
    if not args.client:
        raise DispatchError("triage: give a CALL_ID or --client ID")
    result = triage.what_if(
        context.db, client=args.client, system=args.system, impact=args.impact,
        summary=args.summary, at=context.at(), as_tech=context.as_tech,
    )
    if context.json:
        context.print_json(shapes.triage(result))
    else:
        print(describe(result))
    return 0


def _recorded(args, context) -> int:
    """``triage CALL_ID``: the verdict for a recorded call at ``--at``, with its status and the
    state of its escalation (the triage shape of CLI.md plus ``status`` and ``escalation``)."""
    call_id = args.call_id
    if args.client or args.system or args.impact or args.summary:
        raise DispatchError("triage CALL_ID takes no --client, --system, --impact or --summary: "
                            "the call keeps its own")
    from dispatch_app.services import calls  # a recorded call's view: not loaded for a what-if

    view = calls.call_view(context.db, call_id, at=context.at(), as_tech=context.as_tech)
    if view.triage is None:
        raise DispatchError(f"call {call_id} has no client yet: assign one (dispatch-app assign {call_id} --client ID)")
    if context.json:
        context.print_json({**shapes.triage(view.triage), "status": view.call.status,
                            "escalation": shapes.escalation(view.escalation)})
    else:
        print(describe(view.triage))
        print(f"Status: {view.call.status}")
    return 0


def describe(t) -> str:
    """The verdict as a dispatcher reads it."""
    lines = [
        f"{t.verdict.upper()}  {t.priority}{' EMERGENCY' if t.emergency else ''}  "
        f"{t.client}{'/' + t.system if t.system else ''}  needs level {t.required_level}",
        f"at {when(t.at)}",
    ]
    if t.first_steps:
        lines.append("First steps:")
        lines += [f"  [L{s.level}] {s.title} ({s.runbook})" for s in t.first_steps]
    if t.verdict == "escalate":
        if not t.wake:
            lines.append("NOBODY TO WAKE: no eligible technician. Call the duty manager.")
        else:
            lines.append("Wake, in order:")
            for i, w in enumerate(t.wake, 1):
                badge = " [on call]" if w.on_call else ""
                lines.append(f"  {i}. {w.name}{badge}  {', '.join(w.phones) or 'no phone'}  "
                             f"wait {w.ack_minutes} min  ({'; '.join(w.why)})")
        if t.knowledge_gap:
            lines.append("KNOWLEDGE GAP: no expert of this system is available.")
    if t.verdict == "defer":
        lines.append(f"Next covered: {when(t.next_covered)}")
        if t.authorizers:
            lines.append("May authorize out-of-agreement work: "
                         + ", ".join(f"{a.name} {a.phone or a.email or ''}".strip() for a in t.authorizers))
    lines.append(f"Response due: {when(t.response_due)}")
    lines.append("Why: " + "; ".join(t.reasons))
    return "\n".join(shown(line) for line in lines)
