"""DOMAIN.md "Coverage gaps" and "Bus factor"."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings, strategies as st

import pytest

from builders import (CHICAGO, NEW_YORK, agreement, client, env, local, northwind, northwind_from, rotation,
                      system, tech, utc)
from dispatch_app.domain import coverage
from dispatch_app.domain.gaps import BusFactor, bus_factor, coverage_gaps
from dispatch_app.domain.model import Dispatcher, Gap, Override
from dispatch_app.domain.triage import wake_list

NOBODY = "nobody eligible"
NO_EXPERT = "no expert available"
ALWAYS = {1: "always", 2: "always", 3: "always", 4: "always"}


def rows(gaps):
    return [(g.client, g.system, g.start, g.end, g.reason) for g in gaps]


@pytest.mark.parametrize("source", ["hand", "bundle"])
def test_example_8_northwind_christmas(source):
    environment = northwind_from(source)
    if environment is None:
        pytest.skip("the bundle parser is not there yet")
    got = coverage_gaps(environment, utc("2026-12-24T00:00"), utc("2026-12-27T00:00"))
    assert rows(got) == [
        ("acme", "erp-plc", utc("2026-12-25T00:00"), utc("2026-12-26T14:00"), NO_EXPERT),
        ("riverside", "ehr", utc("2026-12-25T00:00"), utc("2026-12-25T14:00"), NO_EXPERT),
        ("riverside", "ehr", utc("2026-12-25T14:00"), utc("2026-12-25T23:00"), NOBODY),
        ("riverside", "ehr", utc("2026-12-25T23:00"), utc("2026-12-26T14:00"), NO_EXPERT),
    ]


def test_clipped_to_range_and_client_filter():
    got = coverage_gaps(northwind(), utc("2026-12-25T10:00"), utc("2026-12-25T20:00"), clients=["riverside"])
    assert rows(got) == [
        ("riverside", "ehr", utc("2026-12-25T10:00"), utc("2026-12-25T14:00"), NO_EXPERT),
        ("riverside", "ehr", utc("2026-12-25T14:00"), utc("2026-12-25T20:00"), NOBODY),
    ]
    assert coverage_gaps(northwind(), utc("2026-12-25T10:00"), utc("2026-12-25T10:00")) == []


def test_only_critical_systems_and_level_1_never():
    systems = [system("a", criticality="critical", fix_level=1), system("b", criticality="high", fix_level=4),
               system("c", criticality="normal", fix_level=2)]
    k = client("k", systems=systems, agreement_=agreement(ALWAYS))
    assert coverage_gaps(env(clients=[k]), utc("2026-11-01T00:00"), utc("2026-11-08T00:00")) == []


def test_level_2_gap_is_a_hole_in_the_rotation():
    start, end = local("2026-11-23T00:00"), local("2026-11-30T00:00")
    leave = [(local("2026-11-24T10:00"), local("2026-11-24T12:00"))]
    rot = rotation("r", ["m"], level=2, start="2026-11-02T08:00", active="mon-fri 08:00-17:00")
    k = client("k", systems=[system("s", fix_level=2)], agreement_=agreement({2: "business"}))
    e = env(technicians=[tech("m", 2, leave=leave)], rotations=[rot], clients=[k], holidays=[date(2026, 11, 26)])
    got = coverage_gaps(e, start, end)
    # Business hours minus the rotation: only the leave (the holiday is not covered by "business").
    assert rows(got) == [("k", "s", local("2026-11-24T10:00"), local("2026-11-24T12:00"), NOBODY)]


def test_level_3_needs_rotation_of_level_3_or_expert_of_level_3():
    start, end = local("2026-11-24T00:00"), local("2026-11-25T00:00")
    rot2 = rotation("r2", ["m"], level=2, start="2026-11-02T08:00")
    k = client("k", systems=[system("s", fix_level=3, primary=["lowexp"]), system("o", fix_level=2,
                                                                                  primary=["hi"])],
               agreement_=agreement({3: "daily 06:00-18:00"}))
    hi_leave = [(local("2026-11-24T09:00"), local("2026-11-24T11:00"))]
    e = env(technicians=[tech("m", 3), tech("lowexp", 2), tech("hi", 3, leave=hi_leave)], rotations=[rot2],
            clients=[k])
    assert rows(coverage_gaps(e, start, end)) == [
        ("k", "s", local("2026-11-24T09:00"), local("2026-11-24T11:00"), NOBODY)]


def test_level_4_reasons_listed_apart_and_merged():
    start, end = local("2026-11-24T00:00"), local("2026-11-26T00:00")
    # expert away 10:00-16:00 on the 24th; the fallback expert of another system away 12:00-14:00
    expert = tech("x", 3, leave=[(local("2026-11-24T10:00"), local("2026-11-24T16:00"))])
    other = tech("y", 2, leave=[(local("2026-11-24T12:00"), local("2026-11-24T13:00")),
                                (local("2026-11-24T13:00"), local("2026-11-24T14:00"))])
    k = client("k", systems=[system("s", fix_level=4, primary=["x"]), system("o", criticality="high", fix_level=2, primary=["y"])],
               agreement_=agreement(ALWAYS))
    got = coverage_gaps(env(technicians=[expert, other], clients=[k]), start, end)
    assert rows(got) == [
        ("k", "s", local("2026-11-24T10:00"), local("2026-11-24T12:00"), NO_EXPERT),
        ("k", "s", local("2026-11-24T12:00"), local("2026-11-24T14:00"), NOBODY),
        ("k", "s", local("2026-11-24T14:00"), local("2026-11-24T16:00"), NO_EXPERT),
    ]


def test_level_4_fallback_ignores_level_1_and_inactive():
    k = client("k", systems=[system("s", fix_level=4, primary=["gone"]), system("o", primary=["low"])],
               agreement_=agreement(ALWAYS))
    e = env(technicians=[tech("gone", 3, active=False), tech("low", 1)],
            rotations=[rotation("r1", ["low"], level=1, start="2026-01-05T08:00")], clients=[k])
    start, end = utc("2026-11-24T00:00"), utc("2026-11-25T00:00")
    assert rows(coverage_gaps(e, start, end)) == [("k", "s", start, end, NOBODY)]


def test_gaps_follow_coverage_and_overrides():
    start, end = local("2026-11-27T00:00"), local("2026-11-29T00:00")
    k = client("k", systems=[system("s", fix_level=4, primary=["x"])],
               agreement_=agreement({4: "business"}, business_hours="daily 08:00-20:00"))
    rot = rotation("r", ["m"], level=2, start="2026-11-02T08:00")
    override = Override("r", "x", local("2026-11-28T09:00"), local("2026-11-28T10:00"))
    e = env(technicians=[tech("x", 3, leave=[(start, end)]), tech("m", 2, leave=[(start, end)])],
            rotations=[rot], overrides=[override], clients=[k], holidays=[date(2026, 11, 27)])
    # 27th is an MSP holiday: not covered. On the 28th, x holds the rotation by override but is on leave.
    assert rows(coverage_gaps(e, start, end)) == [
        ("k", "s", local("2026-11-28T08:00"), local("2026-11-28T20:00"), NOBODY)]


def test_sorted_by_client_system_from():
    systems = [system("b"), system("a")]
    clients = [client("z", systems=systems, agreement_=agreement(ALWAYS)),
               client("m", systems=systems, tz=NEW_YORK, agreement_=agreement(ALWAYS))]
    got = coverage_gaps(env(clients=clients), utc("2026-11-24T00:00"), utc("2026-11-24T01:00"))
    assert [(g.client, g.system) for g in got] == [("m", "a"), ("m", "b"), ("z", "a"), ("z", "b")]
    assert all(g.reason == NOBODY for g in got)


def test_bus_factor():
    k = northwind().client("acme")
    assert bus_factor(k) == [BusFactor("erp-plc", 2, False), BusFactor("erp", 1, False), BusFactor("m365", 0, False)]
    assert bus_factor(northwind().client("riverside"))[0] == BusFactor("ehr", 1, True)


# ---------------------------------------------------------------- exact against sampled


ANON = Dispatcher.anonymous()
ZONES = [CHICAGO, NEW_YORK, "Europe/Berlin"]
ACTIVE = [None, None, "mon-fri 17:00-08:00", "daily 00:00-08:00, sat-sun 08:00-24:00", "daily 09:30-10:15"]
RULES = ["always", "business", "emergency", "never", "daily 06:00-22:00", "fri-mon 20:00-04:00"]
HOURS = ["mon-fri 08:00-17:00", "daily 07:00-19:00", "sat-sun 01:00-23:00"]
BASES = [datetime(2026, 3, 6, 18), datetime(2026, 10, 30, 20), datetime(2026, 11, 25, 0)]


def sampled(e, start, end, step=timedelta(minutes=5)):
    """The reason at each sample instant, from coverage and the wake list (independent of gaps.py)."""
    out = {}
    t = start
    while t < end:
        for k in e.clients:
            for s in k.systems:
                if s.criticality != "critical" or s.fix_level <= 1:
                    continue
                if not coverage.is_covered(e, k, s.fix_level, "P1", t):
                    continue
                entries, knowledge_gap = wake_list(e, k, s, s.fix_level, "P1", t, ANON)
                if not entries:
                    out[(k.id, s.id, t)] = NOBODY
                elif knowledge_gap and s.fix_level == 4:
                    out[(k.id, s.id, t)] = NO_EXPERT
        t += step
    return out


@st.composite
def environments(draw):
    base = draw(st.sampled_from(BASES)).replace(tzinfo=None)
    minute = st.integers(0, 48 * 60 // 5).map(lambda n: timedelta(minutes=5 * n))
    start = utc(base.isoformat())
    n_techs = draw(st.integers(2, 5))
    names = [f"t{i}" for i in range(n_techs)]
    techs = []
    for i, tid in enumerate(names):
        leave = []
        for _ in range(draw(st.integers(0, 3))):
            a = start + draw(minute) - timedelta(hours=6)
            leave.append((a, a + timedelta(minutes=draw(st.integers(1, 40)) * 30 + draw(st.integers(0, 4)))))
        techs.append(tech(tid, draw(st.integers(1, 3)), draw(st.sampled_from(["Ann", "bob", "Cy", "Dee"])) + str(i),
                          leave=leave, active=draw(st.booleans()) or draw(st.booleans())))
    rotations = []
    for r in range(draw(st.integers(0, 3))):
        members = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3))
        local_start = base - timedelta(days=draw(st.integers(0, 3)), minutes=draw(st.integers(0, 40)) * 30)
        rotations.append(rotation(f"r{r}", members, level=draw(st.integers(1, 3)), start=local_start.isoformat(),
                                  length=draw(st.sampled_from(["1d", "12h", "1w", "2d", "5h"])),
                                  active=draw(st.sampled_from(ACTIVE)), tz=draw(st.sampled_from(ZONES))))
    overrides = []
    for _ in range(draw(st.integers(0, 2))) if rotations else ():
        a = start + draw(minute)
        overrides.append(Override(draw(st.sampled_from([r.id for r in rotations])), draw(st.sampled_from(names)),
                                  a, a + timedelta(minutes=draw(st.integers(1, 30)) * 20)))
    clients = []
    for c in range(draw(st.integers(1, 2))):
        systems = []
        for j in range(draw(st.integers(1, 3))):
            systems.append(system(
                f"s{j}", criticality=draw(st.sampled_from(["critical", "critical", "critical", "high"])),
                fix_level=draw(st.sampled_from([1, 2, 3, 4, 4])),
                primary=draw(st.lists(st.sampled_from(names + ["ghost"]), max_size=2, unique=True)),
                secondary=draw(st.lists(st.sampled_from(names), max_size=1))))
        tz = draw(st.sampled_from(ZONES))
        holidays = [(base + timedelta(days=d)).date() for d in draw(st.lists(st.integers(-1, 2), max_size=1))]
        coverage_rules = {level: draw(st.sampled_from(RULES)) for level in (2, 3, 4)}
        clients.append(client(f"c{c}", systems=systems, tz=tz, holidays=holidays,
                              agreement_=agreement(coverage_rules, business_hours=draw(st.sampled_from(HOURS)))))
    e = env(technicians=techs, rotations=rotations, overrides=overrides, clients=clients,
            holidays=[(base + timedelta(days=1)).date()] if draw(st.booleans()) else [])
    return e, start, start + timedelta(hours=36)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(environments())
def test_exact_gaps_agree_with_sampled_wake_lists(case):
    e, start, end = case
    gaps = coverage_gaps(e, start, end)
    for g in gaps:
        assert start <= g.start < g.end <= end
    for first, second in zip(gaps, gaps[1:]):
        key1, key2 = (first.client, first.system), (second.client, second.system)
        assert key1 <= key2
        if key1 == key2:
            assert first.end <= second.start
            if first.end == second.start:
                assert first.reason != second.reason
    exact = {}
    by_system: dict[tuple[str, str], list[Gap]] = {}
    for g in gaps:
        by_system.setdefault((g.client, g.system), []).append(g)
    t = start
    while t < end:
        for (cid, sid), found in by_system.items():
            for g in found:
                if g.start <= t < g.end:
                    exact[(cid, sid, t)] = g.reason
        t += timedelta(minutes=5)
    assert exact == sampled(e, start, end)
