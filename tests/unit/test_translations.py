"""Every word of the portal exists in Welsh, and no sentence in the domain or services is English.

The messages are extracted from the code and templates here, as `make translations-update` does,
so a new string without a Welsh translation fails this test rather than showing in English.
"""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "portal" / "translations"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# Strings that are the same in both languages. Each is a decision: none yet.
SAME_IN_BOTH: set[str] = set()


def extracted() -> dict[str | tuple[str, ...], set[str]]:
    """Every message id in the code and templates, with where it was found."""
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str | tuple[str, ...], set[str]] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        key = message if isinstance(message, str) else tuple(m for m in message if m)
        found.setdefault(key, set()).add(filename)
    return found


def catalogue(language: str):
    with open(CATALOGUES / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po)


def _key(message) -> str | tuple[str, ...]:
    return message.id if isinstance(message.id, str) else tuple(message.id)


def test_every_message_has_a_welsh_translation_that_is_not_the_english():
    welsh = {_key(m): m for m in catalogue("cy") if m.id}
    missing, empty, same, placeholders = [], [], [], []
    for key in extracted():
        message = welsh.get(key)
        if message is None:
            missing.append(key)
            continue
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        english = [key] if isinstance(key, str) else list(key)
        if not all(s.strip() for s in strings):
            empty.append(key)
        if any(s in english for s in strings) and english[0] not in SAME_IN_BOTH:
            same.append(key)
        wanted = set(PLACEHOLDER.findall(english[-1]))
        if any(set(PLACEHOLDER.findall(s)) != wanted for s in strings):
            placeholders.append(key)
    assert missing == [], f"{len(missing)} messages have no Welsh: {missing[:10]}"
    assert empty == [], f"{len(empty)} Welsh messages are empty: {empty[:10]}"
    assert same == [], f"{len(same)} Welsh messages are the English unchanged: {same[:10]}"
    assert placeholders == [], f"Welsh messages whose %(name)s placeholders differ: {placeholders[:10]}"
    fuzzy = sum(1 for m in welsh.values() if m.fuzzy)
    warnings.warn(f"{fuzzy} of {len(welsh)} Welsh messages are marked fuzzy for a Welsh speaker to check", stacklevel=1)


def test_the_english_catalogue_has_every_message_too():
    english = {_key(m) for m in catalogue("en") if m.id}
    assert set(extracted()) - english == set()


def test_no_catalogue_keeps_messages_the_code_no_longer_has():
    found = set(extracted())
    for language in ("cy", "en"):
        stale = {_key(m) for m in catalogue(language) if m.id} - found
        assert stale == set(), f"{language}: run `make translations-update`; no longer used: {list(stale)[:5]}"


# --- no English sentences in the domain and the services -------------------------------------------

SENTENCE = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}")
# Programmer-facing errors and log lines are not shown to people, so they may be English.
FOR_PROGRAMMERS = {"ValueError", "RuntimeError", "TypeError", "WriteOutsideUnitOfWork", "KeyringError"}
# Sample content people "wrote" for the demo, not words of the portal.
CONTENT_MODULES = {"demo.py"}


def _english_sentences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            skip.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            owner = getattr(node.func, "value", None)
            if name in FOR_PROGRAMMERS or (isinstance(owner, ast.Name) and owner.id in {"log", "logger"}):
                skip.update(id(n) for n in ast.walk(node))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and SENTENCE.search(node.value)
    ]


def test_no_domain_or_service_module_holds_an_english_sentence():
    found = {}
    for folder in ("domain", "services"):
        for path in sorted((ROOT / "portal" / folder).glob("*.py")):
            if path.name in CONTENT_MODULES:
                continue
            if sentences := _english_sentences(path):
                found[f"{folder}/{path.name}"] = sentences
    assert found == {}


def test_the_check_finds_an_english_sentence_when_there_is_one(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""A docstring is fine."""\ndef f():\n    raise Exception("Please write your letter first.")\n')
    assert _english_sentences(sample) == ["Please write your letter first."]
