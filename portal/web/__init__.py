"""The web layer: thin views that parse a request, call a service and render a page."""

from __future__ import annotations

from flask import Flask

from portal.web import (
    account,
    admin,
    agreement,
    assessments,
    audit_view,
    auth,
    caseload,
    cases,
    catalogue,
    errors,
    home,
    i18n,
    identity,
    items,
    media,
    messages,
    navigation,
    participation,
    public,
    record,
    reports,
    request_log,
    retention,
    review,
    security,
    self_referral,
    subject_access,
    supervision,
    uploads,
    words,
)
from portal.web.access import guard
from portal.web.forms import new_once

BLUEPRINTS = (
    public.bp,
    home.bp,
    auth.bp,
    account.bp,
    admin.bp,
    cases.bp,
    caseload.bp,
    items.bp,
    review.bp,
    media.bp,
    participation.bp,
    reports.bp,
    audit_view.bp,
    agreement.bp,
    record.bp,
    assessments.bp,
    supervision.bp,
    retention.bp,
    self_referral.bp,
    subject_access.bp,
)


def init_app(app: Flask) -> None:
    request_log.init_app(app)  # first: its clock and request id cover every other hook
    identity.init_app(app)
    i18n.init_app(app)
    catalogue.init_app(app)  # after Flask-Babel's, to replace its template gettext
    security.init_app(app)
    uploads.init_app(app)  # after security's hooks, before the guard and CSRF read a form
    errors.init_app(app)
    navigation.init_app(app)
    app.before_request(guard)
    app.jinja_env.globals["once_key"] = new_once
    app.jinja_env.globals["blocker_words"] = messages.blocker
    words.register(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
