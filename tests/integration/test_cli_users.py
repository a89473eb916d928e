"""`flask users create-staff`: the way to make the first admin, and every manager."""

from portal.domain.enums import Role
from portal.runtime import unit_of_work
from portal.services import accounts


def test_create_staff_makes_an_account_that_must_enrol_an_authenticator(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create-staff", "--role", "manager", "--name", "Mo Manager", "--email", "mo@example.test"],
        input="a long manager passphrase\na long manager passphrase\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = accounts.find_by_email(unit_of_work(), "mo@example.test")
        assert user.role == Role.MANAGER and not user.totp_enabled
        assert accounts.details(unit_of_work(), user).name == "Mo Manager"


def test_create_staff_refuses_a_weak_password_and_a_taken_email(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(
        args=["users", "create-staff", "--role", "admin", "--name", "A", "--email", "a@example.test"],
        input="password1234\npassword1234\n",
    )
    assert weak.exit_code != 0 and "too easy to guess" in weak.output
    args = ["users", "create-staff", "--role", "admin", "--name", "A", "--email", "b@example.test"]
    runner.invoke(args=args, input="a long admin passphrase\na long admin passphrase\n")
    again = runner.invoke(args=args, input="a long admin passphrase\na long admin passphrase\n")
    assert again.exit_code != 0 and "already exists" in again.output
