"""Random but valid environments of a chosen size, for round-trip tests of the bundle."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from dispatch_app.domain.model import (
    CRITICALITIES,
    DEFAULT_EMERGENCY,
    EXPERT_ROLES,
    IMPACTS,
    INDUSTRIES,
    PRIORITIES,
    ROLES,
    Agreement,
    Client,
    Contact,
    EmergencyRule,
    Environment,
    Expert,
    Length,
    Msp,
    Override,
    Rotation,
    Runbook,
    System,
    Technician,
    Unavailability,
    Vendor,
)

UTC = timezone.utc
ZONES = ("America/Chicago", "America/New_York", "Europe/Berlin", "Australia/Sydney", "UTC", "Asia/Kolkata")
WINDOWS = ("mon-fri 08:00-17:00", "daily 00:00-08:00, mon-fri 17:00-24:00", "fri-mon 22:00-06:00", "sat 09:00-12:00")
# Texts that a careless writer would turn into other YAML types, plus unicode and line breaks.
TRICKY = (
    "yes", "no", "null", "007", "1e3", "2026-01-01", "a: b", "- dash", "#hash", "Café ✓ Zürich",
    "line one\nline two\n", "two lines\nno final break", " leading space", "trailing space ", "'quoted'",
    '"double"', "", "plain text", "tab\there", "{braces}", "[list]", "@at", "%percent",
)
SAFE_BODIES = (
    "1. Verify the caller.\n2. Restart the service.\n",
    "Credentials: vault item `CLIENT-SERVER-ADMIN`.",
    "Reset the password in the admin portal; require a change at next sign-in.",
    "",
)


def _instant(rng: random.Random) -> datetime:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    return base + timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))


def _span(rng: random.Random) -> tuple[datetime, datetime]:
    start = _instant(rng)
    return start, start + timedelta(minutes=rng.randrange(1, 20 * 24 * 60))


def _maybe(rng: random.Random, value, chance: float = 0.5):
    return value if rng.random() < chance else None


def _subset(rng: random.Random, items, low: int = 0, high: int | None = None) -> tuple:
    items = list(items)
    count = rng.randint(low, min(len(items), high if high is not None else len(items)))
    return tuple(rng.sample(items, count))


def _runbooks(rng: random.Random, prefix: str, count: int) -> tuple[Runbook, ...]:
    return tuple(
        Runbook(
            id=f"{prefix}-rb-{i}",
            title=rng.choice(("Restart the service", "Reset a VPN profile", rng.choice(TRICKY) or "Untitled")),
            level=rng.randint(1, 4),
            body=rng.choice(SAFE_BODIES + TRICKY),
            review_days=_maybe(rng, rng.randint(1, 365)),
        )
        for i in range(count)
    )


def _agreement(rng: random.Random, system_ids: list[str]) -> Agreement:
    coverage = {level: rng.choice(("always", "business", "emergency", "never") + WINDOWS) for level in (1, 2, 3, 4)}
    roll = rng.random()
    if roll < 0.3:
        emergency = DEFAULT_EMERGENCY
    elif roll < 0.4:
        emergency = ()
    else:
        rules = []
        for _ in range(rng.randint(1, 3)):
            rules.append(
                EmergencyRule(
                    systems=_maybe(rng, _subset(rng, system_ids)),
                    criticality=_maybe(rng, _subset(rng, CRITICALITIES, 1)),
                    impact=_maybe(rng, _subset(rng, IMPACTS, 1)),
                    keywords=_maybe(rng, tuple(rng.sample(("line down", "server down", "Café", "outage"), 2))),
                )
            )
        emergency = tuple(rules)
    return Agreement(
        plan=rng.choice(("24x7", "business hours", "")),
        business_hours=rng.choice(WINDOWS),
        coverage=coverage,
        response_minutes={p: rng.randint(1, 5000) for p in PRIORITIES},
        ack_minutes={p: rng.randint(1, 120) for p in PRIORITIES},
        emergency=emergency,
        notes=rng.choice(TRICKY),
    )


def _client(rng: random.Random, index: int, tech_ids: list[str], systems_per_client: int) -> Client:
    client_id = f"client-{index}"
    system_ids = [f"sys-{j}" for j in range(rng.randint(0, systems_per_client))]
    systems = []
    for j, system_id in enumerate(system_ids):
        experts = tuple(Expert(tech=t, role=rng.choice(EXPERT_ROLES)) for t in _subset(rng, tech_ids, 0, 3))
        vendor = None
        if rng.random() < 0.4:
            vendor = Vendor(
                name=_maybe(rng, "Vendor Co"), phone=_maybe(rng, "+1 800 555 0199"),
                hours=_maybe(rng, "24x7"), contract=_maybe(rng, "4471"),
            )
        systems.append(
            System(
                id=system_id,
                name=f"System {j} {rng.choice(TRICKY)}".strip(),
                criticality=rng.choice(CRITICALITIES),
                fix_level=rng.randint(1, 4),
                depends_on=_subset(rng, [s for s in system_ids if s != system_id], 0, 2),
                experts=experts,
                vendor=vendor,
                notes=rng.choice(TRICKY),
                runbooks=_runbooks(rng, system_id, rng.randint(0, 3)),
            )
        )
    contacts = tuple(
        Contact(
            name=f"Contact {k}",
            phone=_maybe(rng, f"+1 312 555 {1000 + k}"),
            email=_maybe(rng, f"c{k}@{client_id}.example"),
            role=_maybe(rng, rng.choice(("COO", "partner", "office manager"))),
            may_authorize=rng.random() < 0.5,
        )
        for k in range(rng.randint(0, 3))
    )
    return Client(
        id=client_id,
        name=f"Client {index}",
        timezone=rng.choice(ZONES),
        industry=rng.choice(INDUSTRIES),
        phones=tuple(f"+1 212 555 {2000 + index * 3 + k}" for k in range(rng.randint(0, 2))),
        holidays=tuple(sorted({date(2026, 1, 1) + timedelta(days=rng.randrange(730)) for _ in range(rng.randint(0, 3))})),
        contacts=contacts,
        agreement=_agreement(rng, system_ids),
        systems=tuple(systems),
        runbooks=_runbooks(rng, "general", rng.randint(0, 2)),
    )


def random_environment(
    seed: int = 0, *, technicians: int = 20, rotations: int = 6, overrides: int = 10, clients: int = 15,
    systems_per_client: int = 6,
) -> Environment:
    """An environment of the given size whose every value is valid for a bundle."""
    rng = random.Random(seed)
    msp_zone = rng.choice(ZONES)
    techs = []
    for i in range(technicians):
        techs.append(
            Technician(
                id=f"tech-{i}",
                name=f"Tech {i} {rng.choice(('Reyes', 'Kim', 'Ørsted', 'O’Neil'))}",
                level=rng.randint(1, 3),
                phones=tuple(f"+1 312 555 {i:04d}" for _ in range(rng.randint(0, 2))),
                email=_maybe(rng, f"tech{i}@msp.example", 0.8),
                roles=_subset(rng, ROLES),
                unavailable=tuple(
                    Unavailability(*_span(rng), reason=rng.choice(("vacation", "sick", ""))) for _ in range(rng.randint(0, 3))
                ),
                active=rng.random() < 0.9,
            )
        )
    tech_ids = [t.id for t in techs]
    rots = []
    for i in range(rotations):
        start = datetime(2026, 1, 1) + timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
        if rng.random() < 0.2:
            start = start.replace(second=rng.randint(1, 59))
        rots.append(
            Rotation(
                id=f"rot-{i}",
                name=f"Rotation {i}",
                level=rng.randint(1, 3),
                timezone=rng.choice(ZONES),
                start=start,
                length=Length(rng.randint(1, 14), rng.choice("dwh")),
                active=_maybe(rng, rng.choice(WINDOWS)),
                members=tuple(rng.choice(tech_ids) for _ in range(rng.randint(1, 5))),
            )
        )
    overs = [
        Override(rotation=rng.choice(rots).id, tech=rng.choice(tech_ids), start=s, end=e, reason=rng.choice(("swap", "")))
        for s, e in (_span(rng) for _ in range(overrides if rots else 0))
    ]
    holidays = tuple(sorted({date(2026, 1, 1) + timedelta(days=rng.randrange(730)) for _ in range(3)}))
    return Environment(
        msp=Msp(name="Synthetic MSP", timezone=msp_zone, holidays=holidays),
        technicians=tuple(techs),
        rotations=tuple(rots),
        overrides=tuple(overs),
        clients=tuple(_client(rng, i, tech_ids, systems_per_client) for i in range(clients)),
    )
