"""Deny by default: every route states who may use it, and the guard holds for all of them."""

import re

import pytest
from flask import Flask

from portal.services.accounts import Role
from portal.web.access import AccessRule, roles, rule_for
from tests.helpers import make_account, sign_in

# The only endpoints anyone may reach without signing in. Adding one here is a decision.
PUBLIC = {
    "static",
    "public.healthz",
    "home.index",
    "auth.sign_in",
    "auth.sign_in_code",
    "auth.set_up_authenticator",
    "auth.join",
    "auth.forgotten_password",
    "auth.reset_password",
    "auth.leave",  # leaving quickly must always work, signed in or not
    "language.switch",  # English or Cymraeg, before signing in too
    "self_referral.ask",  # asking the service for contact needs no account (rate-limited)
    "self_referral.sent",
}


SAMPLES = {"uuid": "00000000-0000-0000-0000-000000000000", "int": "0"}


def _concrete_path(rule) -> str:
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLES.get(m.group(1), "x"), rule.rule)


def test_every_endpoint_declares_an_access_rule(app):
    with app.test_request_context():
        undeclared = [rule.endpoint for rule in app.url_map.iter_rules() if rule_for(rule.endpoint) is None]
    assert undeclared == []


def test_exactly_the_intended_endpoints_are_public(app):
    with app.test_request_context():
        public = {rule.endpoint for rule in app.url_map.iter_rules() if rule_for(rule.endpoint).public}
    assert public == PUBLIC


def test_every_non_public_route_refuses_an_anonymous_visitor(app):
    client = app.test_client()
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(_concrete_path(rule), method=method)
            assert response.status_code in (302, 400), (rule.rule, method, response.status_code)
            if response.status_code == 302:
                assert response.location.endswith("/sign-in"), rule.rule
            checked += 1
    assert checked > 5


@pytest.mark.parametrize("role", list(Role))
def test_every_role_restricted_route_refuses_the_other_roles(app, browser, role):
    account = make_account(app, role)
    sign_in(app, browser, account)
    for rule in app.url_map.iter_rules():
        access = rule_for_app(app, rule.endpoint)
        if access.public or role in access.roles or "GET" not in rule.methods:
            continue
        expected = 404 if rule.arguments else 403
        assert browser.get(_concrete_path(rule)).status_code == expected, rule.rule


@pytest.mark.parametrize("role", list(Role))
def test_every_role_restricted_form_refuses_the_other_roles(app, browser, role):
    """POST-only routes too: a signed-in person of the wrong role is refused before anything runs."""
    sign_in(app, browser, make_account(app, role))
    browser.get("/account/")
    token = browser.csrf_token()
    checked = 0
    for rule in app.url_map.iter_rules():
        access = rule_for_app(app, rule.endpoint)
        if access.public or role in access.roles or "POST" not in rule.methods:
            continue
        response = browser.client.post(_concrete_path(rule), data={"csrf_token": token})
        assert response.status_code == (404 if rule.arguments else 403), rule.rule
        checked += 1
    assert checked > 0


def rule_for_app(app: Flask, endpoint: str) -> AccessRule:
    with app.test_request_context():
        return rule_for(endpoint)


def test_a_route_without_a_rule_is_refused_even_when_signed_in(app, browser):
    @app.get("/forgotten")
    def forgotten():
        return "should never be served"

    @app.get("/declared")
    @roles(Role.PARTICIPANT)
    def declared():
        return "fine"

    sign_in(app, browser, make_account(app, Role.PARTICIPANT))
    assert browser.get("/forgotten").status_code == 403
    assert browser.get("/declared").status_code == 200
