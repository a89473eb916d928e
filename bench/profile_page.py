"""Where one signed-in page spends its time, in-process (a profile, not a timed test).

Builds a fresh SQLite database with the demo data in a temporary folder, signs in as a demo
participant, requests their inbox (or PATH) a number of times and prints the time per request and
cProfile's top functions by cumulative time.

    .venv/bin/python bench/profile_page.py [--runs 200] [--top 40]
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="profile-page-"))
    os.environ.update(
        PORTAL_ENV="development",
        PORTAL_DATABASE_URL=f"sqlite:///{folder / 'portal.db'}",
        PORTAL_KEYS_FILE=str(folder / "keys.json"),
    )
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
    for command in (["keys", "init"], ["db", "upgrade"], ["demo", "load"]):
        subprocess.run([*flask, *command], cwd=ROOT, check=True, capture_output=True)  # noqa: S603 - the portal's own commands
    from portal.services.demo import PASSWORD
    from wsgi import app

    logging.disable(logging.CRITICAL)
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token
    client.post("/sign-in", data={"csrf_token": token.group(1), "email": "harmed@demo.example", "password": PASSWORD})
    url = client.get("/", follow_redirects=True).request.path
    for _ in range(50):
        client.get(url)
    start = time.perf_counter()
    for _ in range(args.runs):
        client.get(url)
    print(f"{url}: {(time.perf_counter() - start) / args.runs * 1000:.2f} ms a request ({args.runs} requests)")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.runs):
        client.get(url)
    profile.disable()
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
