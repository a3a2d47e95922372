"""``oncall-calendar``: on call as an .ics file, parsed back and compared with ``oncall``."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import icalendar

from night import northwind_url  # noqa: F401 - fixtures
from test_calls_cli import run, run_json

UTC = timezone.utc
RANGE = ("--from", "2026-11-23T00:00", "--to", "2026-12-07T00:00")  # Chicago, no offset: the MSP's zone


def attendee(event) -> str:
    return str(event["ATTENDEE"]).removeprefix("mailto:").split("@")[0]


def test_writes_a_file_that_parses_and_agrees_with_oncall(northwind_url, tmp_path):
    target = tmp_path / "oncall.ics"
    out, _ = run(northwind_url, "oncall-calendar", *RANGE, "--out", str(target), "--at", "2026-11-28T05:00:00Z")
    calendar = icalendar.Calendar.from_ical(target.read_text(encoding="utf-8"))
    events = list(calendar.walk("VEVENT"))
    assert out.startswith(f"Wrote {len(events)} on-call events to ")
    assert {str(e["SUMMARY"]) for e in events} == {"On call: Night remote on-call"}
    t = datetime(2026, 11, 23, 6, tzinfo=UTC)
    while t < datetime(2026, 12, 7, 6, tzinfo=UTC):
        held = run_json(northwind_url, "oncall", "--at", t.isoformat())["rotations"][0]["tech"]
        covering = [attendee(e) for e in events if e["DTSTART"].dt <= t < e["DTEND"].dt]
        assert covering == ([held] if held else []), t
        t += timedelta(hours=7)


def test_json_and_one_technician_on_stdout(northwind_url):
    document = run_json(northwind_url, "oncall-calendar", *RANGE, "--tech", "sam")
    assert document["tech"] == "sam" and document["out"] is None and document["events"]
    assert {e["tech"] for e in document["events"]} == {"sam"}
    calendar = icalendar.Calendar.from_ical(document["calendar"])
    assert sorted(str(e["UID"]) for e in calendar.walk("VEVENT")) == sorted(e["uid"] for e in document["events"])
    text, _ = run(northwind_url, "oncall-calendar", *RANGE, "--tech", "sam")
    assert text.startswith("BEGIN:VCALENDAR") and "On call: Night remote on-call" in text


def test_bad_input_exits_2_with_one_line(northwind_url, tmp_path):
    _, err = run(northwind_url, "oncall-calendar", *RANGE, "--tech", "zed", expect=2)
    assert err == "dispatch-app: --tech: no technician 'zed'\n"
    _, err = run(northwind_url, "oncall-calendar", "--from", "2026-12-07", "--to", "2026-11-23", expect=2)
    assert "--to must be after --from" in err
    folder = tmp_path / "calendars"
    folder.mkdir()
    _, err = run(northwind_url, "oncall-calendar", *RANGE, "--out", str(folder), expect=2)
    assert "it is a folder" in err and not list(folder.iterdir())
