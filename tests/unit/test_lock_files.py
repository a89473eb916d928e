"""The lock files are what `make run` and `make test` install: they must hold what the requirements ask.

requirements.txt and requirements-dev.txt are edited by people; `make lock` compiles them into
requirements.lock and requirements-dev.lock with every transitive dependency and its hashes. A
pin changed without `make lock` fails here, not as a surprise on someone else's machine.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal.config import PROJECT_ROOT

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]+\])?==([^\s;#]+)", re.MULTILINE)
LOCKED = re.compile(r"^([a-z0-9][a-z0-9._-]*)==(\S+) \\\n((?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", re.MULTILINE)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    return {_normal(name): version for name, version in PIN.findall(path.read_text())}


def _locked(path: Path) -> dict[str, str]:
    text = path.read_text()
    entries = {_normal(name): version for name, version, _hashes in LOCKED.findall(text)}
    names = re.findall(r"^([a-z0-9][a-z0-9._-]*)==", text, re.MULTILINE)
    assert len(entries) == len(names), f"{path.name}: every locked package must carry its hashes"
    return entries


@pytest.mark.parametrize(
    ("requirements", "lock"),
    [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")],
)
def test_every_pin_is_locked_at_its_version_with_hashes(requirements: str, lock: str):
    pins = _pins(PROJECT_ROOT / requirements)
    if requirements == "requirements-dev.txt":
        pins |= _pins(PROJECT_ROOT / "requirements.txt")
    locked = _locked(PROJECT_ROOT / lock)
    assert pins, requirements
    assert {name: locked.get(name) for name in pins} == pins
    assert len(locked) > len(pins)  # the transitive ones too


def test_both_locks_agree_on_every_package_they_share():
    runtime, dev = _locked(PROJECT_ROOT / "requirements.lock"), _locked(PROJECT_ROOT / "requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime
