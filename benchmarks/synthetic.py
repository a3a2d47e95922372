"""A large synthetic MSP as a bundle (BUNDLE.md), for benchmarks and large round-trip tests.

``build(scale=1.0, seed=1)`` returns the bundle as plain data: at scale 1, 1,500 clients with
15,040 systems (``client-0000`` has 50, the others 10), 300 technicians, 40 rotations with
overrides (``rot-00`` has 10 members), and leave. Deterministic for a seed.
"""
from __future__ import annotations

import argparse
import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path

ZONES = ["America/Chicago", "America/New_York", "America/Denver", "America/Los_Angeles", "Europe/London"]
INDUSTRIES = ["manufacturing", "healthcare", "financial", "professional", "other"]
CRITICALITIES = ["critical", "high", "normal"]
WINDOWS = ["mon-fri 07:00-19:00", "mon-sat 06:00-22:00", "daily 00:00-24:00", "mon-fri 17:00-08:00, sat-sun 00:00-24:00"]
COVERAGE = ["always", "business", "emergency", "never"]


def build(scale: float = 1.0, seed: int = 1, start: date = date(2026, 11, 2)) -> dict:
    rng = random.Random(seed)
    n_clients = max(1, int(1500 * scale))
    n_techs = max(6, int(300 * scale))
    n_rotations = max(2, int(40 * scale))

    technicians = []
    for i in range(n_techs):
        tech = {
            "id": f"tech-{i:04d}", "name": f"Technician {i:04d}", "level": rng.choice([1, 2, 2, 3]),
            "phones": [f"+1 312 555 {i:04d}"], "email": f"tech{i}@msp.example",
            "roles": [rng.choice(["dispatcher", "dispatcher", "lead", "manager"])],
        }
        if rng.random() < 0.15:
            leave_start = datetime.combine(start, datetime.min.time()) + timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 23))
            tech["unavailable"] = [{"from": leave_start.isoformat(timespec="minutes"),
                                    "to": (leave_start + timedelta(days=rng.randint(1, 10))).isoformat(timespec="minutes"),
                                    "reason": "vacation"}]
        technicians.append(tech)
    tech_ids = [t["id"] for t in technicians]
    tech_ids[0:1] = []  # tech-0000 stays free of everything: the benchmark's dispatcher

    rotations = []
    for i in range(n_rotations):
        rotation = {
            "id": f"rot-{i:02d}", "name": f"Rotation {i:02d}", "level": rng.choice([2, 2, 3]),
            "timezone": rng.choice(ZONES[:4]),
            "start": f"{start.isoformat()}T{rng.choice(['08:00', '09:00', '17:00'])}",
            "length": rng.choice(["1w", "1w", "1d", "2d", "12h"]),
            "members": rng.sample(tech_ids, 10 if i == 0 else rng.randint(3, 10)),
        }
        if rng.random() < 0.6:
            rotation["active"] = rng.choice(WINDOWS)
        rotations.append(rotation)

    overrides = []
    for rotation in rotations:
        for _ in range(rng.randint(0, 4)):
            begin = datetime.combine(start, datetime.min.time()) + timedelta(days=rng.randint(0, 45), hours=rng.randint(0, 23))
            overrides.append({"rotation": rotation["id"], "tech": rng.choice(tech_ids),
                              "from": begin.isoformat(timespec="minutes"),
                              "to": (begin + timedelta(hours=rng.randint(4, 72))).isoformat(timespec="minutes"),
                              "reason": "swap"})

    clients = []
    for c in range(n_clients):
        systems = []
        n_systems = 50 if c == 0 else 10
        for s in range(n_systems):
            fix_level = rng.choice([1, 2, 2, 3, 4, 4])
            system = {
                "id": f"sys-{s:02d}", "name": f"System {s:02d} of client {c}",
                "criticality": rng.choice(CRITICALITIES), "fix_level": fix_level,
                "experts": [{"tech": t, "role": role} for t, role in
                            zip(rng.sample(tech_ids, rng.randint(0, 3)), ["primary", "secondary", "secondary"])],
                "notes": "Runs on the main server.",
                "runbooks": [{"id": f"rb-{c}-{s}", "title": f"Restart service {s}", "level": rng.choice([1, 2]),
                              "body": "1. Connect.\n2. Restart the service.\n"}],
            }
            if s > 0 and rng.random() < 0.3:
                system["depends_on"] = [f"sys-{rng.randrange(s):02d}"]
            systems.append(system)
        emergency = [{"criticality": ["critical"], "impact": ["down"]}]
        if rng.random() < 0.3:
            emergency.append({"keywords": ["line down", "cannot trade"]})
        clients.append({
            "id": f"client-{c:04d}", "name": f"Client {c:04d}", "industry": rng.choice(INDUSTRIES),
            "timezone": rng.choice(ZONES), "phones": [f"+1 212 {c % 1000:03d} {c:04d}"],
            "holidays": [(start + timedelta(days=rng.randint(0, 60))).isoformat()],
            "contacts": [{"name": f"Owner {c}", "phone": f"+1 212 600 {c:04d}", "may_authorize": True}],
            "agreement": {
                "plan": "managed", "business_hours": rng.choice(WINDOWS[:2]),
                "coverage": {1: "always", 2: rng.choice(COVERAGE[:3]), 3: rng.choice(COVERAGE),
                             4: rng.choice(COVERAGE[:3] + ["mon-fri 06:00-22:00"])},
                "emergency": emergency,
            },
            "systems": systems,
        })

    return {
        "format": "dispatch-bundle/1",
        "msp": {"name": "Synthetic MSP", "timezone": "America/Chicago", "holidays": ["2026-12-25", "2027-01-01"]},
        "technicians": technicians,
        "rotations": rotations,
        "overrides": overrides,
        "clients": clients,
    }


def write(path: Path, scale: float = 1.0, seed: int = 1) -> Path:
    data = build(scale, seed)
    if path.suffix == ".json":
        for client in data["clients"]:
            client["agreement"]["coverage"] = {str(k): v for k, v in client["agreement"]["coverage"].items()}
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        import yaml

        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write(args.file, args.scale, args.seed)
