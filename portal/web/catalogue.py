"""The page's words: gettext that finds the request's catalogue once, not on every string.

Flask-Babel's own ``gettext`` looks up the app, the domain, the locale and the catalogue through
Flask's context proxies for every string, and a page has hundreds. These keep the catalogue in
the slot Flask-Babel gives it on the request (``babel_translations``), which its
``force_locale`` and ``refresh`` already empty and restore, so a letter printed in its own
language and a language switched mid-request still get the right words.
"""

from __future__ import annotations

from typing import Any

import flask_babel
from babel.support import NullTranslations, Translations
from flask import Flask, g
from flask_babel.speaklater import LazyString
from wtforms.i18n import messages_path

_CONTEXT = "_flask_babel"  # where Flask-Babel keeps its per-request state on `g`
_WTFORMS: dict[str, NullTranslations] = {}


def translations() -> NullTranslations:
    """This request's catalogue, in the language its pages speak. A page asks for hundreds of
    strings: `g` is resolved once per call (each use of the proxy resolves it again)."""
    try:
        here = g._get_current_object()
    except RuntimeError:  # outside any app context
        return flask_babel.get_translations()
    cached = getattr(here.get(_CONTEXT), "babel_translations", None)
    if cached is None:
        cached = flask_babel.get_translations()
        here.get(_CONTEXT).babel_translations = cached  # made by get_translations above
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


def init_app(app: Flask) -> None:
    """Templates use these too (after Flask-Babel has installed its own)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda string: translations().ugettext(string),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        newstyle=True,
    )
