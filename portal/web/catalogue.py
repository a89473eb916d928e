"""The page's words: gettext that finds the request's catalogue once, not on every string.

Flask-Babel's own ``gettext`` looks up the app, the domain, the locale and the catalogue through
Flask's context proxies for every string, and a page has hundreds. These keep the catalogue in
the slot Flask-Babel gives it on the request (``babel_translations``), which its
``force_locale`` and ``refresh`` already empty and restore, so a letter printed in its own
language and a language switched mid-request still get the right words.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from weakref import WeakKeyDictionary, ref

import flask_babel
from babel.support import NullTranslations, Translations
from flask import Flask, g, has_app_context
from flask_babel.speaklater import LazyString
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup
from wtforms.i18n import messages_path

BABEL_STATE = "_flask_babel"  # where Flask-Babel keeps its per-request state on `g`
_WTFORMS: dict[str, NullTranslations] = {}


def translations() -> NullTranslations:
    """This request's catalogue, in the language its pages speak. A page asks for hundreds of
    strings: `g` is resolved once per call (each use of the proxy resolves it again)."""
    try:
        here = g._get_current_object()
    except RuntimeError:  # outside any app context
        return flask_babel.get_translations()
    cached = getattr(here.get(BABEL_STATE), "babel_translations", None)
    if cached is None:
        cached = flask_babel.get_translations()
        here.get(BABEL_STATE).babel_translations = cached  # made by get_translations above
    return cached


def N_(message: str) -> str:
    """Marks words kept untranslated in a table, to be translated with `gettext` when shown:
    a table of twenty labels then costs one lookup where a row shows one, not twenty."""
    return message


def gettext(string: str, **variables: Any) -> str:
    text = translations().ugettext(string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """Words kept in a form or a table at import time, translated each time they are shown
    through this module's `gettext` (Flask-Babel's own looks up the catalogue afresh each time)."""
    return LazyString(gettext, string, **variables)


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


class WtformsTranslations:
    """WTForms' own messages ("Not a valid choice") in the page's language, each catalogue read
    once per process rather than once per request as Flask-WTF does."""

    @staticmethod
    def _catalogue() -> NullTranslations:
        locale = str(flask_babel.get_locale() or "en")
        if locale not in _WTFORMS:
            _WTFORMS[locale] = Translations.load(messages_path(), [locale], domain="wtforms")
        return _WTFORMS[locale]

    def gettext(self, string: str) -> str:
        return self._catalogue().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue().ungettext(singular, plural, n)


PAGE_WORDS = "_page_words"  # the name `_('…')` is compiled to (TemplateWords)


class UnreadableWords(RuntimeError):
    """Words that cannot be formatted (a `%(name)s` with no value, a stray `%` in a translation).
    Not a LookupError or TypeError: Jinja's `getitem` would swallow those and draw nothing."""


class _Table(dict[str, Markup]):
    """One catalogue's words as a template shows them, each looked up the first time it is asked."""

    def __init__(self, catalogue: NullTranslations):
        super().__init__()
        self._catalogue = ref(catalogue)  # not a strong one: the catalogue is this table's key

    def __missing__(self, message: str) -> Markup:
        catalogue = self._catalogue()
        if catalogue is None:  # unreachable: Flask-Babel keeps its catalogues for the process
            raise UnreadableWords(message)
        try:
            # What Jinja's newstyle gettext returns in an autoescaped template: Markup, formatted.
            words = Markup(catalogue.ugettext(message)) % {}  # noqa: S704 - our catalogue
        except (KeyError, TypeError, ValueError) as error:
            raise UnreadableWords(message) from error
        self[message] = words
        return words


_TABLES: WeakKeyDictionary[NullTranslations, _Table] = WeakKeyDictionary()


def words_table() -> _Table:
    """The table of this request's catalogue (so of its language, `force_locale` included);
    outside an app context, a table for this once (Flask-Babel makes a new catalogue each time)."""
    catalogue = translations()
    if not has_app_context():
        return _Table(catalogue)
    table = _TABLES.get(catalogue)
    if table is None:
        table = _TABLES[catalogue] = _Table(catalogue)
    return table


class PageWords:
    """`_('…')` with no variables in a template, as `TemplateWords` compiles it: the words from a
    table per catalogue, kept for the process. A page's own template gets the table itself with
    the page (a context processor: a look-up is then one dict's); macros imported without the
    page's context find this instead, which finds the table for each word."""

    def __getitem__(self, message: str) -> Markup:
        return words_table()[message]


class TemplateWords(Extension):
    """Compiles `_('words')`, a call with one string and nothing else, into `_page_words['words']`
    in autoescaped templates (every page). Extraction reads the templates' source, so the words
    are still found by `make translations-update`; calls with variables, `ngettext` and text
    (not autoescaped) templates are left as Jinja's i18n compiles them. It reads tokens, not
    scopes: a template must never bind `_` itself nor turn autoescaping off in a block
    (`tests/web/test_template_words.py` looks for both)."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        escaping = self.environment.autoescape
        if callable(escaping):
            escaping = escaping(stream.name)
        tokens = list(stream)
        at = 0
        while at < len(tokens):
            window = tokens[at : at + 4]
            if (
                escaping
                and [token.type for token in window] == ["name", "lparen", "string", "rparen"]
                and window[0].value == "_"
                and (at == 0 or tokens[at - 1].type != "dot")
            ):
                name, opening, words, closing = window
                yield Token(name.lineno, "name", PAGE_WORDS)
                yield Token(opening.lineno, "lbracket", "[")
                yield words
                yield Token(closing.lineno, "rbracket", "]")
                at += 4
            else:
                yield tokens[at]
                at += 1


def init_app(app: Flask) -> None:
    """Templates use these too (after Flask-Babel has installed its own)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda string: translations().ugettext(string),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        newstyle=True,
    )
    app.jinja_env.add_extension(TemplateWords)
    app.jinja_env.globals[PAGE_WORDS] = PageWords()
    app.context_processor(lambda: {PAGE_WORDS: words_table()})
