"""A template's `_('words')` is compiled into a look-up in a table kept per language
(portal.web.catalogue.TemplateWords): the same words as Jinja's own gettext, in the page's
language and inside `force_locale`, with everything else left to Jinja's i18n."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask, render_template_string
from flask_babel import force_locale
from jinja2 import Environment

from portal.config import PROJECT_ROOT
from portal.domain.enums import Language
from portal.web import catalogue
from tests.unit.test_translations import extracted

WORDS = "Skip to main content"


def _render(app: Flask, source: str, **values: object) -> str:
    return app.jinja_env.from_string(source).render(**values)


def test_a_template_looks_its_plain_words_up_instead_of_calling_gettext(app: Flask):
    compiled = app.jinja_env.compile("<p>{{ _('Skip to main content') }}</p>", raw=True)
    assert f"{catalogue.PAGE_WORDS}" in compiled and "'Skip to main content'" in compiled
    # Words with variables, and ngettext, are still Jinja's calls.
    compiled = app.jinja_env.compile("{{ _('Open case %(code)s', code=c) }}{{ ngettext('a', 'b', 2) }}", raw=True)
    assert catalogue.PAGE_WORDS not in compiled
    # `x._('…')` is someone's attribute, not gettext.
    assert catalogue.PAGE_WORDS not in app.jinja_env.compile("{{ x._('Skip') }}", raw=True)


def test_a_text_template_keeps_jinja_s_own_gettext(app: Flask):
    """Plain text (an email, say) is not escaped: its words must stay str, or joining them to
    anything would escape it."""
    source = "{{ _('Skip to main content') }}"
    assert catalogue.PAGE_WORDS not in app.jinja_env.compile(source, name="message.txt", raw=True)
    assert catalogue.PAGE_WORDS in app.jinja_env.compile(source, name="page.html", raw=True)


def test_the_words_are_gettext_s_in_each_language_and_inside_force_locale(app: Flask):
    """Both ways a template finds the table: with the page (render_template's context) and,
    for a macro imported without it, the global that finds it for each word."""
    source = "{{ _('Skip to main content') }}|{{ _('Open case %(code)s', code='<b>') }}"
    with app.test_request_context("/"):
        english = _render(app, source)
        assert render_template_string(source) == english
        with force_locale("cy"):
            welsh = _render(app, source)
            assert render_template_string(source) == welsh
            welsh_words = catalogue.gettext(WORDS)
            assert _render(app, "{{ _('Skip to main content') }}") == welsh_words
        assert _render(app, "{{ _('Skip to main content') }}") == WORDS  # back in English after
        assert render_template_string("{{ _('Skip to main content') }}") == WORDS
    assert welsh_words != WORDS
    assert english == f"{WORDS}|Open case &lt;b&gt;"
    assert welsh.startswith(f"{welsh_words}|") and "&lt;b&gt;" in welsh


def _template_words() -> list[str]:
    """Every message of the templates that a template may write as `_('…')` alone."""
    return sorted(
        message
        for message, places in extracted().items()
        if isinstance(message, str) and "%(" not in message and any(p.startswith("templates/") for p in places)
    )


@pytest.mark.parametrize("language", list(Language))
def test_every_template_word_reads_as_jinja_s_gettext_writes_it(app: Flask, language: Language):
    """Beside a stock Jinja with its i18n (newstyle, autoescaped) on the same catalogue: every
    word the templates hold, as a value joined to markup, in both languages."""
    words = _template_words()
    assert len(words) > 300
    source = "".join(f"{{{{ [_({json.dumps(word)}), '<&>']|join('|') }}}}\n" for word in words)
    with app.test_request_context("/"), force_locale(language.value):
        stock = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
        stock.install_gettext_translations(catalogue.translations(), newstyle=True)  # type: ignore[attr-defined]
        ours = render_template_string(source)
        assert ours == stock.from_string(source).render()
        assert _render(app, source) == ours  # the macros' way too
    assert "&lt;&amp;&gt;" in ours  # what is not words is still escaped


def test_words_that_cannot_be_formatted_fail_rather_than_vanish(app: Flask):
    """Jinja's `getitem` draws nothing for a LookupError or TypeError: a sentence missing its
    variable must stop the page, as Jinja's own gettext does, not disappear from it."""
    with app.test_request_context("/"), pytest.raises(catalogue.UnreadableWords):
        render_template_string("{{ _('Open case %(code)s') }}")


def test_no_template_binds_its_own_underscore_or_stops_escaping():
    """TemplateWords reads tokens, not scopes: it relies on both."""
    binding = re.compile(
        r"{%-?\s*(for|set|with)\s+([\w\s,]*,\s*)?_\s*(=|,|in\b)"  # {% set _ = %}, {% for x, _ in %}
        r"|import[^%]*\b_\b|macro\s+\w+\([^)]*\b_\b|{%-?\s*autoescape"
    )
    found = [
        path.name for path in (PROJECT_ROOT / "templates").rglob("*.html") if binding.search(path.read_text("utf-8"))
    ]
    assert not found
