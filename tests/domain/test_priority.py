"""DOMAIN.md "Priority" and "Required level"."""
from __future__ import annotations

import pytest

from builders import client, system
from dispatch_app.domain.model import Agreement, CallFacts, EmergencyRule
from dispatch_app.domain.priority import decide, keyword_in, matrix_priority, required_level

MATRIX = [
    ("critical", "down", "P2"), ("critical", "degraded", "P2"), ("critical", "single-user", "P3"),
    ("critical", "request", "P4"),
    ("high", "down", "P2"), ("high", "degraded", "P3"), ("high", "single-user", "P3"), ("high", "request", "P4"),
    ("normal", "down", "P3"), ("normal", "degraded", "P3"), ("normal", "single-user", "P4"),
    ("normal", "request", "P4"),
]

NO_EMERGENCY = Agreement(emergency=())


def k(*systems, emergency=None):
    agreement = Agreement() if emergency is None else Agreement(emergency=emergency)
    return client("k", systems=systems, agreement_=agreement)


@pytest.mark.parametrize("criticality, impact, expected", MATRIX)
def test_every_row_of_the_matrix(criticality, impact, expected):
    s = system("s", criticality=criticality)
    c = client("k", systems=[s], agreement_=NO_EMERGENCY)
    decision = decide(c, s, CallFacts("k", "s", impact))
    assert decision.priority == expected
    assert decision.emergency is False
    assert decision.reason == f"priority {expected} from criticality {criticality} and impact {impact}"
    assert matrix_priority(s, impact) == expected


@pytest.mark.parametrize("impact, expected", [("down", "P3"), ("degraded", "P3"), ("single-user", "P4"),
                                              ("request", "P4")])
def test_no_system_counts_as_normal(impact, expected):
    c = client("k", agreement_=NO_EMERGENCY)
    assert decide(c, None, CallFacts("k", None, impact)).priority == expected


def test_impact_defaults_to_degraded():
    s = system("s", criticality="high")
    assert CallFacts("k", "s").impact == "degraded"
    assert decide(k(s), s, CallFacts("k", "s")).priority == "P3"


def test_default_rule_is_critical_and_down():
    crit = system("c", criticality="critical")
    high = system("h", criticality="high")
    c = k(crit, high)
    down = decide(c, crit, CallFacts("k", "c", "down"))
    assert (down.priority, down.emergency) == ("P1", True)
    assert down.reason == "emergency: matches the default rule (criticality critical, impact down)"
    assert decide(c, crit, CallFacts("k", "c", "degraded")).priority == "P2"
    assert decide(c, high, CallFacts("k", "h", "down")).priority == "P2"
    assert decide(c, None, CallFacts("k", None, "down")).priority == "P3"


def test_explicit_empty_list_means_nothing_is_an_emergency():
    crit = system("c", criticality="critical")
    c = k(crit, emergency=())
    decision = decide(c, crit, CallFacts("k", "c", "down", "everything is down, line down"))
    assert (decision.priority, decision.emergency) == ("P2", False)


def test_rule_needs_all_present_keys():
    erp = system("erp", criticality="high")
    other = system("other", criticality="high")
    c = k(erp, other, emergency=(EmergencyRule(systems=("erp",), impact=("down", "degraded")),))
    hit = decide(c, erp, CallFacts("k", "erp", "down"))
    assert hit.priority == "P1"
    assert hit.reason == "emergency: matches the client's rule 1 (systems erp, impact down)"
    assert decide(c, erp, CallFacts("k", "erp", "single-user")).priority == "P3"
    assert decide(c, other, CallFacts("k", "other", "down")).priority == "P2"
    assert decide(c, None, CallFacts("k", None, "down")).priority == "P3"


def test_later_rule_numbered_in_reason():
    s = system("s", criticality="normal")
    c = k(s, emergency=(EmergencyRule(systems=("x",)), EmergencyRule(keywords=("line down", "production stopped"))))
    decision = decide(c, s, CallFacts("k", "s", "request", "Production stopped at plant 2"))
    assert decision.priority == "P1"
    assert decision.reason == 'emergency: matches the client\'s rule 2 (keywords "production stopped")'


def test_criticality_key_and_no_system_is_normal():
    c = k(emergency=(EmergencyRule(criticality=("normal",), impact=("down",)),))
    assert decide(c, None, CallFacts("k", None, "down")).priority == "P1"
    c = k(emergency=(EmergencyRule(criticality=("critical",)),))
    assert decide(c, None, CallFacts("k", None, "down")).priority == "P3"


def test_impact_key_sees_the_default_impact():
    c = k(emergency=(EmergencyRule(impact=("degraded",)),))
    assert decide(c, None, CallFacts("k", None)).priority == "P1"


def test_rule_without_keys_matches_everything():
    c = k(emergency=(EmergencyRule(),))
    assert decide(c, None, CallFacts("k", None, "request")).priority == "P1"


@pytest.mark.parametrize("summary, matches", [
    ("line down", True),
    ("LINE DOWN at plant", True),
    ("the Line Down!", True),
    ("(line down)", True),
    ("line-down", False),
    ("pipeline down", False),
    ("line downstairs", False),
    ("line down2", False),
    ("2line down", False),
    ("_line down", False),
    ("line down_", False),
    ("line  down", False),
    ("ÿline down", False),
    ("line downé", False),
    ("x line down. y", True),
    ("", False),
])
def test_keyword_whole_words(summary, matches):
    assert keyword_in("line down", summary) is matches


def test_keyword_with_symbols_is_literal():
    assert keyword_in("c++", "the c++ build is down")
    assert not keyword_in("c++", "the c++x build")
    assert not keyword_in("a.b", "axb")
    assert not keyword_in("", "anything")


def test_keyword_rule_through_decide():
    c = k(emergency=(EmergencyRule(keywords=("down",)),))
    assert decide(c, None, CallFacts("k", None, "request", "Server DOWN")).priority == "P1"
    assert decide(c, None, CallFacts("k", None, "request", "download failing")).priority == "P4"


def test_override_wins_and_is_explained():
    s = system("s", criticality="critical")
    c = k(s)
    decision = decide(c, s, CallFacts("k", "s", "down", priority_override="P3"))
    assert (decision.priority, decision.emergency) == ("P3", False)
    assert "set by the dispatcher" in decision.reason and "P1" in decision.reason
    up = decide(c, s, CallFacts("k", "s", "request", priority_override="P1"))
    assert (up.priority, up.emergency) == ("P1", True)
    same = decide(c, s, CallFacts("k", "s", "down", priority_override="P1"))
    assert same.reason.startswith("emergency: matches the default rule")
    with pytest.raises(ValueError):
        decide(c, s, CallFacts("k", "s", "down", priority_override="P9"))


@pytest.mark.parametrize("fix_level", [1, 2, 3, 4])
def test_required_level_is_fix_level(fix_level):
    assert required_level(system("s", fix_level=fix_level)) == fix_level


def test_no_system_requires_level_2():
    assert required_level(None) == 2
