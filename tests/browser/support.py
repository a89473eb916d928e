"""Shared pieces of the browser tests: Chromium, the live server, axe, CSP watching, screenshots.

Kept out of conftest.py so the tests can import them; the per-run axe tally lives here too and
conftest.py prints it at the end of the run.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Locator, Page, expect
from werkzeug.serving import WSGIRequestHandler, make_server

from portal import create_app
from portal.storage.db import EXTENSION_KEY

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"

# Debian's Chromium, never a downloaded one. The wrapper script prints a harmless shell warning,
# so the binary itself is preferred when it is there.
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
# Without these, Chromium stalls on this machine's closed network (see /work/shared/browser-testing.md).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_CHROMIUM = (
    "Chromium is not installed, so the browser tests cannot run. Run .ci/run (it installs it), or: "
    "apt-get update && apt-get install -y --no-install-recommends chromium chromium-driver"
)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
CSP_WORDS = re.compile(r"Content Security Policy|Refused to", re.IGNORECASE)


def chromium_path() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@dataclass
class AxeTally:
    """Every page axe checked in this run, and every violation it found."""

    pages: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)


TALLY = AxeTally()
AXE_SCRIPT = Axe().axe_script  # axe-core as shipped inside axe-playwright-python


@dataclass
class LiveServer:
    app: Flask
    url: str


class QuietHandler(WSGIRequestHandler):
    """No access log: a failing test's output should show the test, not every static file."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@contextmanager
def live_server(settings: dict) -> Iterator[LiveServer]:
    """The real app on a free loopback port, served from a daemon thread."""
    settings = {**settings}
    settings.pop("SERVER_NAME", None)  # links must name the live host and port
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-portal", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions[EXTENSION_KEY].kw["bind"].dispose()


class Portal:
    """One test's view of the live portal: people in their own browser contexts, each page checked."""

    def __init__(self, server: LiveServer, browser: Browser):
        self.server = server
        self.app = server.app
        self.url = server.url
        self.browser = browser
        self.contexts: list[BrowserContext] = []
        self.js_off: list[BrowserContext] = []
        self.csp_messages: list[str] = []
        self.page_errors: list[str] = []
        self.violations: list[str] = []
        self.checked = 0

    # --- people -------------------------------------------------------------------------------
    def person(self, *, js: bool = True, viewport: dict | None = None) -> Page:
        """A fresh browser context (its own cookies) with one page, watched for CSP reports."""
        context = self.browser.new_context(
            viewport=viewport or DESKTOP, java_script_enabled=js, base_url=self.url, locale="en-GB"
        )
        context.set_default_timeout(10_000)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))
        self.contexts.append(context)
        if not js:
            self.js_off.append(context)  # axe is never run here: with JavaScript off it hangs
        return context.new_page()

    def _console(self, message: ConsoleMessage) -> None:
        if CSP_WORDS.search(message.text):
            self.csp_messages.append(f"{message.type}: {message.text} ({message.page.url if message.page else ''})")

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    # --- checking each page ---------------------------------------------------------------------
    def check(self, page: Page, label: str, shot: str | None = None) -> None:
        """Screenshot (if named) and run axe at desktop and phone widths on the page as it is now."""
        page.wait_for_load_state("load")
        if shot:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)
        if page.context in self.js_off:
            return
        original = page.viewport_size
        page.evaluate(AXE_SCRIPT)  # once per page; axe then runs at each width
        for name, size in (("desktop", DESKTOP), ("375 px", PHONE)):
            page.set_viewport_size(size)
            results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
            for violation in results["violations"]:
                targets = "; ".join(", ".join(node["target"]) for node in violation["nodes"][:5])
                rule = f"{violation['id']} ({violation['impact']}): {violation['help']}"
                problem = f"{label} [{name}] {page.url}: {rule} -> {targets}"
                self.violations.append(problem)
                TALLY.violations.append(problem)
            if size is PHONE and page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                # WCAG 1.4.10 Reflow, which axe cannot test: nothing may need sideways scrolling.
                problem = f"{label} [{name}] {page.url}: reflow: the page scrolls sideways"
                self.violations.append(problem)
                TALLY.violations.append(problem)
        page.set_viewport_size(original)
        self.checked += 1
        TALLY.pages.append(label)

    def assert_clean(self) -> None:
        problems = []
        if self.violations:
            problems.append("axe found WCAG A/AA violations:\n  " + "\n  ".join(self.violations))
        if self.csp_messages:
            problems.append("Content Security Policy violations:\n  " + "\n  ".join(self.csp_messages))
        if self.page_errors:
            problems.append("JavaScript errors:\n  " + "\n  ".join(self.page_errors))
        assert not problems, "\n".join(problems)


# --- keyboard -----------------------------------------------------------------------------------
def is_focused(target: Locator) -> bool:
    return target.evaluate("element => element === document.activeElement")


def tab_to(page: Page, target: Locator, *, backwards: bool = False, limit: int = 60) -> None:
    """Press Tab (or Shift+Tab) until `target` has focus; each stop must show a visible focus ring."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        assert page.evaluate(
            """() => {
                const element = document.activeElement;
                if (!element || element === document.body) return true;
                const style = getComputedStyle(element);
                return style.outlineStyle !== 'none' || style.boxShadow !== 'none';
            }"""
        ), f"no visible focus indicator on {page.evaluate('document.activeElement.outerHTML')[:200]}"
        if is_focused(target):
            return
    raise AssertionError(f"{key} never reached {target}")


__all__ = ["SCREENSHOTS", "TALLY", "LiveServer", "Portal", "expect", "live_server", "tab_to"]
