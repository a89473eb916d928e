"""`flask users`: staff accounts made from the command line (the first admin, for example)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.runtime import unit_of_work
from portal.services import accounts
from portal.services.accounts import AccountError, Role
from portal.web.messages import refusal

group = AppGroup("users", help="Staff accounts.")


@group.command("create-staff")
@click.option("--role", type=click.Choice(["facilitator", "manager", "admin"]), required=True)
@click.option("--name", prompt=True)
@click.option("--email", prompt=True)
@click.password_option()
def create_staff(role: str, name: str, email: str, password: str) -> None:
    """Make a staff account; they set up an authenticator app when they first sign in."""
    uow = unit_of_work()
    try:
        accounts.create_account(uow, role=Role(role), name=name, email=email, password=password)
    except AccountError as problem:
        raise click.ClickException(refusal(problem)) from None
    click.echo(f"Created a {role} account. They will set up an authenticator app at first sign-in.")
