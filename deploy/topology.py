"""The production topology on this machine, on loopback ports, with a journey through it (`make topology`).

nginx (Debian's package; installed when missing and this user is root) terminates TLS with a
self-signed certificate made here and spreads requests over two gunicorn app servers, beside
the worker and the metrics exporter, on PostgreSQL (a throwaway database) and Redis, all under
production settings (PORTAL_ENV=production). A facilitator, made with `flask users
create-staff` as a real service would, signs in over HTTPS (password, then enrolling an
authenticator), opens pages and posts forms with their CSRF tokens; one app server is killed
(SIGKILL, every process of it) in the middle, while pages are being loaded, and the journey goes
on: still signed in, nothing lost, nothing answered with an error. The security headers and
cookie flags are checked as the browser receives them, through the proxy. Then everything is
stopped and the database dropped. Not part of `make test`: it needs root or a running nginx
binary, PostgreSQL and Redis, and takes about a minute.

    .venv/bin/python deploy/topology.py [--keep]
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyotp

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))

from portal.web.security import CSP  # noqa: E402

HTTPS_PORT, HTTP_PORT = 18443, 18080
APP_PORTS = (18101, 18102)
METRICS_PORT = 19108
ORIGIN = f"https://127.0.0.1:{HTTPS_PORT}"
DATABASE = "topology"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"
REDIS_DB = 13  # a Redis database of its own for the rate limits, emptied before and after
FACILITATOR = ("Topology Facilitator", "facilitator@topology.example")
PASSWORD = "a long passphrase for the topology run"  # noqa: S105 - a throwaway account's
SESSION_COOKIE = "__Host-rx_session"


class Failed(Exception):
    """A check did not hold: the message says which."""


def check(condition: object, message: str) -> None:
    if not condition:
        raise Failed(message)
    print(f"  ok  {message}")


# --- the machine's services ------------------------------------------------------------------


def ensure_nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit("make topology needs nginx: run 'sudo apt-get install nginx-light' (or nginx), then again.")
    print("Installing Debian's nginx...")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "nginx"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        stdout=subprocess.DEVNULL,
    )
    # Debian's package starts its own nginx on port 80; this run needs only the binary.
    subprocess.run(["service", "nginx", "stop"], check=False, capture_output=True)
    return "/usr/sbin/nginx"


def ensure_postgres_and_redis() -> None:
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode != 0:
        versions = os.listdir("/etc/postgresql") if Path("/etc/postgresql").exists() else []
        if not versions or not shutil.which("pg_ctlcluster"):
            raise SystemExit("make topology needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust).")
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[0], "main", "start"], check=True)
        for _ in range(30):
            if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode == 0:
                break
            time.sleep(1)
    if subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], check=False, capture_output=True).returncode != 0:
        subprocess.run(
            ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379", "--save", ""], check=True
        )
        time.sleep(1)


def ports_free() -> None:
    import socket

    for port in (HTTPS_PORT, HTTP_PORT, *APP_PORTS, METRICS_PORT):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise SystemExit(f"port {port} on 127.0.0.1 is in use: stop what holds it, then run again")


def make_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "portal.crt", folder / "portal.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    key.chmod(0o600)
    return cert, key


def render_nginx(folder: Path, cert: Path, key: Path) -> Path:
    """deploy/nginx/restorative-exchange.conf with this run's ports and files, inside a main nginx.conf."""
    servers = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in APP_PORTS)
    markers = {
        "@SERVER_NAME@": "127.0.0.1 localhost",
        "@PUBLIC_ORIGIN@": ORIGIN,
        "@HTTPS_LISTEN@": f"127.0.0.1:{HTTPS_PORT}",
        "@HTTP_LISTEN@": f"127.0.0.1:{HTTP_PORT}",
        "@APP_SERVERS@": servers,
        "@CERT@": str(cert),
        "@KEY@": str(key),
        "@ACCESS_LOG@": str(folder / "nginx-access.log"),
        "@ERROR_LOG@": str(folder / "nginx-error.log"),
    }
    lines = []
    for line in (ROOT / "deploy" / "nginx" / "restorative-exchange.conf").read_text().splitlines():
        if not line.lstrip().startswith("#"):  # the comments name the markers; leave them be
            for marker, value in markers.items():
                line = line.replace(marker, value)
            if re.search(r"@[A-Z_]+@", line):
                raise SystemExit(
                    f"deploy/nginx/restorative-exchange.conf has a marker this script does not fill: {line}"
                )
        lines.append(line)
    site = "\n".join(lines) + "\n"
    (folder / "restorative-exchange.conf").write_text(site)
    temp = folder / "nginx-temp"
    temp.mkdir()
    user = ""
    if os.geteuid() == 0:  # nginx's workers drop to www-data, which must reach its temporary files
        user = "user www-data;"
        shutil.chown(temp, "www-data")
        folder.chmod(0o711)
    main = f"""
{user}
worker_processes 2;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/restorative-exchange.conf;
}}
"""
    conf = folder / "nginx.conf"
    conf.write_text(main)
    return conf


# --- the portal's processes --------------------------------------------------------------------


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def kill_all(self) -> None:
        """Every process of it at once (the master and its workers), as a machine that dies."""
        os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)


@dataclass
class Topology:
    folder: Path
    env: dict[str, str]
    nginx: str
    processes: dict[str, Process] = field(default_factory=dict)

    def start(self, name: str, command: list[str], env: dict[str, str] | None = None) -> Process:
        log = self.folder / f"{name}.log"
        popen = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env or self.env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process = self.processes[name] = Process(name, popen, log)
        return process

    def start_app(self, index: int) -> Process:
        port = APP_PORTS[index]
        env = {**self.env, "PROMETHEUS_MULTIPROC_DIR": str(self.folder / "metrics" / f"app-{index + 1}")}
        command = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "--workers", "2"]
        process = self.start(f"app-{index + 1}", [*command, "--bind", f"127.0.0.1:{port}", "wsgi:app"], env)
        wait_for(f"http://127.0.0.1:{port}/healthz", f"app server {index + 1}")
        return process

    def flask(self, *args: str) -> str:
        command = [str(BIN / "flask"), "--app", "wsgi", *args]
        done = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise Failed(f"flask {' '.join(args[:2])} failed: {done.stderr.strip().splitlines()[-1:]}")
        return done.stdout.strip()

    def stop_all(self) -> None:
        for process in reversed(list(self.processes.values())):
            process.stop()


def wait_for(url: str, what: str, context: ssl.SSLContext | None = None, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as answer:
                if answer.status == 200:
                    return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
    raise Failed(f"{what} did not answer at {url} within {seconds:.0f} s")


# --- a person in a browser -------------------------------------------------------------------------


class _Forms(HTMLParser):
    """Each form's hidden fields, by the path it posts to."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "form" and named.get("method", "get").lower() == "post":
            self._current = self.forms.setdefault(urllib.parse.urlsplit(named.get("action") or self.page_path).path, {})
        elif tag == "input" and self._current is not None and named.get("type") == "hidden":
            self._current[named.get("name", "")] = named.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str
    path: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Visitor:
    """A browser over HTTPS through nginx: the certificate checked, cookies kept, redirects seen."""

    def __init__(self, context: ssl.SSLContext):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context), urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.pages: dict[str, str] = {}
        self.request_ids: list[str] = []

    def _open(self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
        request = urllib.request.Request(ORIGIN + path, data=data, headers=headers or {})
        request.add_header("Sec-Fetch-Site", "same-origin")
        try:
            answer = self.opener.open(request, timeout=20)
        except urllib.error.HTTPError as error:  # 3xx (not followed) and 4xx/5xx alike
            answer = error
        with answer:
            result = Answer(answer.status, answer.headers, answer.read().decode(), path)
        self.request_ids.append(result.headers.get("X-Request-ID", ""))
        if result.status >= 500:
            raise Failed(f"{path} answered {result.status}")
        return result

    def get(self, path: str) -> Answer:
        answer = self._open(path)
        self.pages[path] = answer.body
        return answer

    def post(self, path: str, fields: dict[str, str], *, from_page: str) -> Answer:
        """POST the form on `from_page` that goes to `path`, with its hidden fields (CSRF token, once-only key)."""
        forms = _Forms(from_page)
        forms.feed(self.pages[from_page])
        hidden = forms.forms.get(path)
        if hidden is None or "csrf_token" not in hidden:
            raise Failed(f"{from_page} has no form posting to {path} with a CSRF token")
        return self._open(path, urllib.parse.urlencode({**hidden, **fields}).encode())

    def follow(self, answer: Answer) -> Answer:
        if answer.status not in (301, 302, 303):
            raise Failed(f"{answer.path} answered {answer.status}, not a redirect")
        return self.get(urllib.parse.urlsplit(answer.location).path)


def cookie_flags(answer: Answer) -> dict[str, set[str]]:
    """Each Set-Cookie of an answer: its name and its attributes, as the browser reads them."""
    cookies = {}
    for header in answer.headers.get_all("Set-Cookie") or []:
        name, *parts = (part.strip() for part in header.split(";"))
        attributes = set()
        for part in (part.lower() for part in parts):
            key = part.split("=", 1)[0]
            attributes.add(key)
            if key in ("samesite", "path"):
                attributes.add(part)  # with its value: samesite=lax, path=/
        cookies[name.split("=", 1)[0]] = attributes
    return cookies


def check_headers(answer: Answer, what: str) -> None:
    headers = answer.headers
    check(headers.get("Content-Security-Policy") == CSP, f"{what}: Content-Security-Policy is the app's strict policy")
    hsts = re.fullmatch(r"max-age=(\d+); includeSubDomains", headers.get("Strict-Transport-Security", ""))
    check(hsts and int(hsts.group(1)) >= 31536000, f"{what}: HSTS max-age={hsts.group(1) if hsts else '?'}")
    check(headers.get("X-Content-Type-Options") == "nosniff", f"{what}: X-Content-Type-Options nosniff")
    check(headers.get("Referrer-Policy") == "no-referrer", f"{what}: Referrer-Policy no-referrer")
    check(headers.get("Cache-Control") == "no-store", f"{what}: Cache-Control no-store")
    check(re.fullmatch(r"[0-9a-f]{32}", headers.get("X-Request-ID", "")), f"{what}: X-Request-ID from nginx")
    check("nginx/" not in headers.get("Server", ""), f"{what}: nginx does not name its version")


def check_session_cookie(answer: Answer, what: str) -> None:
    flags = cookie_flags(answer)
    check(SESSION_COOKIE in flags, f"{what}: sets the session cookie {SESSION_COOKIE}")
    attributes = flags[SESSION_COOKIE]
    check(
        {"secure", "httponly", "samesite=lax", "path=/"} <= attributes,
        f"{what}: Secure, HttpOnly, SameSite=Lax, Path=/",
    )
    check("domain" not in attributes, f"{what}: no Domain (host-only, as __Host- requires)")
    for name, others in flags.items():
        check(
            {"secure", "httponly"} <= others and any(a.startswith("samesite") for a in others),
            f"{what}: {name} Secure, HttpOnly, SameSite",
        )


class SecondTab:
    """The same person in a second tab, loading the case page again and again until told to stop."""

    def __init__(self, person: Visitor, path: str):
        self.reader = Visitor.__new__(Visitor)
        self.reader.jar, self.reader.opener = person.jar, person.opener  # the same cookies
        self.reader.pages, self.reader.request_ids = {}, []
        self.path = path
        self.stop = threading.Event()
        self.answers: Counter[int] = Counter()
        self.errors = 0

    def run(self) -> None:
        deadline = time.monotonic() + 30  # bounded, whatever happens
        while not self.stop.is_set() and time.monotonic() < deadline:
            try:
                self.answers[self.reader.get(self.path).status] += 1
            except (Failed, OSError):
                self.errors += 1


# --- the journey --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Journey:
    case_path: str
    request_ids: list[str]


def access_log(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / "nginx-access.log").read_text().splitlines() if line.strip()]


def logged(folder: Path, request_ids: list[str]) -> list[dict[str, Any]]:
    """The access log once it holds these requests: nginx writes a line just after the answer."""
    deadline = time.monotonic() + 5
    while True:
        log = access_log(folder)
        if set(request_ids) <= {entry["request_id"] for entry in log} or time.monotonic() > deadline:
            return log
        time.sleep(0.05)


def served_by(folder: Path, request_ids: list[str]) -> Counter[str]:
    logged(folder, request_ids)
    by_id = {entry["request_id"]: str(entry["upstream"]).split(", ")[-1] for entry in access_log(folder)}
    return Counter(by_id.get(request_id, "?") for request_id in request_ids)


def walk(top: Topology, context: ssl.SSLContext) -> Journey:
    folder = top.folder

    print("Plain HTTP is sent to HTTPS")
    plain = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=5)
    plain.request("GET", "/sign-in")
    redirect = plain.getresponse()
    check(
        redirect.status == 301 and redirect.getheader("Location") == f"{ORIGIN}/sign-in",
        f"http://…/sign-in → 301 {redirect.getheader('Location')}",
    )
    plain.close()

    print("Signing in through nginx over HTTPS, as a facilitator made with `flask users create-staff`")
    person = Visitor(context)
    first = person.get("/sign-in")
    check(first.status == 200, "GET /sign-in 200")
    check_headers(first, "sign-in page")
    check_session_cookie(first, "sign-in page")
    chosen = "chosen-by-the-client-0001"
    spoofed = person._open("/sign-in", headers={"X-Request-ID": chosen}).headers.get("X-Request-ID", "")
    check(re.fullmatch(r"[0-9a-f]{32}", spoofed), f"a client's own X-Request-ID is replaced by nginx's ({spoofed})")
    answer = person.post("/sign-in", {"email": FACILITATOR[1], "password": PASSWORD}, from_page="/sign-in")
    check(
        answer.status == 302 and answer.location.endswith("/sign-in/set-up-authenticator"),
        "password accepted: on to set up an authenticator",
    )
    enrol = person.follow(answer)
    shown = re.search(r'<code id="totp-key">([A-Z2-7 ]+)</code>', enrol.body)
    check(shown, "the enrolment page shows the key to type into an authenticator app")
    code = pyotp.TOTP((shown.group(1) if shown else "").replace(" ", "")).now()
    answer = person.post("/sign-in/set-up-authenticator", {"code": code}, from_page=enrol.path)
    check(answer.status == 302, "authenticator code accepted: signed in")
    check_session_cookie(answer, "signing in")
    home = person.follow(answer)
    cases = home if home.path == "/cases/" else person.get("/cases/")
    check(cases.status == 200 and "Sign out" in cases.body, "the case list, signed in")
    check_headers(cases, "case list")

    print("Opening a case and adding people (forms with CSRF tokens)")
    new = person.get("/cases/new")
    opened = person.post(
        "/cases/new",
        {
            "reference": "TOPO/0001",
            "offence_type": "Burglary",
            "source": "police",
            "referred_on": "2026-11-02",
            "offence_on": "",
            "risk_level": "low",
        },
        from_page="/cases/new",
    )
    check(new.status == 200 and opened.status == 302, f"POST /cases/new → {opened.status}")
    case_path = urllib.parse.urlsplit(opened.location).path
    check(re.fullmatch(r"/cases/[0-9a-f-]{36}", case_path), f"the new case is at {case_path}")
    person.get(case_path)
    people_path = f"{case_path}/participants/new"
    added: list[str] = []

    def add_person(name: str, side: str) -> None:
        person.get(people_path)
        fields = {
            "name": name,
            "side": side,
            "role": "principal",
            "relationship": "",
            "display_name": "",
            "taking_part": "offline",
            "sensitive_terms": "",
        }
        answer = person.post(people_path, fields, from_page=people_path)
        check(answer.status == 302, f"added {name} ({side}): {answer.status}")
        added.append(name)

    add_person("Ada Before", "harmed")
    check("Ada Before" in person.get(case_path).body, "the case page shows the person added")
    before = served_by(folder, person.request_ids)
    check(len(before) == 2, f"requests so far were shared by both app servers: {dict(before)}")

    print("Killing app server 1 (SIGKILL to every process of it) while pages are loading")
    loading = SecondTab(person, case_path)
    tab = threading.Thread(target=loading.run, daemon=True)
    tab.start()
    time.sleep(1.0)
    top.processes["app-1"].kill_all()
    killed_at = time.monotonic()
    check(top.processes["app-1"].popen.poll() is not None, "app server 1 is gone")
    time.sleep(1.5)

    print("The journey goes on")
    after = person.get("/cases/")
    check(
        after.status == 200 and "Sign out" in after.body,
        "still signed in: the case list answers 200, not the sign-in page",
    )
    add_person("Bo After", "responsible")
    add_person("Cy After", "harmed")
    page = person.get(case_path)
    for name in added:
        check(name in page.body, f"{name} is on the case page")
    check(f'href="{case_path}"' in person.get("/cases/").body, "the case opened before the kill is in the list")
    loading.stop.set()
    tab.join(timeout=30)
    answers = loading.answers
    loads = sum(answers.values())
    outcome = f"{dict(answers)}, {loading.errors} errors"
    check(
        loads > 10 and set(answers) == {200} and not loading.errors,
        f"a second tab's {loads} loads across the kill: {outcome}",
    )

    print("Restarting app server 1: nginx sends it requests again")
    top.start_app(0)
    deadline = time.monotonic() + 20
    ids_from = len(person.request_ids)
    while time.monotonic() < deadline:
        person.get("/cases/")
        if served_by(folder, person.request_ids[ids_from:]).get(f"127.0.0.1:{APP_PORTS[0]}"):
            break
        time.sleep(0.5)
    back = served_by(folder, person.request_ids[ids_from:])
    check(
        back.get(f"127.0.0.1:{APP_PORTS[0]}"),
        f"app server 1 answers again {time.monotonic() - killed_at:.0f} s after the kill: {dict(back)}",
    )
    person.get("/cases/")
    signed_out = person.post("/sign-out", {}, from_page="/cases/")
    check(signed_out.status == 302 and person.follow(signed_out).path == "/sign-in", "signed out")
    check(person.get("/cases/").status == 302, "after signing out the case list sends the person to sign in")
    return Journey(case_path, person.request_ids)


def verify(top: Topology, journey: Journey, context: ssl.SSLContext) -> None:
    folder = top.folder
    print("Nothing lost, nothing broken")
    log = logged(folder, journey.request_ids)
    statuses = Counter(int(entry["status"]) for entry in log)
    check(
        not [s for s in statuses if s >= 500],
        f"nginx answered no 5xx in {len(log)} requests: {dict(sorted(statuses.items()))}",
    )
    retried = [entry for entry in log if ", " in str(entry["upstream"])]
    check(retried, f"{len(retried)} requests were passed to the other app server when the first refused them:")
    for entry in retried:
        shown = {key: entry[key] for key in ("request_id", "method", "status", "upstream", "upstream_status")}
        print(f"      nginx: {json.dumps(shown)}")
    check("intact" in top.flask("audit", "verify"), "flask audit verify: the audit trail is intact")

    print("Logs: one JSON event per line, joined by the request id, no URLs")
    lines = [
        line for name in ("app-1", "app-2", "worker") for line in (folder / f"{name}.log").read_text().splitlines()
    ]
    events = []
    for line in lines:
        try:
            events.append(json.loads(line))
        except ValueError:
            raise Failed(f"a log line is not JSON: {line[:120]}") from None
    check(events, f"{len(events)} log lines from the app servers and the worker, every one JSON")
    check(any(event.get("msg", "").startswith("worker started") for event in events), "the worker logged its start")
    check(any(event.get("logger") == "gunicorn.error" for event in events), "gunicorn's own lines are JSON too")
    requests = [event for event in events if event.get("event") == "request"]
    journey_ids = set(journey.request_ids)
    logged_ids = {event["request_id"] for event in requests}
    nginx_ids = {entry["request_id"] for entry in log}
    missing_app, missing_nginx = journey_ids - logged_ids, journey_ids - nginx_ids
    check(
        not missing_app and not missing_nginx,
        f"each of the journey's {len(journey_ids)} request ids is in nginx's log and the app's"
        f" (missing: {sorted(missing_app)[:3]} {sorted(missing_nginx)[:3]})",
    )
    text = "\n".join(lines) + (folder / "nginx-access.log").read_text() + (folder / "nginx-error.log").read_text()
    for secret in (*FACILITATOR, PASSWORD, "TOPO/0001", "Ada Before", journey.case_path.rsplit("/", 1)[1]):
        check(secret not in text, f"no log holds {secret!r}")
    routes = Counter(event["route"] for event in requests)
    check(
        routes.get("/cases/<uuid:case_id>"),
        f"routes are templates: /cases/<uuid:case_id> x {routes.get('/cases/<uuid:case_id>')}",
    )

    print("Metrics: from the exporter's own port, never through nginx")
    with urllib.request.urlopen(f"http://127.0.0.1:{METRICS_PORT}/metrics", timeout=10) as answer:
        scraped = answer.read().decode()
    total = sum(
        float(value) for value in re.findall(r"^portal_http_requests_total\{[^}]*\} (\S+)$", scraped, re.MULTILINE)
    )
    case_views = sum(
        float(v)
        for v in re.findall(
            r'^portal_http_requests_total\{method="GET",route="/cases/<uuid:case_id>",status="200"\} (\S+)$',
            scraped,
            re.MULTILINE,
        )
    )
    check(
        total > 0 and case_views > 0,
        f"portal_http_requests_total adds up both app servers' workers: {total:.0f} requests, {case_views:.0f} of them"
        " case pages (app server 1 counts from its restart)",
    )
    for name in (
        "portal_outbox_messages",
        "portal_items_waiting",
        "portal_audit_head_age_seconds",
        "portal_audit_last_verified_timestamp_seconds",
    ):
        check(re.search(rf"^{name}[{{ ]", scraped, re.MULTILINE), f"{name} is reported")
    check(re.search(r"^portal_database_up 1\.0$", scraped, re.MULTILINE), "portal_database_up 1")
    blocked = Visitor(context)._open("/metrics")
    check(blocked.status == 404, "https://…/metrics through nginx: 404")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (logs, config) afterwards")
    options = parser.parse_args()
    nginx = ensure_nginx()
    ensure_postgres_and_redis()
    ports_free()
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="topology-"))
    (folder / "metrics").mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "PROMETHEUS_"))},
        "PORTAL_ENV": "production",
        "PORTAL_DATABASE_URL": f"{POSTGRES}/{DATABASE}",
        "PORTAL_SECRET_KEY": secrets.token_urlsafe(48),
        "PORTAL_KEYS_FILE": str(folder / "keys.json"),
        "PORTAL_RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "PORTAL_BASE_URL": ORIGIN,
        "PORTAL_TRUSTED_PROXIES": "1",
        "PORTAL_MAIL_TRANSPORT": "none",
        "PORTAL_METRICS_DIR": str(folder / "metrics"),
        "PORTAL_METRICS_BIND": f"127.0.0.1:{METRICS_PORT}",
        "PORTAL_AUDIT_VERIFY_STATE": str(folder / "audit-verified.json"),
        "PORTAL_AUDIT_ANCHOR_FILE": str(folder / "audit-anchor.jsonl"),
    }
    top = Topology(folder, env, nginx)
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c"]
    quiet = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning"}
    redis = ["redis-cli", "-h", "127.0.0.1", "-n", str(REDIS_DB), "flushdb"]
    ok = False
    try:
        print(f"Topology in {folder}: nginx {ORIGIN} (and HTTP :{HTTP_PORT}) → app servers :{APP_PORTS[0]} and")
        print(f"  :{APP_PORTS[1]} (gunicorn, 2 workers each), the worker, the exporter :{METRICS_PORT};")
        print(f"  PostgreSQL database {DATABASE}, Redis database {REDIS_DB}; PORTAL_ENV=production")
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DATABASE}"], check=True, env=quiet)
        subprocess.run([*psql, f"CREATE DATABASE {DATABASE}"], check=True, env=quiet)
        subprocess.run(redis, check=True, capture_output=True)
        cert, key = make_certificate(folder)
        conf = render_nginx(folder, cert, key)
        top.flask("keys", "init")
        top.flask("db", "upgrade")
        refused = subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", "demo", "load"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        check(
            refused.returncode != 0 and "never loaded under production" in refused.stderr,
            "production settings refuse the demo data",
        )
        top.flask(
            "users",
            "create-staff",
            "--role",
            "facilitator",
            "--name",
            FACILITATOR[0],
            "--email",
            FACILITATOR[1],
            "--password",
            PASSWORD,
        )
        tested = subprocess.run([nginx, "-t", "-q", "-c", str(conf), "-p", str(folder)], capture_output=True, text=True)
        check(tested.returncode == 0, f"nginx -t accepts deploy/nginx/restorative-exchange.conf{tested.stderr.strip()}")
        for index in range(len(APP_PORTS)):
            top.start_app(index)
        top.start("worker", [str(BIN / "flask"), "--app", "wsgi", "worker", "run", "--interval", "5"])
        top.start("metrics", [str(BIN / "flask"), "--app", "wsgi", "metrics", "serve"])
        top.start("nginx", [nginx, "-c", str(conf), "-p", str(folder)])
        context = ssl.create_default_context(cafile=str(cert))
        wait_for(f"{ORIGIN}/healthz", "nginx", context)
        wait_for(f"http://127.0.0.1:{METRICS_PORT}/metrics", "the metrics exporter")
        check(True, f"all up in {time.monotonic() - started:.1f} s: the certificate is checked by every request below")
        verify(top, walk(top, context), context)
        ok = True
    except Failed as failure:
        print(f"FAILED: {failure}")
        for name in ("app-1", "app-2", "nginx-error"):
            log = folder / f"{name}.log"
            if log.exists():
                print(f"--- last lines of {log.name}:\n" + "\n".join(log.read_text().splitlines()[-5:]))
    finally:
        top.stop_all()
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DATABASE}"], check=False, env=quiet)
        subprocess.run(redis, check=False, capture_output=True)
        left = [p.name for p in top.processes.values() if p.popen.poll() is None]
        still = f" (still running: {', '.join(left)})" if left else ""
        print(f"Stopped nginx, both app servers, the worker and the exporter{still}; dropped the database {DATABASE}")
        if options.keep:
            print(f"Kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    if not ok:
        raise SystemExit(1)
    print(f"make topology: every check passed in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
