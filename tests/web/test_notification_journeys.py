"""Notification journeys through the web pages and a real SMTP server: invitations by email,
being told when someone stops, getting back in with a forgotten password, choosing how to be told."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import select, update

from portal.cli.worker import run_jobs_once
from portal.domain.enums import Language, ParticipantRole, Role, Side, TakingPart
from portal.domain.notifications import MAX_ATTEMPTS, RESETS_PER_HOUR
from portal.runtime import unit_of_work
from portal.services import accounts, casework, recovery, reset_links
from portal.storage import models
from portal.storage.types import utcnow
from tests.factories import actor_of, exchange_case, new_case
from tests.helpers import PASSWORD, Browser, fresh_code, make_account, sign_in
from tests.mail import body

NEW_PASSWORD = "a brand new passphrase for later"


def worker_pass(app) -> None:
    with app.app_context():
        run_jobs_once()


def signed_in(app, account) -> Browser:
    browser = Browser(app.test_client())
    sign_in(app, browser, account)
    return browser


def link_in(message) -> str:
    """The path of the one link in a message, which must be on the configured address."""
    (link,) = re.findall(r"https?://\S+", body(message))
    assert link.startswith("https://portal.example.org/")
    return urlsplit(link).path


def test_an_invitation_by_email_arrives_and_its_link_lets_them_join(mail_app, smtp_server):
    world = new_case(mail_app)
    with mail_app.app_context():
        participant_id = casework.add_participant(
            unit_of_work(),
            actor_of(world.facilitator),
            world.case_id,
            casework.ParticipantDetails(
                side=Side.HARMED, role=ParticipantRole.PRINCIPAL, name="Jo", taking_part=TakingPart.PORTAL
            ),
        )
    facilitator = signed_in(mail_app, world.facilitator)
    page = facilitator.submit(
        f"/cases/{world.case_id}/participants/{participant_id}/invite", {"email": "jo@example.test"}
    ).get_data(as_text=True)
    assert "on its way" in page and "/join/" not in page  # emailed, not shown
    assert smtp_server.messages() == []  # the page never sends: the worker does
    worker_pass(mail_app)
    (message,) = smtp_server.to("jo@example.test")
    assert message["Subject"] == "You have a new message"
    path = link_in(message)
    assert path.startswith("/join/")
    joining = Browser(mail_app.test_client())
    response = joining.submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/sign-in")
    response = joining.submit("/sign-in", {"email": "jo@example.test", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/")
    assert joining.get(path).status_code == 410  # once only


def test_an_invitation_in_welsh_is_worded_in_welsh(mail_app, smtp_server):
    admin = make_account(mail_app, Role.ADMIN)
    browser = signed_in(mail_app, admin)
    browser.submit(
        "/admin/staff/invite",
        {"name": "Bethan", "email": "bethan@example.test", "role": "facilitator", "email_language": "cy"},
    )
    worker_pass(mail_app)
    (message,) = smtp_server.to("bethan@example.test")
    assert message["Subject"] == "Mae gennych neges newydd"
    assert "gwahodd" in body(message)  # "invited"


def test_stopping_tells_every_facilitator_of_the_case_by_email_and_nobody_else(mail_app, smtp_server):
    world = exchange_case(mail_app)
    second = make_account(mail_app, Role.FACILITATOR)
    unrelated = make_account(mail_app, Role.FACILITATOR)
    with mail_app.app_context():
        casework.assign_facilitator(unit_of_work(), actor_of(world.facilitator), world.case_id, second.email)
    responsible = signed_in(mail_app, world["responsible"].account)
    responsible.submit(f"/cases/{world.case_id}/stop")
    worker_pass(mail_app)
    told = sorted(message["To"] for message in smtp_server.messages())
    assert told == sorted([world.facilitator.email, second.email])
    assert unrelated.email not in told
    for message in smtp_server.messages():
        assert world.code not in body(message) and world.code not in message["Subject"]
    # Inside the portal, the facilitator is told who and which case.
    assert "stopped taking part" in signed_in(mail_app, second).get("/cases/").get_data(as_text=True)


def test_a_forgotten_password_is_reset_once_by_email_and_every_other_session_ends(mail_app, smtp_server):
    world = exchange_case(mail_app)
    account = world["harmed"].account
    elsewhere = signed_in(mail_app, account)
    asking = Browser(mail_app.test_client())
    known = asking.submit("/forgotten-password", {"email": account.email}).get_data(as_text=True)
    unknown = asking.submit("/forgotten-password", {"email": "nobody@example.test"}).get_data(as_text=True)
    assert _main(known) == _main(unknown)  # the same answer: no way to learn who has an account
    worker_pass(mail_app)
    (message,) = smtp_server.messages()
    assert message["To"] == account.email
    path = link_in(message)
    response = asking.submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/sign-in")
    assert elsewhere.get("/account/").status_code == 302  # signed out everywhere
    assert asking.submit("/sign-in", {"email": account.email, "password": PASSWORD}).status_code == 401
    assert asking.submit("/sign-in", {"email": account.email, "password": NEW_PASSWORD}).status_code == 302
    assert Browser(mail_app.test_client()).get(path).status_code == 410  # the link worked once
    with mail_app.app_context():
        actions = unit_of_work().session.scalars(select(models.AuditEvent.action)).all()
    assert "account.password-reset-request" in actions and "account.password-reset" in actions


def _main(page: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*>', "", page.split("<main", 1)[1].split("</main>", 1)[0])


def test_a_staff_reset_needs_a_fresh_authenticator_code_too(mail_app, smtp_server):
    facilitator = make_account(mail_app, Role.FACILITATOR)
    asking = Browser(mail_app.test_client())
    asking.submit("/forgotten-password", {"email": facilitator.email})
    worker_pass(mail_app)
    (message,) = smtp_server.messages()
    path = link_in(message)
    refused = asking.submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "code": "000000"})
    assert refused.status_code == 400 and "That code did not work" in refused.get_data(as_text=True)
    done = asking.submit(
        path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "code": fresh_code(mail_app, facilitator)}
    )
    assert done.status_code == 302


def test_a_facilitator_makes_a_reset_link_for_someone_without_email(mail_app, smtp_server):
    world = exchange_case(mail_app)
    facilitator = signed_in(mail_app, world.facilitator)
    person = world["responsible"]
    page = facilitator.submit(
        f"/cases/{world.case_id}/participants/{person.participant_id}/reset-link", from_page=f"/cases/{world.case_id}"
    ).get_data(as_text=True)
    path = re.search(r"<code>https?://[^/<]+(/reset-password/[^<]+)</code>", page).group(1)
    response = Browser(mail_app.test_client()).submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    worker_pass(mail_app)
    assert smtp_server.messages() == []  # nothing emailed: their inbox may be why they asked
    other = exchange_case(mail_app)  # another case's participant id is not found from this case
    assert (
        facilitator.submit(
            f"/cases/{world.case_id}/participants/{other['responsible'].participant_id}/reset-link",
            from_page=f"/cases/{world.case_id}",
        ).status_code
        == 404
    )


def test_a_staff_member_without_an_authenticator_is_never_emailed_a_link_but_an_admin_can_make_one(
    mail_app, smtp_server
):
    facilitator = make_account(mail_app, Role.FACILITATOR, totp=False)
    Browser(mail_app.test_client()).submit("/forgotten-password", {"email": facilitator.email})
    worker_pass(mail_app)
    assert smtp_server.messages() == []  # an email account alone never opens a staff account
    admin = signed_in(mail_app, make_account(mail_app, Role.ADMIN))
    page = admin.submit(f"/admin/staff/{facilitator.id}/reset-link", from_page="/admin/staff").get_data(as_text=True)
    path = re.search(r"<code>https?://[^/<]+(/reset-password/[^<]+)</code>", page).group(1)
    done = Browser(mail_app.test_client()).submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302


def test_asking_for_reset_links_again_and_again_sends_only_a_few(mail_app, smtp_server):
    account = exchange_case(mail_app)["harmed"].account
    with mail_app.app_context():
        for _ in range(RESETS_PER_HOUR + 2):
            recovery.request_reset(unit_of_work(), account.email, Language.EN)
    worker_pass(mail_app)
    assert len(smtp_server.to(account.email)) == RESETS_PER_HOUR


def test_asking_does_the_same_work_whether_or_not_there_is_an_account(mail_app, smtp_server):
    """The page only queues the request: whether a link goes is decided by the worker, so the
    request takes the same path, in the same time, for any address."""
    account = exchange_case(mail_app)["harmed"].account
    asking = Browser(mail_app.test_client())
    for email in (account.email, "nobody@example.test"):
        asking.submit("/forgotten-password", {"email": email})
    with mail_app.app_context():
        session = unit_of_work().session
        assert session.scalars(select(models.PasswordReset.id)).all() == []
        assert len(session.scalars(select(models.OutboxMessage.id)).all()) == 2
    worker_pass(mail_app)
    assert [m["To"] for m in smtp_server.messages()] == [account.email]


def test_a_reset_ends_a_sign_in_waiting_at_the_code_step(mail_app, smtp_server):
    facilitator = make_account(mail_app, Role.FACILITATOR)
    waiting = Browser(mail_app.test_client())
    response = waiting.submit("/sign-in", {"email": facilitator.email, "password": PASSWORD})
    assert response.location.endswith("/sign-in/code")
    with mail_app.app_context():
        uow = unit_of_work()
        accounts.sign_out_everywhere(uow, uow.session.get(models.User, facilitator.id))
    response = waiting.get("/sign-in/code")
    assert response.status_code == 302 and response.location.endswith("/sign-in")  # start again


def test_a_participant_turns_notifications_off_and_chooses_another_address(mail_app, smtp_server):
    world = exchange_case(mail_app)
    harmed = signed_in(mail_app, world["harmed"].account)
    page = harmed.get("/account/notifications").get_data(as_text=True)
    assert "checked" in page  # on, until they choose otherwise
    refused = harmed.post("/account/notifications", {"address": "thief@elsewhere.test", "by_email": "y"})
    assert refused.status_code == 400 and "thief@elsewhere.test" in refused.get_data(as_text=True)  # kept
    response = harmed.post(
        "/account/notifications", {"address": "safe@private.test", "by_email": "y", "current": PASSWORD}
    )
    assert response.status_code == 302
    with mail_app.app_context():
        user = unit_of_work().session.get(models.User, world["harmed"].account.id)
        assert user.notify_by_email and user.notification_email_sealed is not None
        assert b"safe@private.test" not in user.notification_email_sealed
        outcomes = (
            unit_of_work()
            .session.scalars(
                select(models.AuditEvent.outcome).where(models.AuditEvent.action == "account.notification-preferences")
            )
            .all()
        )
    assert outcomes == ["failure", "success"]
    assert "safe@private.test" in harmed.get("/account/notifications").get_data(as_text=True)
    bad = harmed.post("/account/notifications", {"address": "not an address", "by_email": "y"})
    assert bad.status_code == 400 and "not an address" in bad.get_data(as_text=True)  # kept, with a message
    unticked = harmed.client.post(
        "/account/notifications", data={"csrf_token": harmed.csrf_token(), "address": "safe@private.test"}
    )
    assert unticked.status_code == 302  # every box unticked, the same address: off, no password needed
    with mail_app.app_context():
        assert not unit_of_work().session.get(models.User, world["harmed"].account.id).notify_by_email


def test_the_admin_sees_messages_that_could_not_be_sent_and_sends_them_again(mail_app, smtp_server):
    admin = make_account(mail_app, Role.ADMIN)
    browser = signed_in(mail_app, admin)
    assert "Every notification has been sent." in browser.get("/admin/notifications").get_data(as_text=True)
    smtp_server.stop()
    browser.submit("/admin/staff/invite", {"name": "Sam", "email": "sam@example.test", "role": "facilitator"})
    for _ in range(MAX_ATTEMPTS):
        with mail_app.app_context(), unit_of_work() as uow:
            uow.session.execute(update(models.OutboxMessage).values(next_attempt_at=utcnow()))
        worker_pass(mail_app)
    page = browser.get("/admin/notifications").get_data(as_text=True)
    assert "An invitation" in page and "The mail server could not be reached." in page
    assert "sam@example.test" not in page  # kind, when and why; never to whom
    with mail_app.app_context():
        message_id = unit_of_work().session.scalars(select(models.OutboxMessage.id)).one()
    smtp_server.start()
    assert (
        browser.submit(f"/admin/notifications/{message_id}/retry", from_page="/admin/notifications").status_code == 302
    )
    worker_pass(mail_app)
    assert [m["To"] for m in smtp_server.messages()] == ["sam@example.test"]


def test_a_reset_link_goes_to_the_sign_in_address_not_the_notification_address(mail_app, smtp_server):
    account = exchange_case(mail_app)["harmed"].account
    with mail_app.app_context():
        uow = unit_of_work()
        user = uow.session.get(models.User, account.id)
        choices = accounts.NotificationChoices(True, True, "elsewhere@private.test")
        accounts.set_notification_choices(uow, user, choices, password=PASSWORD)
        recovery.request_reset(uow, account.email, Language.EN)
    worker_pass(mail_app)
    assert [m["To"] for m in smtp_server.messages()] == [account.email]


def test_an_emailed_link_alone_never_opens_a_staff_account_without_an_authenticator(mail_app):
    facilitator = make_account(mail_app, Role.FACILITATOR, totp=False)
    with mail_app.app_context(), unit_of_work() as uow:
        token = reset_links.new_link(uow, uow.session.get(models.User, facilitator.id), utcnow())  # as if emailed
    page = Browser(mail_app.test_client()).get(f"/reset-password/{token}")
    assert page.status_code == 410 and "need a link from an administrator" in page.get_data(as_text=True)


def test_a_reset_email_tried_again_keeps_its_link_until_it_runs_out(mail_app, smtp_server):
    account = exchange_case(mail_app)["harmed"].account
    smtp_server.stop()
    with mail_app.app_context():
        recovery.request_reset(unit_of_work(), account.email, Language.EN)
    worker_pass(mail_app)  # the link is made, the server is down
    smtp_server.start()
    with mail_app.app_context(), unit_of_work() as uow:
        uow.session.execute(update(models.OutboxMessage).values(next_attempt_at=utcnow()))
    worker_pass(mail_app)
    first = link_in(smtp_server.messages()[0])
    with mail_app.app_context():
        assert len(unit_of_work().session.scalars(select(models.PasswordReset.id)).all()) == 1  # the same link
    assert Browser(mail_app.test_client()).get(first).status_code == 200
    # Another request, the server down for longer than the link lives: the email gets a fresh link.
    smtp_server.stop()
    with mail_app.app_context():
        recovery.request_reset(unit_of_work(), account.email, Language.EN)
    worker_pass(mail_app)
    with mail_app.app_context(), unit_of_work() as uow:
        uow.session.execute(update(models.PasswordReset).values(expires_at=utcnow()))
        uow.session.execute(update(models.OutboxMessage).values(next_attempt_at=utcnow()))
    smtp_server.start()
    worker_pass(mail_app)
    links = {link_in(message) for message in smtp_server.messages()}
    (second,) = links - {first}
    assert Browser(mail_app.test_client()).get(second).status_code == 200


def test_a_facilitator_recording_a_withdrawal_is_not_emailed_about_it_but_the_others_are(mail_app, smtp_server):
    world = exchange_case(mail_app, responsible_offline=True)
    second = make_account(mail_app, Role.FACILITATOR)
    with mail_app.app_context():
        uow = unit_of_work()
        casework.assign_facilitator(uow, actor_of(world.facilitator), world.case_id, second.email)
        casework.withdraw(uow, actor_of(world.facilitator), world.case_id, world["responsible"].participant_id)
    worker_pass(mail_app)
    assert [m["To"] for m in smtp_server.messages()] == [second.email]
