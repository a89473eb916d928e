"""Latency of each signed-in page at the size of a real service (a benchmark, not a test).

Seed a database first, then point this at it with the same settings the app uses:

    export PORTAL_ENV=development PORTAL_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench
    export PORTAL_KEYS_FILE=/tmp/bench/keys.json
    .venv/bin/flask --app wsgi db upgrade && .venv/bin/flask --app wsgi bench seed
    .venv/bin/python bench/page_latency.py [--runs 40] [--only case] [--profile] [--sort tottime]

Each page is requested in turn through the app (Flask's test client: the whole request, the
session check, the queries, sealing and the template, without the network), and the p50 and
p95 in milliseconds printed (after three requests to warm up), with the queries each request
ran and the size of its HTML. `--only` keeps the pages whose label holds the word; `--profile`
prints cProfile's top functions for each page kept.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

import pyotp
from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal import create_app
from portal.cli import seeding
from portal.config import load_config
from portal.runtime import unit_of_work
from portal.services import reports
from portal.storage import models
from portal.storage.db import EXTENSION_KEY

WARM_UP = 3
# The report is remembered while nothing it counts changes; these rows keep no entries, so each
# request computes it, as the first view after a change does.
COMPUTED = "report computed, "


def sign_in(client, email: str, staff: bool):
    from tests.helpers import Browser  # the test helper that sends a form's hidden fields

    browser = Browser(client)
    browser.submit("/sign-in", {"email": email, "password": seeding.PASSWORD})
    if staff:
        browser.submit("/sign-in/code", {"code": pyotp.TOTP(seeding.TOTP_SECRET).now()})
    return browser


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--only", help="only the pages whose label holds this")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    runs = args.runs
    config = load_config()
    config["RATELIMIT_ENABLED"] = False
    app = create_app(config)
    engine = app.extensions[EXTENSION_KEY].kw["bind"]
    queries = [0]
    event.listen(engine, "before_cursor_execute", lambda *args: queries.__setitem__(0, queries[0] + 1))
    with app.app_context():
        session = unit_of_work().session
        big = session.scalars(
            select(models.Participant.case_id).join(models.User).where(models.User.role == "participant").limit(1)
        ).one()
        session.rollback()
    pages = {
        "facilitator1@bench.example": [
            ("case list, about 40 cases", "/cases/"),
            ("review queue", "/review"),
            ("case page, 2,000 items", f"/cases/{big}"),
            ("case timeline", f"/cases/{big}/timeline"),
            ("assessments", f"/cases/{big}/assessments/"),
            ("contact log", f"/cases/{big}/contacts"),
        ],
        "facilitator2@bench.example": [
            ("case list, 2,000 cases", "/cases/"),
            ("  overdue, soonest due first", "/cases/?overdue=y&sort=due"),
            ("  found by its reference", "/cases/?reference=cr%2000002%2026"),
            ("my week, 2,000 cases", "/my-week"),
        ],
        "manager@bench.example": [
            ("manager's case list", "/cases/"),
            ("workload", "/workload"),
            # First, while the memo is empty: with no entries kept, each request computes it.
            (COMPUTED + "this quarter", "/reports"),
            (COMPUTED + "five years", "/reports?start=2022-04-01&end=2027-03-31"),
            ("report, this quarter", "/reports"),
            ("report, five years", "/reports?start=2022-04-01&end=2027-03-31"),
        ],
        "harmed@bench.example": [("participant inbox, 2,000 items", f"/cases/{big}/inbox")],
    }
    remembered = reports.MEMO_ENTRIES
    if args.only and not any(args.only in label for wanted in pages.values() for label, _ in wanted):
        raise SystemExit(f"no page's label holds {args.only!r}")
    print(f"{'page':34} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'KB':>6}")
    for email, wanted in pages.items():
        wanted = [(label, path) for label, path in wanted if not args.only or args.only in label]
        if not wanted:
            continue
        client = app.test_client()
        # The manager signs in with a code too; a code works once, so wait for the next step.
        time.sleep(max(0.0, 30 - time.time() % 30) if email != "facilitator1@bench.example" else 0)
        sign_in(client, email, staff="bench.example" in email and not email.startswith(("harmed", "responsible")))
        for label, path in wanted:
            reports.MEMO_ENTRIES = 0 if label.startswith(COMPUTED) else remembered
            for _ in range(WARM_UP):  # steady state: the page's rows in the database's cache
                client.get(path)
            timings = []
            for _ in range(runs):
                queries[0] = 0
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            size = len(response.get_data()) / 1024
            print(f"{label:34} {statistics.median(timings):8.1f} {p95:8.1f} {queries[0]:8d} {size:6.0f}")
            if args.profile:
                profile = cProfile.Profile()
                profile.enable()
                for _ in range(runs):
                    client.get(path)
                profile.disable()
                pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
