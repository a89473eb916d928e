"""Command-line tools: `flask --app wsgi <group> <command>`."""

from __future__ import annotations

from flask import Flask

from portal.cli import audit, backup, bench, cases, db, demo, items, keys, metrics, retention, users, worker
from portal.cli.screen import screen_command


def init_app(app: Flask) -> None:
    for group in (
        db.group,
        keys.group,
        users.group,
        audit.group,
        backup.group,
        demo.group,
        items.group,
        worker.group,
        bench.group,
        metrics.group,
        cases.group,
        retention.group,
    ):
        app.cli.add_command(group)
    app.cli.add_command(screen_command)
