"""A real Prometheus Alertmanager (Debian's ``prometheus-alertmanager``) pointed at the intake
as if it were Opsgenie (``opsgenie_configs``, ``api_url``) and PagerDuty (``pagerduty_configs``,
``url``): alerts fire, repeat and resolve; each alert group is one call per integration,
updated, never duplicated."""
from __future__ import annotations

import shutil
import subprocess
import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import text

from dispatch_app.services import calls, intake as intake_service
from intake_helpers import free_port

ALERTMANAGER = shutil.which("prometheus-alertmanager") or "/usr/bin/prometheus-alertmanager"
pytestmark = pytest.mark.skipif(not shutil.which(ALERTMANAGER), reason="prometheus-alertmanager is not installed")

CONFIG = """
route:
  receiver: dispatch
  group_by: [alertname, client]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 2s
receivers:
  - name: dispatch
    opsgenie_configs:
      - api_key: {token}
        api_url: {intake}/
        message: '{{{{ .CommonLabels.alertname }}}} at {{{{ .CommonLabels.client }}}}'
        priority: P1
        details:
          client: '{{{{ .CommonLabels.client }}}}'
          system: '{{{{ .CommonLabels.system }}}}'
    pagerduty_configs:
      - routing_key: {token}
        url: {intake}/v2/enqueue
        description: '{{{{ .CommonLabels.alertname }}}} at {{{{ .CommonLabels.client }}}}'
        severity: critical
        component: '{{{{ .CommonLabels.system }}}}'
        details:
          client: '{{{{ .CommonLabels.client }}}}'
"""


def wait_for(condition, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def notifications(am: str) -> dict[str, float]:
    """Alertmanager's own count of notifications sent, by integration."""
    counts: dict[str, float] = {}
    for line in httpx.get(f"{am}/metrics").text.splitlines():
        if line.startswith("alertmanager_notifications_total{"):
            integration = line.split('integration="')[1].split('"')[0]
            counts[integration] = counts.get(integration, 0) + float(line.rsplit(" ", 1)[1])
    return counts


def failed(am: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in httpx.get(f"{am}/metrics").text.splitlines()
               if line.startswith("alertmanager_notifications_failed_total{"))


def alert_calls(intake) -> list[tuple[int, str, str | None]]:
    with intake.db.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text("SELECT id, source, client_id FROM calls ORDER BY id"))]


@pytest.mark.parametrize("northwind_url", ["sqlite"], indirect=True)
def test_alertmanager_as_opsgenie_and_pagerduty_fires_repeats_and_resolves(intake, tmp_path):
    config = tmp_path / "alertmanager.yml"
    config.write_text(CONFIG.format(token=intake.token, intake=intake.url))
    port = free_port()
    am = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([ALERTMANAGER, f"--config.file={config}", f"--storage.path={tmp_path / 'data'}",
                                f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=",
                                "--log.level=warn"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: _ready(am), "Alertmanager to start")
        started = datetime.now(timezone.utc)

        def post(ends: datetime | None):
            alerts = [{"labels": {"alertname": "PlcBridgeDown", "client": client, "system": "erp-plc"},
                       "annotations": {"summary": "PLC bridge down"}, "startsAt": started.isoformat()}
                      | ({"endsAt": ends.isoformat()} if ends else {}) for client in ("acme", "unknown-co")]
            assert httpx.post(f"{am}/api/v2/alerts", json=alerts).status_code == 200

        post(None)
        wait_for(lambda: len(alert_calls(intake)) == 4, "one call per group and integration")
        first = alert_calls(intake)
        assert sorted((source, client or "") for _, source, client in first) == [
            ("opsgenie", ""), ("opsgenie", "acme"), ("pagerduty", ""), ("pagerduty", "acme")]
        acme = next(call_id for call_id, source, client in first if (source, client) == ("opsgenie", "acme"))
        call = calls.call_view(intake.db, acme, at=intake_service.now()).call
        assert (call.summary, call.system, call.impact, call.priority) == ("PlcBridgeDown at acme", "erp-plc", "down", "P1")

        # the repeats (repeat_interval) reach the intake and change nothing
        wait_for(lambda: min(notifications(am).get(i, 0) for i in ("opsgenie", "pagerduty")) >= 4,
                 "Alertmanager to repeat its notifications")
        assert alert_calls(intake) == first

        post(datetime.now(timezone.utc) - timedelta(seconds=1))  # resolved
        def resolved():
            states = {}
            for call_id, _, _ in first:
                events = calls.call_view(intake.db, call_id, at=intake_service.now()).events
                states[call_id] = [e.data["state"] for e in events if e.kind == "alert"]
            return states if all(s and s[-1] == "resolved" for s in states.values()) else None
        states = wait_for(resolved, "the resolve to reach every call")
        assert all(s == ["resolved"] for s in states.values()), states
        assert alert_calls(intake) == first and failed(am) == 0
    finally:
        process.terminate()
        process.wait(10)


def _ready(am: str) -> bool:
    try:
        return httpx.get(f"{am}/-/ready", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
