"""The service manager's report over a period, and the commissioner's quarterly CSV."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, render_template, request
from flask_babel import format_decimal
from wtforms import DateField
from wtforms.validators import Optional

from portal.domain.enums import ConsentFormat, ReferralSource, Role, Side, Stage
from portal.domain.errors import DomainError
from portal.domain.reporting import Count, Period, Quarter, published_breakdown, quarter_so_far, satisfied
from portal.runtime import unit_of_work
from portal.services import reports
from portal.services.clock import today_in_uk
from portal.services.reports import ServiceReport
from portal.web.access import roles
from portal.web.catalogue import gettext as _
from portal.web.catalogue import lazy_gettext as _l
from portal.web.catalogue import ngettext
from portal.web.exchange_context import actor
from portal.web.forms import PortalForm
from portal.web.messages import refusal
from portal.web.words import format_name, format_title, score_label, side_name, source_name, stage_name

bp = Blueprint("reports", __name__)

SUPPRESSED = "fewer than 5"  # the commissioner's files are in English, whatever the page's language


class PeriodForm(PortalForm):
    """A GET form: the period is in the address, so a report can be bookmarked and shared."""

    class Meta(PortalForm.Meta):
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])


def _period(form: PeriodForm) -> Period:
    default = quarter_so_far(today_in_uk())
    if not form.validate():
        return default
    return Period(form.start.data or default.start, form.end.data or default.end)


@bp.get("/reports")
@roles(Role.MANAGER)
def index() -> tuple[str, int]:
    form = PeriodForm(formdata=request.args)
    status = 200
    try:
        period = _period(form)
    except DomainError as problem:
        form.form_errors.append(refusal(problem))
        period, status = quarter_so_far(today_in_uk()), 400
    report = reports.service_report(unit_of_work(), actor().role, period)
    shortcuts = [Quarter.of(today_in_uk())]
    while len(shortcuts) < 4:  # this quarter and the three before it
        shortcuts.append(shortcuts[-1].previous())
    return render_template(
        "reports/index.html",
        form=form,
        report=report,
        shortcuts=shortcuts,
        satisfied={side: satisfied(report.satisfaction[side]) for side in Side},
        stages=[stage for stage in Stage if stage in report.days_in_stage],
        sides=list(Side),
        charts=_charts(report),
        duration=duration,
    ), status


def duration(days: float) -> str:
    """A median time in words: hours under a day, whole days up to a week, then days to one place."""
    if days < 1 / 24:
        return _("less than an hour")
    if days < 1:
        hours = round(days * 24)
        return ngettext("%(num)d hour", "%(num)d hours", hours)
    if days < 7:
        whole = round(days)
        return ngettext("%(num)d day", "%(num)d days", whole)
    return _("%(days)s days", days=format_decimal(round(days, 1)))


def _charts(report: ServiceReport) -> dict[str, list[tuple[str, int]]]:
    """Each chart's bars as (label, number), in the page's language."""
    by_source = report.referrals_by_source
    charts = {
        "sources": [(source_name(s), by_source[s.value]) for s in ReferralSource if by_source.get(s.value)],
        "stage_now": [(stage_name(s), report.stage_now[s.value]) for s in Stage if report.stage_now.get(s.value)],
        "formats": [(format_title(f), report.exchanges_by_format.get(f, 0)) for f in ConsentFormat],
    }
    for side in Side:
        answers = report.satisfaction[side]
        charts[f"satisfaction_{side.value}"] = [(score_label(score), answers.get(score, 0)) for score in range(1, 6)]
    return charts


# --- The commissioner's file ------------------------------------------------------------------------


def columns_described() -> list[tuple[str, str]]:
    """Each column of the commissioner's file and what it holds, in the page's language (the
    column names themselves stay fixed, for the commissioner's spreadsheets)."""
    described = [
        ("quarter", _("Financial quarter, for example 2026-27 Q1")),
        ("from", _("First day counted")),
        ("to", _("Last day counted")),
        ("referrals", _("Cases referred")),
        *((f"referrals_{s.value}", _("Cases referred by: %(source)s", source=source_name(s))) for s in ReferralSource),
        *(
            (f"exchanges_{f.value}", _("Cases with something passed on by: %(format)s", format=format_name(f)))
            for f in ConsentFormat
        ),
        *((f"withdrawals_{s.value}", _("People who stopped taking part: %(side)s", side=side_name(s))) for s in Side),
        ("agreements_reached", _("Outcome agreements both sides agreed to")),
        ("actions_due", _("Agreed actions due")),
        ("actions_done", _("Agreed actions due that were done")),
    ]
    for side in Side:
        described += [
            (
                f"satisfaction_{side.value}_answers",
                _("Answers to the satisfaction question: %(side)s", side=side_name(side)),
            ),
            (
                f"satisfaction_{side.value}_satisfied",
                _("Of those, satisfied (4 or 5 out of 5): %(side)s", side=side_name(side)),
            ),
            (f"satisfaction_{side.value}_percent", _("Satisfied, as a percentage: %(side)s", side=side_name(side))),
        ]
    described.append(("median_days_to_release", _("Median days from sending for review to passing on")))
    return described


def _shown(value: int | None) -> str:
    return SUPPRESSED if value is None else str(value)


def _count(value: int) -> str:
    return _shown(Count(value).shown())


def csv_row(quarter: Quarter, report: ServiceReport) -> dict[str, str]:
    """One quarter, with every count of 1 to 4 suppressed (and what would give one away by
    subtraction), and no percentage of fewer than 5 people or that would give a small count away."""
    total, by_source = published_breakdown(
        report.referrals, {s.value: report.referrals_by_source.get(s.value, 0) for s in ReferralSource}
    )
    row = {
        "quarter": quarter.code,
        "from": report.period.start.isoformat(),
        "to": report.period.end.isoformat(),
        "referrals": _shown(total),
        "agreements_reached": _count(report.agreements_reached),
        "actions_due": _count(report.actions_due),
        "actions_done": _count(report.actions_done),
        "median_days_to_release": (
            str(report.days_to_release[0])
            if report.days_to_release and not Count(report.days_to_release[1]).suppressed
            else (SUPPRESSED if report.days_to_release else "")
        ),
    }
    for source, count in by_source.items():
        row[f"referrals_{source}"] = _shown(count)
    for consent_format in ConsentFormat:
        row[f"exchanges_{consent_format.value}"] = _count(report.exchanges_by_format.get(consent_format, 0))
    for side in Side:
        row[f"withdrawals_{side.value}"] = _count(sum(n for (_, s), n in report.withdrawals.items() if s == side))
        share = satisfied(report.satisfaction[side])
        part, percent = share.published()
        row[f"satisfaction_{side.value}_answers"] = _count(share.whole)
        row[f"satisfaction_{side.value}_satisfied"] = _shown(part)
        row[f"satisfaction_{side.value}_percent"] = "" if percent is None else str(percent)
    return row


@bp.get("/reports/commissioner.csv")
@roles(Role.MANAGER)
def commissioner_csv() -> Response | tuple[str, int]:
    form = PeriodForm(formdata=request.args)
    try:
        period = _period(form)
    except DomainError as problem:
        return refusal(problem), 400
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[name for name, _words in columns_described()], lineterminator="\r\n")
    writer.writeheader()
    for quarter, report in reports.quarterly(unit_of_work(), actor().role, period):
        writer.writerow(csv_row(quarter, report))
    name = f"restorative-exchange-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/reports/columns")
@roles(Role.MANAGER)
def columns() -> str:
    """What each column of the commissioner's file holds."""
    return render_template("reports/columns.html", columns=columns_described(), suppressed=SUPPRESSED)
