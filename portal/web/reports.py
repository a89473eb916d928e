"""The service manager's report."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.domain.enums import Role
from portal.runtime import unit_of_work
from portal.services import reports
from portal.web.access import roles
from portal.web.exchange_context import actor

bp = Blueprint("reports", __name__)


@bp.get("/reports")
@roles(Role.MANAGER)
def index():
    report = reports.service_report(unit_of_work(), actor().role)
    return render_template("reports/index.html", report=report)
