"""Small helpers that build domain values by hand, and northwind.yaml as dataclasses."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Sequence

from dispatch_app.domain.localtime import UTC, resolve
from dispatch_app.domain.model import (
    Agreement,
    CalendarShift,
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

CHICAGO = "America/Chicago"
NEW_YORK = "America/New_York"


def utc(text: str) -> datetime:
    """``2026-11-28T05:00`` (or with ``Z``) as an aware UTC instant."""
    return datetime.fromisoformat(text.rstrip("Z")).replace(tzinfo=UTC)


def local(text: str, tz: str = CHICAGO) -> datetime:
    """A wall-clock time in ``tz`` as a UTC instant (DST rules of localtime.resolve)."""
    return resolve(datetime.fromisoformat(text), tz)


def tech(id: str, level: int = 2, name: str | None = None, *, leave: Sequence[tuple[datetime, datetime]] = (),
         active: bool = True, phones: tuple[str, ...] = ()) -> Technician:
    return Technician(id=id, name=name or id.capitalize(), level=level, phones=phones,
                      unavailable=tuple(Unavailability(a, b) for a, b in leave), active=active)


def experts(primary: Sequence[str] = (), secondary: Sequence[str] = ()) -> tuple[Expert, ...]:
    return tuple(Expert(t, "primary") for t in primary) + tuple(Expert(t, "secondary") for t in secondary)


def system(id: str, *, criticality: str = "critical", fix_level: int = 4, primary: Sequence[str] = (),
           secondary: Sequence[str] = (), name: str | None = None, runbooks: Sequence[Runbook] = (),
           vendor: Vendor | None = None) -> System:
    return System(id=id, name=name or id.upper(), criticality=criticality, fix_level=fix_level,
                  experts=experts(primary, secondary), runbooks=tuple(runbooks), vendor=vendor)


def agreement(coverage: dict[int, str] | None = None, *, business_hours: str = "mon-fri 08:00-17:00",
              emergency: tuple[EmergencyRule, ...] | None = None, **kwargs) -> Agreement:
    values = dict(kwargs)
    values["business_hours"] = business_hours
    if coverage is not None:
        values["coverage"] = dict(coverage)
    if emergency is not None:
        values["emergency"] = emergency
    return Agreement(**values)


def client(id: str = "k", *, systems: Sequence[System] = (), tz: str = CHICAGO, holidays: Sequence[date] = (),
           agreement_: Agreement | None = None, contacts: Sequence[Contact] = (),
           runbooks: Sequence[Runbook] = ()) -> Client:
    return Client(id=id, name=id.capitalize(), timezone=tz, holidays=tuple(holidays),
                  agreement=agreement_ or Agreement(), systems=tuple(systems), contacts=tuple(contacts),
                  runbooks=tuple(runbooks))


def rotation(id: str, members: Sequence[str], *, level: int = 2, start: str = "2026-11-02T08:00",
             length: str = "1w", active: str | None = None, tz: str = CHICAGO, name: str | None = None) -> Rotation:
    return Rotation(id=id, name=name or id, level=level, timezone=tz, start=datetime.fromisoformat(start),
                    length=Length(int(length[:-1]), length[-1]), active=active, members=tuple(members))


def env(*, technicians: Sequence[Technician] = (), rotations: Sequence[Rotation] = (),
        overrides: Sequence[Override] = (), clients: Sequence[Client] = (), holidays: Sequence[date] = (),
        tz: str = CHICAGO) -> Environment:
    return Environment(msp=Msp(name="MSP", timezone=tz, holidays=tuple(holidays)), technicians=tuple(technicians),
                       rotations=tuple(rotations), overrides=tuple(overrides), clients=tuple(clients))


@dataclass
class FixedCalendar:
    """A CalendarSchedule with its shifts already expanded."""

    shifts: tuple[CalendarShift, ...]
    source: str = "test.ics"
    content: str = ""

    def shifts_between(self, start: datetime, end: datetime) -> Sequence[CalendarShift]:
        return [s for s in sorted(self.shifts, key=lambda s: s.start) if s.start < end and s.end > start]


# ---------------------------------------------------------------- northwind.yaml by hand


def northwind(*, with_ical: bool = False) -> Environment:
    c = lambda text: local(text, CHICAGO)  # noqa: E731
    technicians = (
        Technician("jordan", "Jordan Price", 1, phones=("+1 312 555 0110",), email="jordan@northwind.example"),
        Technician("alex", "Alex Kim", 2, phones=("+1 312 555 0111",), email="alex@northwind.example"),
        Technician("sam", "Sam Ortiz", 2, phones=("+1 312 555 0112",), email="sam@northwind.example"),
        Technician("dana", "Dana Reyes", 3, phones=("+1 312 555 0101",), email="dana@northwind.example",
                   roles=("lead",),
                   unavailable=(Unavailability(c("2026-12-20T00:00"), c("2026-12-28T00:00"), "vacation"),)),
        Technician("lee", "Lee Chen", 3, phones=("+1 312 555 0113",), email="lee@northwind.example",
                   unavailable=(Unavailability(c("2026-12-24T18:00"), c("2026-12-26T08:00"), "family"),)),
        Technician("morgan", "Morgan Blake", 2, phones=("+1 312 555 0114",), email="morgan@northwind.example",
                   roles=("manager",)),
    )
    rotations = [
        Rotation("night-remote", "Night remote on-call", 2, CHICAGO, start=datetime(2026, 11, 2, 8, 0),
                 length=Length(1, "w"), active="daily 00:00-08:00, mon-fri 17:00-24:00, sat-sun 08:00-24:00",
                 members=("alex", "sam", "lee")),
    ]
    if with_ical:
        shifts = [
            CalendarShift(c("2026-11-27T08:00"), c("2026-11-27T20:00"), "morgan"),  # Thanksgiving Friday
            CalendarShift(c("2026-11-29T10:00"), c("2026-11-29T22:00"), "dana"),  # moved occurrence
        ]
        day = date(2026, 12, 5)
        while day < date(2027, 2, 1):
            for d in (day, day + timedelta(days=1)):
                shifts.append(CalendarShift(c(f"{d}T08:00"), c(f"{d}T20:00"), "lee"))
            day += timedelta(days=7)
        rotations.append(Rotation("weekend-onsite", "Weekend on-site", 3, CHICAGO,
                                  calendar=FixedCalendar(tuple(shifts), source="schedules/weekend.ics")))
    overrides = (Override("night-remote", "sam", c("2026-11-27T17:00"), c("2026-11-28T08:00"), "swap with alex"),)
    acme = Client(
        id="acme", name="Acme Plastics", timezone=CHICAGO, industry="manufacturing", holidays=(date(2026, 11, 27),),
        contacts=(Contact("Pat Lee", "+1 312 555 0201", "pat@acme.example", "plant manager", True),),
        agreement=Agreement(
            plan="24x7 production", business_hours="mon-fri 07:00-18:00",
            coverage={1: "always", 2: "always", 3: "mon-sat 06:00-22:00", 4: "emergency"},
            response_minutes={"P1": 15, "P2": 60, "P3": 240, "P4": 1440},
            ack_minutes={"P1": 10, "P2": 15, "P3": 30, "P4": 60},
            emergency=(EmergencyRule(systems=("erp-plc",), impact=("down", "degraded")),
                       EmergencyRule(keywords=("line down", "production stopped"))),
        ),
        systems=(
            System("erp-plc", "ERP to production line integration", "critical", 4, depends_on=("erp",),
                   experts=experts(["dana"], ["lee"]),
                   vendor=Vendor("Integrator Co support", "+1 800 555 0199", "24x7", "IC-4471"),
                   runbooks=(Runbook("bridge-restart", "Restart the PLC bridge service", 1, review_days=90),)),
            System("erp", "ERP server", "high", 2, experts=experts(["alex"])),
            System("m365", "Microsoft 365 mail", "normal", 1,
                   runbooks=(Runbook("m365-password", "Reset a mailbox password", 1),)),
        ),
    )
    riverside = Client(
        id="riverside", name="Riverside Family Clinic", timezone=CHICAGO, industry="healthcare",
        contacts=(Contact("Dr. Amy Stone", "+1 312 555 0301", None, "medical director", True),),
        agreement=Agreement(plan="24x7 clinical", business_hours="mon-fri 07:30-19:00, sat 08:00-12:00",
                            coverage={1: "always", 2: "always", 3: "business", 4: "always"}),
        systems=(
            System("ehr", "Electronic health records", "critical", 4, experts=experts(["lee"])),
            System("wifi", "Clinic Wi-Fi", "high", 2),
        ),
    )
    harbor = Client(
        id="harbor", name="Harbor Capital", timezone=NEW_YORK, industry="financial",
        contacts=(Contact("Ravi Shah", "+1 212 555 0401", None, "COO", True),),
        agreement=Agreement(plan="extended hours", business_hours="mon-fri 08:00-18:00",
                            coverage={1: "always", 2: "mon-fri 06:00-22:00", 3: "business", 4: "mon-fri 06:00-22:00"},
                            emergency=(EmergencyRule(systems=("trading",), impact=("down", "degraded")),)),
        systems=(System("trading", "Trading workstations", "critical", 4, experts=experts(["sam"], ["morgan"])),),
    )
    baker = Client(
        id="baker", name="Baker & Stone Law", timezone=CHICAGO, industry="professional",
        contacts=(Contact("Eve Baker", "+1 312 555 0501", "eve@bakerstone.example", "partner", True),),
        agreement=Agreement(plan="business hours", coverage={1: "always", 2: "business", 3: "business", 4: "business"},
                            emergency=()),
        systems=(
            System("printers", "Office printers", "normal", 2),
            System("dms", "Document management", "high", 4, experts=experts(["dana"])),
        ),
        runbooks=(Runbook("vpn-reset", "Reset a user's VPN profile", 1),),
    )
    return Environment(
        msp=Msp("Northwind IT", CHICAGO, (date(2026, 12, 25), date(2027, 1, 1))),
        technicians=technicians, rotations=tuple(rotations), overrides=overrides,
        clients=(acme, riverside, harbor, baker),
    )



EXAMPLES = "/work/shared/examples"


def northwind_bundle(*, with_ical: bool = False) -> Environment | None:
    """northwind.yaml read by the bundle parser, or None while that parser is not there."""
    from pathlib import Path

    try:
        from dispatch_app.bundle import read_bundle
    except ImportError:
        return None
    path = Path(EXAMPLES) / ("northwind-ical.yaml" if with_ical else "northwind.yaml")
    if not path.exists():
        return None
    loaded = read_bundle(path)
    return getattr(loaded, "environment", loaded)


def northwind_from(source: str, *, with_ical: bool = False) -> Environment | None:
    """The example environment built by hand (``hand``) or read from the bundle (``bundle``)."""
    if source == "hand":
        return northwind(with_ical=with_ical)
    return northwind_bundle(with_ical=with_ical)
