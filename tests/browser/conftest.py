"""Browser fixtures: Debian's Chromium driven by Playwright, against the real app on a live port.

The fixture names avoid `browser`, which tests/conftest.py already uses for the Flask test client.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.support import CHROMIUM_ARGS, MISSING_CHROMIUM, TALLY, Portal, chromium_path, live_server

# A camera and microphone that need no device and no prompt (a test pattern and a tone), for
# recording a message in the page; no other test asks for them, so nothing else changes.
FAKE_MEDIA_ARGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        # Never a silent skip: CI installs Chromium, and a missing one locally must be noticed.
        pytest.fail(MISSING_CHROMIUM, pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=[*CHROMIUM_ARGS, *FAKE_MEDIA_ARGS])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def portal(settings: dict, chromium: Browser) -> Iterator[Portal]:
    """A fresh database and a live server for one test, and a way to open browsers on it."""
    with live_server(settings) as server:
        portal = Portal(server, chromium)
        try:
            yield portal
        finally:
            portal.close()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not TALLY.pages:
        return
    screens = len(set(TALLY.pages))
    terminalreporter.write_sep("-", "accessibility (axe-core, WCAG 2.x A and AA)")
    terminalreporter.write_line(
        f"axe: checked {len(TALLY.pages)} pages ({screens} different screens), each at desktop (1280 px) "
        f"and 375 px, {len(TALLY.violations)} violations"
    )
    for problem in TALLY.violations:
        terminalreporter.write_line(f"  {problem}")
