"""Welsh and English: which language each page speaks, the switch between them, and dates.

The choice is remembered for a signed-in person on their account, and in a cookie before they
sign in (the GOV.UK pattern: English unless they choose Cymraeg). Times are shown in UK time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel import Locale
from flask import Blueprint, Flask, current_app, g, has_request_context, redirect, request
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.domain.enums import Language
from portal.extensions import babel
from portal.runtime import unit_of_work
from portal.services import accounts
from portal.web.access import public
from portal.web.catalogue import BABEL_STATE

bp = Blueprint("language", __name__)
COOKIE = "rx_language"
COOKIE_SECONDS = 365 * 24 * 3600
UK = "Europe/London"
HTML_LANG = {Language.EN: "en-GB", Language.CY: "cy"}
_LANGUAGES = {language.value: language for language in Language}


def chosen_language() -> Language:
    """The account's choice, else the cookie's, else English. Finding the signed-in person can
    itself need words (a sign-in message), so a lookup already under way answers from the cookie.
    Outside a request (a command run by an operator) it is English."""
    if not has_request_context():
        return Language.EN
    if g.get("choosing_language"):
        return _cookie_language()
    g.choosing_language = True
    try:
        if current_user.is_authenticated:
            try:
                return Language(current_user.language)
            except ValueError:
                return Language.EN
        return _cookie_language()
    finally:
        g.choosing_language = False


def _cookie_language() -> Language:
    return cookie_choice() or Language.EN


def cookie_choice() -> Language | None:
    """The language chosen with the switch in this browser, if one was."""
    try:
        return Language(request.cookies[COOKIE])
    except (KeyError, ValueError):
        return None


def current_language() -> Language:
    """The language the page speaks now (Flask-Babel's locale, `force_locale` included), read
    from the slot Flask-Babel keeps it in on `g` once found: a list asks for it for every date."""
    try:
        state = g._get_current_object().get(BABEL_STATE)
    except RuntimeError:  # outside any app context
        return Language.EN
    locale = getattr(state, "babel_locale", None) or get_locale()
    return _LANGUAGES.get(locale.language, Language.EN) if locale else Language.EN


def html_lang(language: Language | str | None = None) -> str:
    """The `lang` attribute for a page or a passage in this language."""
    return HTML_LANG[Language(language or current_language())]


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another site's address (no open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@bp.get("/language/<code>")
@public
def switch(code: str) -> Response:
    """ "English | Cymraeg": remembered in a cookie, and on the account of someone signed in."""
    try:
        language = Language(code)
    except ValueError:
        language = Language.EN
    if current_user.is_authenticated:
        accounts.set_language(unit_of_work(), current_user.record, language)
    response = redirect(_safe_next(request.args.get("next")))
    response.set_cookie(
        COOKIE,
        language.value,
        max_age=COOKIE_SECONDS,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )
    return response


# A list shows a date on every row, and Flask-Babel finds the locale, the time zone and the
# pattern again for each (about 50 microseconds a date): these two patterns are written out
# from CLDR's month names for the page's language instead (tests/unit/test_dates.py holds them
# to Babel's own output for every month, in both languages, either side of the clock change).
UK_ZONE = ZoneInfo(UK)


@cache
def _months(language: Language) -> Mapping[int, str]:
    """The month names a date uses in this language ('Mawrth'), from Babel's CLDR data."""
    return Locale.parse(language.value).months["format"]["wide"]


def _in_uk(value: datetime) -> datetime:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UK_ZONE)


def long_date(value: object) -> str:
    """'3 March 2025' / '3 Mawrth 2025', in the page's language (a moment: its UK date)."""
    if not isinstance(value, date):  # anything else as Flask-Babel has always drawn it
        return format_date(value, "d MMMM y")
    day = _in_uk(value) if isinstance(value, datetime) else value
    return f"{day.day} {_months(current_language())[day.month]} {day.year}"


def date_time(value: object) -> str:
    """'3 March 2025, 14:05' in UK time, in the page's language."""
    if not isinstance(value, datetime):
        return format_datetime(value, "d MMMM y, HH:mm")
    moment = _in_uk(value)
    return f"{moment.day} {_months(current_language())[moment.month]} {moment.year}, {moment:%H:%M}"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", Language.EN.value)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", UK)
    babel.init_app(app, locale_selector=lambda: chosen_language().value, timezone_selector=lambda: UK)
    app.jinja_env.globals.update(html_lang=html_lang, current_language=current_language, Language=Language)
    app.jinja_env.filters.update(long_date=long_date, date_time=date_time)
    app.register_blueprint(bp)
