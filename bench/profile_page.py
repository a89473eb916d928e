"""Where signed-in pages spend their time, in-process (a profile, not a timed test).

Builds a fresh SQLite database with the demo data in a temporary folder, signs in as a demo
person, requests each page a number of times and prints the time per request (and the CPU time,
steadier on a shared machine); with --profile,
cProfile's top functions for the first page (sorted by --sort).

    .venv/bin/python bench/profile_page.py [--runs 200] [--as harmed|facilitator|manager]
        [--path /cases/ ...] [--profile] [--sort cumulative|tottime] [--top 40]
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

EMAILS = {"harmed": "harmed@demo.example", "facilitator": "facilitator@demo.example", "manager": "manager@demo.example"}


def _form_token(page: str) -> str:
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no CSRF token on the page"
    return token.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--as", dest="person", choices=sorted(EMAILS), default="harmed")
    parser.add_argument("--path", action="append", help="pages to time (default: where the person lands)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="profile-page-"))
    os.environ.update(
        PORTAL_ENV="development",
        PORTAL_DATABASE_URL=f"sqlite:///{folder / 'portal.db'}",
        PORTAL_KEYS_FILE=str(folder / "keys.json"),
        PORTAL_MAIL_TRANSPORT="none",
    )
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
    for command in (["keys", "init"], ["db", "upgrade"], ["demo", "load"]):
        subprocess.run([*flask, *command], cwd=ROOT, check=True, capture_output=True)  # noqa: S603 - the portal's own commands
    import pyotp

    from portal.services.demo import FACILITATOR_TOTP_SECRET, PASSWORD
    from wsgi import app

    if not os.environ.get("PROFILE_LOGS"):
        logging.disable(logging.CRITICAL)
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    client.post("/sign-in", data={"csrf_token": _form_token(page), "email": EMAILS[args.person], "password": PASSWORD})
    if args.person != "harmed":
        page = client.get("/sign-in/code").get_data(as_text=True)
        code = pyotp.TOTP(FACILITATOR_TOTP_SECRET).now()
        client.post("/sign-in/code", data={"csrf_token": _form_token(page), "code": code})
    landing = client.get("/", follow_redirects=True).request.path
    paths = [path.replace("{landing}", landing) for path in (args.path or [landing])]
    if any("{case}" in path for path in paths):
        case = re.search(r'href="/cases/([0-9a-f-]{36})"', client.get("/cases/").get_data(as_text=True))
        assert case, "no case on the case list"
        paths = [path.replace("{case}", case.group(1)) for path in paths]
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 204), f"{path} answered {response.status_code}"
        for _ in range(20):
            client.get(path)
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.runs):
            client.get(path)
        elapsed, used = (time.perf_counter() - start) / args.runs * 1000, (time.process_time() - cpu) / args.runs * 1000
        print(f"{path}: {elapsed:.2f} ms a request, {used:.2f} ms of CPU ({args.runs} requests)")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.runs):
            client.get(paths[0])
        profile.disable()
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
