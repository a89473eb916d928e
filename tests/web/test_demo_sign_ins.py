"""The README's demo sign-ins work and land on the screens they describe."""

from portal.config import PROJECT_ROOT
from portal.domain.enums import Role
from portal.services import demo
from tests.helpers import Account, Browser, sign_in


def test_the_demo_sign_ins_in_the_readme_work(app):
    app.test_cli_runner().invoke(args=["demo", "load"])
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert demo.PASSWORD in text and demo.FACILITATOR_TOTP_SECRET in text

    facilitator = Browser(app.test_client())
    sign_in(
        app,
        facilitator,
        Account(None, "facilitator@demo.example", demo.PASSWORD, Role.FACILITATOR, demo.FACILITATOR_TOTP_SECRET),
    )
    cases = facilitator.get("/cases/").get_data(as_text=True)
    assert "2 to review" in cases and "Someone stopped taking part" in cases

    harmed = Browser(app.test_client())
    sign_in(app, harmed, Account(None, "harmed@demo.example", demo.PASSWORD, Role.PARTICIPANT))
    inbox = harmed.get(harmed.get("/my-cases").location).get_data(as_text=True)
    assert "Please check what your facilitator wrote" in inbox and "Waiting for your facilitator" in inbox

    responsible = Browser(app.test_client())
    sign_in(app, responsible, Account(None, "responsible@demo.example", demo.PASSWORD, Role.PARTICIPANT))
    inbox = responsible.get(responsible.get("/my-cases").location).get_data(as_text=True)
    assert "You have a letter. Open it when you&#39;re ready." in inbox
