"""A template's `_('words')` is compiled into a look-up in a table kept per language
(portal.web.catalogue.TemplateWords): the same words as Jinja's own gettext, in the page's
language and inside `force_locale`, with everything else left to Jinja's i18n."""

from __future__ import annotations

from flask import Flask, render_template_string
from flask_babel import force_locale
from markupsafe import Markup

from portal.web import catalogue

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


def test_the_words_are_markup_as_jinja_s_newstyle_gettext_makes_them(app: Flask):
    with app.test_request_context("/"):
        words = app.jinja_env.globals[catalogue.PAGE_WORDS]["Nothing due"]
        assert isinstance(words, Markup) and words == "Nothing due"
        # Used as a value (a macro's argument, a joined list), they stay safe and unescaped.
        assert _render(app, "{{ [_('It’s done'), '<i>']|join(' ') }}") == "It’s done &lt;i&gt;"


def test_a_template_that_does_not_escape_keeps_jinja_s_own_gettext(app: Flask):
    """Plain text (an email, say): words must stay str, or joining them would escape the rest."""
    escaping = app.jinja_env.autoescape
    try:
        app.jinja_env.autoescape = False
        assert catalogue.PAGE_WORDS not in app.jinja_env.compile("{{ _('Skip to main content') }}", raw=True)
    finally:
        app.jinja_env.autoescape = escaping
