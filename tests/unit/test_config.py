"""Production settings come only from the environment, and missing ones stop the start."""

import base64
import json

import pytest

from portal import create_app
from portal.config import ConfigError, load_config
from portal.crypto.envelope import new_key

PRODUCTION = {
    "PORTAL_ENV": "production",
    "PORTAL_DATABASE_URL": "sqlite://",
    "PORTAL_SECRET_KEY": "s" * 40,
    "PORTAL_KEYS": json.dumps({"k1": base64.b64encode(new_key()).decode()}),
    "PORTAL_RATELIMIT_STORAGE_URI": "memory://",
    "PORTAL_BASE_URL": "https://portal.example.org/",
}


@pytest.mark.parametrize(
    "missing",
    ["PORTAL_DATABASE_URL", "PORTAL_SECRET_KEY", "PORTAL_RATELIMIT_STORAGE_URI", "PORTAL_BASE_URL", "PORTAL_KEYS"],
)
def test_production_refuses_to_start_without_each_setting(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    with pytest.raises(ConfigError) as error:
        load_config(env)
    message = str(error.value)
    assert "\n" not in message
    assert missing.replace("PORTAL_KEYS", "PORTAL_KEYS_FILE") in message


def test_a_half_configured_deployment_is_treated_as_production():
    with pytest.raises(ConfigError, match="PORTAL_SECRET_KEY"):
        load_config({"PORTAL_DATABASE_URL": "postgresql://db/portal"})


def test_production_settings_are_strict():
    config = load_config(PRODUCTION)
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["DEMO_ALLOWED"] is False
    # __Host-: only over HTTPS, only to this host, for every path (no Domain attribute).
    assert config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert config["SESSION_COOKIE_PATH"] == "/"
    assert config["SESSION_COOKIE_DOMAIN"] is None
    assert config["BASE_URL"] == "https://portal.example.org"


def test_the_production_address_must_be_https():
    with pytest.raises(ConfigError, match="PORTAL_BASE_URL"):
        load_config({**PRODUCTION, "PORTAL_BASE_URL": "http://portal.example.org"})


def test_the_session_cookie_is_sent_with_the_host_prefix_and_its_flags():
    app = create_app(load_config(PRODUCTION))
    with app.test_request_context("/", base_url="https://portal.example.org"):
        from flask import session

        session["x"] = 1
        response = app.make_response("")
        app.session_interface.save_session(app, session, response)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-rx_session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Domain=" not in cookie


def test_production_fails_at_start_when_the_key_file_is_missing(tmp_path):
    env = {**PRODUCTION, "PORTAL_KEYS_FILE": str(tmp_path / "absent.json")}
    del env["PORTAL_KEYS"]
    with pytest.raises(Exception, match="does not exist"):
        create_app(load_config(env))


def test_a_short_secret_key_is_refused():
    with pytest.raises(ConfigError, match="too short"):
        load_config({**PRODUCTION, "PORTAL_SECRET_KEY": "short"})


def test_development_uses_embedded_defaults():
    config = load_config({"PORTAL_ENV": "development"})
    assert config["DATABASE_URL"].startswith("sqlite:///")
    assert config["DATABASE_URL"].endswith("instance/portal.db")
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_mail_is_smtp_from_the_environment_with_tls_by_default():
    config = load_config(
        {
            **PRODUCTION,
            "PORTAL_SMTP_HOST": "smtp.service.example",
            "PORTAL_SMTP_USERNAME": "portal",
            "PORTAL_SMTP_PASSWORD": "secret",
            "PORTAL_MAIL_FROM": "no-reply@service.example",
            "PORTAL_MAIL_SENDER_NAME": "Messages",
            "PORTAL_MAIL_SUBJECT": "You have a new message",
        }
    )
    assert (config["MAIL_TRANSPORT"], config["SMTP_SECURITY"], config["SMTP_PORT"]) == ("smtp", "starttls", 587)
    assert (config["SMTP_USERNAME"], config["SMTP_PASSWORD"]) == ("portal", "secret")
    assert load_config({**PRODUCTION, "PORTAL_SMTP_HOST": "h", "PORTAL_SMTP_SECURITY": "tls"})["SMTP_PORT"] == 465


def test_without_a_mail_server_notifications_wait_rather_than_go_anywhere():
    assert load_config(PRODUCTION)["MAIL_TRANSPORT"] == "none"
    assert load_config({"PORTAL_ENV": "development"})["MAIL_TRANSPORT"] == "folder"


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ({"PORTAL_SMTP_SECURITY": "ssl3"}, "PORTAL_SMTP_SECURITY"),
        ({"PORTAL_MAIL_TRANSPORT": "smtp"}, "PORTAL_SMTP_HOST"),
        ({"PORTAL_MAIL_TRANSPORT": "pigeon"}, "PORTAL_MAIL_TRANSPORT"),
    ],
)
def test_a_wrong_mail_setting_stops_the_start_naming_it(setting, named):
    with pytest.raises(ConfigError, match=named):
        load_config({**PRODUCTION, **setting})


NOTIFY = {
    "PORTAL_MAIL_TRANSPORT": "notify",
    "PORTAL_NOTIFY_API_KEY": "portal_live-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0",
    "PORTAL_NOTIFY_EMAIL_TEMPLATE_ID": "f33517ff-2a88-4f6e-b855-c550268ce08a",
}


def test_mail_can_go_through_gov_uk_notify():
    config = load_config({**PRODUCTION, **NOTIFY})
    assert config["MAIL_TRANSPORT"] == "notify"
    assert config["NOTIFY_API_KEY"] == NOTIFY["PORTAL_NOTIFY_API_KEY"]
    assert config["NOTIFY_EMAIL_TEMPLATE_ID"] == "f33517ff-2a88-4f6e-b855-c550268ce08a"
    assert config["NOTIFY_BASE_URL"] == "https://api.notifications.service.gov.uk"
    own = load_config({**PRODUCTION, **NOTIFY, "PORTAL_NOTIFY_BASE_URL": "https://notify.internal.example"})
    assert own["NOTIFY_BASE_URL"] == "https://notify.internal.example"


@pytest.mark.parametrize("missing", ["PORTAL_NOTIFY_API_KEY", "PORTAL_NOTIFY_EMAIL_TEMPLATE_ID"])
def test_notify_needs_its_key_and_template(missing):
    env = {**PRODUCTION, **NOTIFY}
    del env[missing]
    with pytest.raises(ConfigError, match=f"^{missing} is not set"):
        load_config(env)


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ({"PORTAL_NOTIFY_API_KEY": "3d844edf-8d35-48ac-975b-e847b4f122b0"}, "PORTAL_NOTIFY_API_KEY"),
        ({"PORTAL_NOTIFY_EMAIL_TEMPLATE_ID": "welcome"}, "PORTAL_NOTIFY_EMAIL_TEMPLATE_ID"),
    ],
)
def test_a_notify_setting_that_is_not_notify_s_is_refused_without_repeating_it(setting, named):
    with pytest.raises(ConfigError, match=named) as refused:
        load_config({**PRODUCTION, **NOTIFY, **setting})
    assert next(iter(setting.values())) not in str(refused.value)


def test_text_messages_go_only_through_notify_and_need_its_sms_template():
    key, template = NOTIFY["PORTAL_NOTIFY_API_KEY"], NOTIFY["PORTAL_NOTIFY_EMAIL_TEMPLATE_ID"]
    assert load_config(PRODUCTION)["SMS_TRANSPORT"] == "none"
    assert load_config({"PORTAL_ENV": "development"})["SMS_TRANSPORT"] == "folder"
    texting = load_config({**PRODUCTION, "PORTAL_NOTIFY_API_KEY": key, "PORTAL_NOTIFY_SMS_TEMPLATE_ID": template})
    assert (texting["SMS_TRANSPORT"], texting["NOTIFY_SMS_TEMPLATE_ID"]) == ("notify", template)
    with pytest.raises(ConfigError, match="PORTAL_NOTIFY_SMS_TEMPLATE_ID"):
        load_config({**PRODUCTION, "PORTAL_SMS_TRANSPORT": "notify", "PORTAL_NOTIFY_API_KEY": key})
    with pytest.raises(ConfigError, match="PORTAL_SMS_TRANSPORT"):
        load_config({**PRODUCTION, "PORTAL_SMS_TRANSPORT": "smtp"})


@pytest.mark.parametrize("setting", ["PORTAL_MAIL_TRANSPORT", "PORTAL_SMS_TRANSPORT"])
def test_a_folder_of_messages_is_for_development_only(setting):
    with pytest.raises(ConfigError, match=f"{setting}=folder is for development only"):
        load_config({**PRODUCTION, setting: "folder"})
