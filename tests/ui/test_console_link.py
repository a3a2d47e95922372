"""One running console that other programs talk to: a real second process, the real local socket."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dispatch_app.services import console_link

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def runtime_dir(tmp_path, monkeypatch):
    folder = tmp_path / "run"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    return folder


def _cli(*args: str, url: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DISPATCH_DB": url}
    return subprocess.Popen([sys.executable, "-m", "dispatch_app", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _build(qtbot, settings, url):
    from datetime import datetime, timezone

    from dispatch_app.app import build_console, resources_dir

    settings.set("signed_in_technician", "jordan")
    at = datetime(2026, 11, 28, 5, 0, tzinfo=timezone.utc)
    console = build_console(url, settings=settings, clock=lambda: at, resources=resources_dir(),
                            link_address=console_link.address(url))
    qtbot.addWidget(console.window)
    console.window.show()
    console.window.start()
    qtbot.waitUntil(lambda: console.window.env is not None, timeout=5000)
    return console


def test_dispatch_app_ringing_in_a_second_process_rings_the_running_console(qtbot, settings, northwind_url,
                                                                           runtime_dir):
    console = _build(qtbot, settings, northwind_url)
    try:
        process = _cli("ringing", "--phone", "+13125550201", "--line", "main", "--call-id", "3cx-9", url=northwind_url)
        qtbot.waitUntil(lambda: process.poll() is not None, timeout=15000)
        out, err = process.communicate()
        assert process.returncode == 0, err
        assert "Acme Plastics" in out
        banner = console.window.ringing_banner
        qtbot.waitUntil(lambda: len(banner.rows) == 1, timeout=1000)
        assert banner.texts()[0].startswith("Ringing: Pat Lee, Acme Plastics")
        assert banner.newest().external_id == "3cx-9"
        # a malformed number: one line, exit 2, nothing shown
        bad = _cli("ringing", "--phone", "not a phone", url=northwind_url)
        qtbot.waitUntil(lambda: bad.poll() is not None, timeout=15000)
        _, err = bad.communicate()
        assert bad.returncode == 2 and err.count("\n") == 1 and "--phone" in err
        # the URL a softphone opens
        url = _cli("dispatch-app:ringing?phone=%2B13125550301&name=Amy", url=northwind_url)
        qtbot.waitUntil(lambda: url.poll() is not None, timeout=15000)
        assert url.returncode == 0, url.communicate()[1]
        qtbot.waitUntil(lambda: len(banner.rows) == 2, timeout=1000)
        assert banner.texts()[0].startswith("Ringing: Dr. Amy Stone, Riverside Family Clinic")
        # a second dispatch-app raises this one and exits at once
        second = _cli(url=northwind_url)
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=15000)
        assert second.returncode == 0
    finally:
        console.window.stop_timers()
        console.tasks.shutdown()
        console.backend.db.dispose()


def test_without_a_running_console_ringing_is_one_line_and_exit_2(northwind_url, runtime_dir):
    done = subprocess.run([sys.executable, "-m", "dispatch_app", "ringing", "--phone", "+13125550201"],
                          env={**os.environ, "PYTHONPATH": str(ROOT), "DISPATCH_DB": northwind_url},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr == f"dispatch-app: {console_link.NOT_RUNNING}\n"


@pytest.mark.parametrize("url", ["dispatch-app:ringing", "dispatch-app:ringing?phone=1&evil=2", "dispatch-app:wipe"])
def test_a_malformed_url_is_one_line_and_exit_2(url, runtime_dir):
    done = subprocess.run([sys.executable, "-m", "dispatch_app", url], env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and done.stderr.startswith("dispatch-app: URL:")


def test_the_desktop_entry_registers_the_url_scheme():
    entry = (ROOT / "packaging" / "dispatch-app.desktop").read_text()
    assert "MimeType=x-scheme-handler/dispatch-app;" in entry.splitlines()
    assert "Exec=dispatch-app %u" in entry.splitlines()
