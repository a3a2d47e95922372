"""A bundle cannot reach outside its folder, nest without bound or blow up through YAML aliases:
each is one clear BundleError (exit 2 on the command line), never a RecursionError."""
from __future__ import annotations

import os
import shutil

import pytest

from dispatch_app.bundle import BundleError, load_text, parse_bundle, read_bundle
from dispatch_app.bundle.reader import MAX_ALIAS_VALUES, MAX_DEPTH

from .conftest import EXAMPLES, NORTHWIND


def problems_of(data, base_dir) -> list[str]:
    with pytest.raises(BundleError) as caught:
        parse_bundle(data, base_dir=base_dir)
    return caught.value.problems


def ical_rotation(path: str) -> dict:
    return {"id": "standby", "name": "Standby", "level": 3, "ical": path}


@pytest.fixture
def folder(tmp_path):
    """A copy of the examples in tmp/bundle, with a calendar outside it in tmp/outside.ics."""
    inside = tmp_path / "bundle"
    shutil.copytree(EXAMPLES, inside)
    shutil.copy(EXAMPLES / "schedules" / "weekend.ics", tmp_path / "outside.ics")
    return inside


@pytest.mark.parametrize("path", ["../outside.ics", "schedules/../../outside.ics", "..\\outside.ics"])
def test_a_calendar_path_climbing_out_is_refused_with_the_path(northwind, folder, path):
    northwind["rotations"].append(ical_rotation(path))
    assert problems_of(northwind, folder) == [
        f"rotations[1].ical: {path!r} climbs out of the bundle's folder ('..'); keep the file in that folder or below it"
    ]


@pytest.mark.parametrize("path", ["/etc/passwd", "C:\\Users\\x.ics", "C:x.ics"])
def test_an_absolute_calendar_path_is_refused(northwind, folder, path):
    northwind["rotations"].append(ical_rotation(path))
    assert problems_of(northwind, folder) == [f"rotations[1].ical: {path!r} must be a path relative to the bundle file"]


def test_a_symbolic_link_leading_out_is_refused(northwind, folder):
    os.symlink(folder.parent / "outside.ics", folder / "schedules" / "link.ics")
    os.symlink(folder.parent, folder / "up")
    for path in ("schedules/link.ics", "up/outside.ics"):
        data = {**northwind, "rotations": [*northwind["rotations"], ical_rotation(path)]}
        (line,) = problems_of(data, folder)
        assert line.startswith(f"rotations[1].ical: {path!r} leads out of the bundle's folder through a symbolic link")


def test_a_symbolic_link_inside_the_folder_is_read(northwind, folder):
    os.symlink(folder / "schedules" / "weekend.ics", folder / "linked.ics")
    northwind["rotations"].append(ical_rotation("linked.ics"))
    env = parse_bundle(northwind, base_dir=folder).environment
    assert env.rotations[1].calendar.source == "linked.ics"


def test_a_calendar_that_is_not_a_regular_file_is_refused(northwind, folder):
    os.mkfifo(folder / "pipe.ics")
    northwind["rotations"].append(ical_rotation("pipe.ics"))
    assert problems_of(northwind, folder) == ["rotations[1].ical: cannot read 'pipe.ics': it is not a regular file"]


def test_export_refuses_a_stored_calendar_path_that_climbs_out(tmp_path):
    from dataclasses import replace

    from dispatch_app.bundle import write_bundle
    from dispatch_app.bundle.ical import IcalSchedule

    env = read_bundle(EXAMPLES / "northwind-ical.yaml").environment
    index, rotation = next((i, r) for i, r in enumerate(env.rotations) if r.calendar is not None)
    calendar = IcalSchedule.from_text("../escape.ics", rotation.calendar.content, env.technicians, rotation.timezone)
    rotations = list(env.rotations)
    rotations[index] = replace(rotation, calendar=calendar)
    (tmp_path / "out").mkdir()
    with pytest.raises(BundleError) as caught:
        write_bundle(replace(env, rotations=tuple(rotations)), tmp_path / "out" / "bundle.yaml")
    assert "'../escape.ics'" in caught.value.problems[0] and "outside" in caught.value.problems[0]
    assert not (tmp_path / "escape.ics").exists() and not (tmp_path / "out" / "bundle.yaml").exists()


# ---------------------------------------------------------------- nesting and aliases

TOO_DEEP = f"lists and mappings nested more than {MAX_DEPTH} deep; a bundle needs far fewer (see BUNDLE.md)"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_deep_nesting_is_refused_in_one_line(tmp_path, suffix, depth):
    target = tmp_path / f"deep{suffix}"
    target.write_text('{"format": "dispatch-bundle/1", "msp": ' + "[" * depth + "]" * depth + "}")
    with pytest.raises(BundleError) as caught:
        read_bundle(target)
    (line,) = caught.value.problems
    assert line.startswith(f"{target}: ") and ("exceeded maximum nesting depth" in line or line.endswith(TOO_DEEP))


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_nesting_up_to_the_limit_is_read(suffix):
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert load_text(text, suffix, "x") == load_text(text, ".json", "x")


def test_block_yaml_nesting_is_refused():
    text = "- " * (MAX_DEPTH + 1) + "x\n"
    with pytest.raises(BundleError) as caught:
        load_text(text, ".yaml", "deep.yaml")
    assert caught.value.problems == [f"deep.yaml: {TOO_DEEP}"]


def test_brackets_inside_json_strings_do_not_count():
    text = '{"format": "dispatch-bundle/1", "note": "' + "[{" * 500 + '\\"[["}'
    assert load_text(text, ".json", "x")["note"].startswith("[{[{")


def test_billion_laughs_is_refused_quickly():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    with pytest.raises(BundleError) as caught:
        load_text("\n".join(lines) + "\n", ".yaml", "laughs.yaml")
    assert caught.value.problems == [
        f"laughs.yaml: its YAML aliases repeat more than {MAX_ALIAS_VALUES:,} values; "
        "write the values out or use fewer aliases"
    ]


def test_an_alias_that_contains_itself_is_refused():
    with pytest.raises(BundleError) as caught:
        load_text("format: dispatch-bundle/1\nmsp: &m {name: *m}\n", ".yaml", "loop.yaml")
    assert caught.value.problems == [f"loop.yaml: {TOO_DEEP}"]


def test_a_few_aliases_are_fine():
    text = NORTHWIND.read_text(encoding="utf-8").replace("holidays: [2026-12-25, 2027-01-01]",
                                                         "holidays: &days [2026-12-25, 2027-01-01]", 1)
    text += "\n# the same days again\n"
    data = load_text(text, ".yaml", "n.yaml")
    data["clients"][0]["holidays"] = data["msp"]["holidays"]
    assert parse_bundle(data, base_dir=EXAMPLES).environment.client("acme").holidays == \
        parse_bundle(data, base_dir=EXAMPLES).environment.msp.holidays


def test_the_command_line_exits_2_on_a_deep_json_bundle(tmp_path, capsys):
    from dispatch_app.cli.main import main

    target = tmp_path / "deep.json"
    target.write_text("[" * 100_000 + "]" * 100_000)
    assert main(["--db", f"sqlite:///{tmp_path / 'x.db'}", "import", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and TOO_DEEP in err
