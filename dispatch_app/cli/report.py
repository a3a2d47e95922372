"""``report figures|bus-factor|what-if-leave``: the manager's review (docs/cli.md)."""
from __future__ import annotations


from dispatch_app.cli.arguments import identifier, instant
from dispatch_app.cli.text import when, write_document
from dispatch_app.domain.localtime import format_utc
from dispatch_app.errors import DispatchError
from dispatch_app.files import write_file
from dispatch_app.services import review

ACTIONS = ("figures", "bus-factor", "what-if-leave")


def add_arguments(name: str, parser) -> None:
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument("--from", dest="start", metavar="INSTANT", type=instant, help="figures, what-if-leave: from")
    parser.add_argument("--to", dest="end", metavar="INSTANT", type=instant, help="figures, what-if-leave: to (exclusive)")
    parser.add_argument("--csv", metavar="FILE", help="figures: also write them as CSV to FILE ('-': stdout)")
    parser.add_argument("--tech", metavar="ID", type=identifier, help="what-if-leave: who would be away")
    parser.add_argument("--range-from", dest="range_start", metavar="INSTANT", type=instant,
                        help="what-if-leave: gaps over this range (default: the leave)")
    parser.add_argument("--range-to", dest="range_end", metavar="INSTANT", type=instant)


def _need(value, option: str) -> str:
    if not value:
        raise DispatchError(f"{option} is required")
    return value


def _gap(g) -> dict:
    return {"client": g.client, "system": g.system, "from": format_utc(g.start), "to": format_utc(g.end),
            "reason": g.reason}


def run(args, context) -> int:
    if args.action == "figures":
        start = context.instant(_need(args.start, "--from"), "--from")
        end = context.instant(_need(args.end, "--to"), "--to")
        rows = review.response_figures(context.db, actor=context.as_tech, start=start, end=end)
        if args.csv == "-":
            write_document(review.figures_csv(rows))
            return 0
        if args.csv:
            write_file(args.csv, review.figures_csv(rows))
        if context.json:
            context.print_json({"from": format_utc(start), "to": format_utc(end),
                                "rows": [{c: getattr(r, c) for c in review.FIGURE_COLUMNS} for r in rows]})
            return 0
        print(f"Response figures, calls received from {when(start)} to {when(end)} (minutes: median / p90)")
        print(f"  {'client':<14} {'prio':<4} {'month':<7} {'calls':>5} {'ack':>13} {'engage':>13} "
              f"{'breach':>6} {'escal':>5} {'nobody':>6}")

        def pair(m, p):
            return "-" if m is None else f"{m:g} / {p:g}"
        for r in rows:
            print(f"  {r.client:<14} {r.priority:<4} {r.month:<7} {r.calls:>5} "
                  f"{pair(r.ack_median_minutes, r.ack_p90_minutes):>13} "
                  f"{pair(r.engage_median_minutes, r.engage_p90_minutes):>13} {r.breaches:>6} {r.escalations:>5} "
                  f"{r.nobody_to_wake:>6}")
        if not rows:
            print("  no calls in that range")
        return 0

    if args.action == "bus-factor":
        lines = review.bus_factor_report(context.db, actor=context.as_tech)
        if context.json:
            context.print_json({"systems": [{"client": b.client, "system": b.system, "criticality": b.criticality,
                                             "experts": b.experts, "at_risk": b.at_risk} for b in lines]})
            return 0
        for b in lines:
            risk = "  KNOWLEDGE RISK: critical with fewer than two experts" if b.at_risk else ""
            print(f"{b.client}/{b.system:<24} {b.criticality:<8} {b.experts} expert(s){risk}")
        return 0

    start = context.instant(_need(args.start, "--from"), "--from")
    end = context.instant(_need(args.end, "--to"), "--to")
    range_start = context.instant(args.range_start, "--range-from") if args.range_start else None
    range_end = context.instant(args.range_end, "--range-to") if args.range_end else None
    result = review.what_if_leave(context.db, actor=context.as_tech, tech=_need(args.tech, "--tech"),
                                  start=start, end=end, range_start=range_start, range_end=range_end)
    if context.json:
        context.print_json({"tech": args.tech, "from": format_utc(start), "to": format_utc(end),
                            "gaps_before": [_gap(g) for g in result.gaps_before],
                            "gaps_after": [_gap(g) for g in result.gaps_after],
                            "new_gaps": [_gap(g) for g in result.new_gaps]})
        return 0
    if not result.new_gaps:
        print(f"Leave of {args.tech} from {when(start)} to {when(end)} opens no coverage gap.")
    else:
        print(f"Leave of {args.tech} from {when(start)} to {when(end)} would open:")
        for g in result.new_gaps:
            print(f"  {g.client}/{g.system}: {when(g.start)} to {when(g.end)}  {g.reason}")
    return 0
