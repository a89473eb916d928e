"""The metrics exporter: per-route counts and durations, what waits, the audit chain, and who may read it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from werkzeug.test import Client

from portal.config import PROJECT_ROOT
from portal.domain.enums import ItemKind
from portal.observability.metrics import FolderCollector, exporter, read_verification
from portal.runtime import unit_of_work
from portal.services import letters
from portal.storage.models import OutboxMessage
from tests.factories import actor_of, approved_letter, exchange_case


def _scrape(app, address: str = "127.0.0.1", path: str = "/metrics"):
    return Client(exporter(app)).get(path, environ_base={"REMOTE_ADDR": address})


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(samples, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


def test_the_exporter_reports_requests_by_route_and_what_is_waiting(app, tmp_path):
    app.config["AUDIT_VERIFY_STATE"] = str(tmp_path / "audit-verified.json")
    before = _samples(_scrape(app).get_data(as_text=True))
    world = exchange_case(app)
    approved_letter(app, world)  # waiting for release
    with app.app_context():
        uow = unit_of_work()
        writer = actor_of(world["harmed"].account)
        waiting = letters.start(uow, writer, world.case_id, ItemKind.LETTER, None)
        letters.send(uow, writer, world.case_id, waiting, ["Waiting for a facilitator to read it."])
        with uow:
            hour_ago = datetime.now(UTC) - timedelta(hours=1)
            uow.session.add(OutboxMessage(kind="invitation", created_at=hour_ago, next_attempt_at=hour_ago))
    client = app.test_client()
    for _ in range(3):
        assert client.get("/sign-in").status_code == 200
    assert client.get(f"/cases/{world.case_id}").status_code == 302  # signed out: sent to sign in
    assert client.get("/no/such/page/abc123").status_code == 404
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert "intact" in result.output, result.output

    answer = _scrape(app)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/plain")
    text = answer.get_data(as_text=True)
    samples = _samples(text)

    def grew(name: str, **labels: str) -> float:
        return _value(samples, name, **labels) - before.get((name, tuple(sorted(labels.items()))), 0.0)

    assert grew("portal_http_requests_total", route="/sign-in", method="GET", status="200") == 3
    assert grew("portal_http_requests_total", route="/cases/<uuid:case_id>", method="GET", status="302") == 1
    assert grew("portal_http_requests_total", route="<unmatched>", method="GET", status="404") == 1
    assert grew("portal_http_request_duration_seconds_count", route="/sign-in", method="GET") == 3
    assert str(world.case_id) not in text and "abc123" not in text  # route templates, never URLs
    assert _value(samples, "portal_database_up") == 1
    assert _value(samples, "portal_outbox_messages", status="pending") >= 1
    assert _value(samples, "portal_outbox_messages", status="failed") == 0
    assert 3500 < _value(samples, "portal_outbox_oldest_pending_age_seconds") < 3700
    assert 3500 < _value(samples, "portal_outbox_oldest_due_age_seconds") < 3700
    assert _value(samples, "portal_items_waiting", state="submitted") == 1
    assert _value(samples, "portal_items_waiting", state="approved") == 1
    assert _value(samples, "portal_items_waiting", state="awaiting_second_approval") == 0
    assert _value(samples, "portal_items_oldest_waiting_for_review_age_seconds") < 60
    assert _value(samples, "portal_items_release_overdue") == 0
    assert 0 <= _value(samples, "portal_audit_head_age_seconds") < 60
    verified = read_verification(app.config["AUDIT_VERIFY_STATE"])
    assert verified is not None and verified["intact"] == 1 and verified["events"] > 5
    assert _value(samples, "portal_audit_last_verified_timestamp_seconds") == verified["verified_at"]
    assert abs(verified["verified_at"] - datetime.now(UTC).timestamp()) < 60
    assert _value(samples, "portal_audit_last_verify_intact") == 1


def test_only_allow_listed_addresses_may_scrape_and_the_portal_serves_no_metrics(app):
    assert _scrape(app, "10.20.30.40").status_code == 403
    assert _scrape(app, "192.0.2.1").status_code == 403
    assert _scrape(app, "::1").status_code == 200
    assert _scrape(app, "127.0.0.1", "/").status_code == 404
    app.config["METRICS_ALLOW"] = "10.20.30.0/24"
    assert _scrape(app, "10.20.30.40").status_code == 200 and _scrape(app, "127.0.0.1").status_code == 403
    assert app.test_client().get("/metrics").status_code == 404  # never through the portal (or nginx)


def test_without_a_database_the_scrape_still_answers_and_says_so(app):
    app.config["AUDIT_VERIFY_STATE"] = None
    from portal.storage.db import EXTENSION_KEY

    app.extensions[EXTENSION_KEY].kw["bind"].dispose()
    original = app.extensions[EXTENSION_KEY]
    app.extensions[EXTENSION_KEY] = lambda: (_ for _ in ()).throw(OSError("database gone"))
    try:
        samples = _samples(_scrape(app).get_data(as_text=True))
    finally:
        app.extensions[EXTENSION_KEY] = original
    assert _value(samples, "portal_database_up") == 0
    assert not any(name.startswith("portal_outbox") for name, _labels in samples)
    assert not any(name.startswith("portal_audit_last") for name, _labels in samples)  # never verified: absent


COUNT_IN_A_WORKER = """
from portal.observability.metrics import observe_request
for _ in range({n}):
    observe_request("/cases/<uuid:case_id>", "GET", 200, 0.02)
"""


def test_counts_from_several_processes_of_several_app_servers_add_up(tmp_path: Path):
    """As under gunicorn: each worker writes its own file, each app server has its own folder."""
    for server, counts in (("app-1", (2, 3)), ("app-2", (5,))):
        folder = tmp_path / server
        folder.mkdir()
        for n in counts:
            environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder), "PYTHONPATH": str(PROJECT_ROOT)}
            subprocess.run(
                [sys.executable, "-c", COUNT_IN_A_WORKER.format(n=n)], env=environment, check=True, timeout=60
            )
    assert len(list(tmp_path.glob("*/*.db"))) >= 3  # one counter and one histogram file per process
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in FolderCollector(str(tmp_path)).collect()
        for sample in family.samples
    }
    route = (("method", "GET"), ("route", "/cases/<uuid:case_id>"), ("status", "200"))
    assert samples[("portal_http_requests_total", route)] == 10
    assert samples[("portal_http_request_duration_seconds_count", route[:2])] == 10
    assert samples[("portal_http_request_duration_seconds_bucket", tuple(sorted((*route[:2], ("le", "0.025")))))] == 10


def test_every_metric_an_alert_rule_names_is_one_the_exporter_serves(app, tmp_path):
    app.config["AUDIT_VERIFY_STATE"] = str(tmp_path / "audit-verified.json")
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
    assert app.test_client().get("/sign-in").status_code == 200
    served = {sample.name for family in text_string_to_metric_families(_scrape(app).get_data(as_text=True))
              for sample in family.samples}  # fmt: skip
    rules = (PROJECT_ROOT / "deploy" / "alerts.yml").read_text()
    named = set(re.findall(r"\b(portal_[a-z_]+)", rules))
    assert len(named) >= 8 and named <= served, named - served
    for alert in ("PortalOutboxStuck", "PortalAuditChainNotVerified", "PortalErrorRate"):
        assert f"alert: {alert}" in rules
