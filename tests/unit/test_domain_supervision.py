"""Who names senior facilitators and supervisors, and who records a case's supervision."""

from uuid import UUID

import pytest

from portal.domain.actors import Actor
from portal.domain.cases import Case
from portal.domain.enums import RiskLevel, Role, Stage
from portal.domain.errors import NotAllowed
from portal.domain.problems import Problem
from portal.domain.supervision import StaffMember, name_supervisor, record_supervision, set_senior
from tests.unit.refusals import refused

ADMIN = Actor(UUID(int=8), Role.ADMIN)
FACILITATOR = StaffMember(UUID(int=1), Role.FACILITATOR, active=True, senior=False)
SENIOR = StaffMember(UUID(int=2), Role.FACILITATOR, active=True, senior=True)
CASE = Case(UUID(int=1000), Stage.EXCHANGE, RiskLevel.LOW, frozenset({FACILITATOR.id}))


def test_only_an_admin_names_seniors_and_supervisors_and_only_for_facilitators():
    with pytest.raises(NotAllowed):
        set_senior(Actor(SENIOR.id, Role.FACILITATOR), FACILITATOR, True)
    with pytest.raises(NotAllowed):
        name_supervisor(Actor(UUID(int=7), Role.MANAGER), FACILITATOR, SENIOR)
    manager = StaffMember(UUID(int=7), Role.MANAGER, active=True, senior=False)
    with refused(Problem.STAFF_FACILITATORS_ONLY):
        set_senior(ADMIN, manager, True)
    with refused(Problem.STAFF_FACILITATORS_ONLY):
        name_supervisor(ADMIN, manager, SENIOR)
    set_senior(ADMIN, FACILITATOR, True)
    name_supervisor(ADMIN, FACILITATOR, SENIOR)
    name_supervisor(ADMIN, FACILITATOR, None)


@pytest.mark.parametrize(
    ("supervisor", "problem"),
    [
        (FACILITATOR, Problem.SUPERVISOR_NOT_SELF),
        (StaffMember(UUID(int=3), Role.FACILITATOR, active=True, senior=False), Problem.SUPERVISOR_SENIOR_ONLY),
        (StaffMember(UUID(int=3), Role.FACILITATOR, active=False, senior=True), Problem.SUPERVISOR_SENIOR_ONLY),
        (StaffMember(UUID(int=3), Role.MANAGER, active=True, senior=True), Problem.SUPERVISOR_SENIOR_ONLY),
    ],
    ids=["themself", "not senior", "switched off", "not a facilitator"],
)
def test_a_supervisor_is_another_active_senior_facilitator(supervisor, problem):
    with refused(problem):
        name_supervisor(ADMIN, FACILITATOR, supervisor)


def test_only_the_supervisor_of_one_of_its_facilitators_records_a_cases_supervision():
    supervisor = Actor(SENIOR.id, Role.FACILITATOR, supervises=frozenset({FACILITATOR.id}))
    written = "  Discussed the risk plan.  "
    assert record_supervision(CASE, supervisor, written) == written  # kept as written
    with refused(Problem.SUPERVISION_EMPTY):
        record_supervision(CASE, supervisor, " ")
    for other in (
        Actor(FACILITATOR.id, Role.FACILITATOR),  # the facilitator themself
        Actor(SENIOR.id, Role.FACILITATOR, supervises=frozenset({UUID(int=5)})),  # supervises someone else
        Actor(UUID(int=7), Role.MANAGER),
    ):
        with refused(Problem.SUPERVISION_SUPERVISORS_ONLY):
            record_supervision(CASE, other, "Notes.")
