"""`flask --app wsgi screen FILE [--term TERM]...`: screen one letter and print its findings as JSON.

The facilitator's tools and the corpus scorer read stdout, so nothing else is printed there.
"""

from __future__ import annotations

import json

import click

from portal.screening import screen


@click.command("screen")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--term", "terms", multiple=True, help="A sensitive term for this case (repeatable).")
def screen_command(file: str, terms: tuple[str, ...]) -> None:
    """Print the findings for FILE as a JSON list of {category, start, end, text}."""
    # newline="" keeps "\r\n" as two characters, so offsets match the file as others read it.
    with open(file, encoding="utf-8", newline="") as letter:
        text = letter.read()
    click.echo(json.dumps([finding.to_dict() for finding in screen(text, terms)]))
