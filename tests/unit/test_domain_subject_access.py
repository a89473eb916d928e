"""A person's own data: who may export, correct and erase it, and when (portal.domain.subject_access)."""

from __future__ import annotations

import uuid

import pytest

from portal.domain import subject_access as rules
from portal.domain.actors import Actor
from portal.domain.cases import Case, Participant
from portal.domain.enums import ItemKind, ItemState, ParticipantRole, RiskLevel, Role, Side, Stage, TakingPart
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.items import Item
from portal.domain.problems import Problem
from portal.domain.redaction import Redaction
from portal.domain.subject_access import Casework, CaseworkPolicy, Correction, Placeholders, WithholdingGround

FACILITATOR = Actor(uuid.uuid4(), Role.FACILITATOR)
OTHER_FACILITATOR = Actor(uuid.uuid4(), Role.FACILITATOR)
SUPERVISOR = Actor(uuid.uuid4(), Role.FACILITATOR, supervises=frozenset({FACILITATOR.user_id}))
MANAGER = Actor(uuid.uuid4(), Role.MANAGER)
ADMIN = Actor(uuid.uuid4(), Role.ADMIN)
HARMED_USER = uuid.uuid4()
HARMED = Participant(
    uuid.uuid4(), Side.HARMED, ParticipantRole.PRINCIPAL, HARMED_USER, sensitive_terms=("Elm Street",), display_name="H"
)
PROXY = Participant(uuid.uuid4(), Side.HARMED, ParticipantRole.PROXY, None, TakingPart.OFFLINE, relationship="her son")
RESPONSIBLE = Participant(uuid.uuid4(), Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, uuid.uuid4())
PARTICIPANT = Actor(HARMED_USER, Role.PARTICIPANT)
PLACEHOLDERS = Placeholders("Erased", "erased")


def case(stage: Stage = Stage.CLOSED) -> Case:
    return Case(uuid.uuid4(), stage, RiskLevel.LOW, frozenset({FACILITATOR.user_id}), (HARMED, PROXY, RESPONSIBLE))


def item(state: ItemState, author: Participant = HARMED, **changes) -> Item:
    return Item(uuid.uuid4(), uuid.uuid4(), ItemKind.LETTER, author.id, state, ("My words.",), **changes)


# --- Export ------------------------------------------------------------------------------------------


def test_only_participants_export_their_own_data_from_their_account():
    rules.require_own_exporter(PARTICIPANT)
    for staff in (FACILITATOR, MANAGER, ADMIN):
        with pytest.raises(NotAllowed) as refused:
            rules.require_own_exporter(staff)
        assert refused.value.problem == Problem.SUBJECT_ACCESS_PARTICIPANTS_ONLY


def test_an_assigned_facilitator_exports_for_anyone_of_the_case_once_the_request_is_checked():
    assert rules.require_exporter(case(Stage.EXCHANGE), FACILITATOR, PROXY.id, verified=True) == PROXY
    with pytest.raises(DomainError) as unchecked:
        rules.require_exporter(case(Stage.EXCHANGE), FACILITATOR, PROXY.id, verified=False)
    assert unchecked.value.problem == Problem.SUBJECT_ACCESS_NOT_VERIFIED


@pytest.mark.parametrize("who", [OTHER_FACILITATOR, SUPERVISOR, MANAGER, ADMIN, PARTICIPANT])
def test_nobody_else_exports_for_someone(who):
    with pytest.raises(NotAllowed):
        rules.require_exporter(case(), who, PROXY.id, verified=True)


def test_only_managers_choose_the_casework_policy():
    rules.require_policy_setter(MANAGER)
    with pytest.raises(NotAllowed):
        rules.require_policy_setter(FACILITATOR)


def test_the_policy_includes_assessments_and_contacts_but_never_the_cases_notes():
    assert rules.included(CaseworkPolicy.INCLUDE, Casework.ASSESSMENTS)
    assert rules.included(CaseworkPolicy.INCLUDE, Casework.CONTACTS)
    assert not rules.included(CaseworkPolicy.INCLUDE, Casework.NOTES)
    assert not any(rules.included(CaseworkPolicy.WITHHOLD, record) for record in Casework)
    assert all(rules.GROUNDS[record] for record in Casework)  # every withheld record says why
    assert WithholdingGround.OTHER_PEOPLE in rules.GROUNDS[Casework.CONTACTS]


# --- Rectification -----------------------------------------------------------------------------------


def test_a_correction_changes_the_details_with_a_reason():
    after = rules.rectify(
        case(Stage.EXCHANGE), FACILITATOR, PROXY, "Pat", Correction("Pat", "", "her nephew", "Asked.")
    )
    assert after.relationship == "her nephew" and after.id == PROXY.id
    renamed = rules.rectify(case(), FACILITATOR, HARMED, "Hanna", Correction("Hannah", "H", "", "Spelling."))
    assert renamed == HARMED  # only the name changed: it is sealed by the service


@pytest.mark.parametrize(
    ("correction", "problem"),
    [
        (Correction("Pat", "", "her nephew", "  "), Problem.DATA_REQUEST_REASON_NEEDED),
        (Correction(" ", "", "her son", "Asked."), Problem.PERSON_NAME_MISSING),
        (Correction("Pat", "", "her son", "Asked."), Problem.RECTIFY_NOTHING_CHANGED),
        (Correction("Pat", "", "", "Asked."), Problem.PERSON_PROXY_NEEDS_RELATIONSHIP),
    ],
)
def test_a_correction_is_refused_without_a_reason_a_name_or_a_change(correction, problem):
    with pytest.raises(DomainError) as refused:
        rules.rectify(case(), FACILITATOR, PROXY, "Pat", correction)
    assert refused.value.problem == problem


@pytest.mark.parametrize("who", [OTHER_FACILITATOR, SUPERVISOR, MANAGER, PARTICIPANT])
def test_only_an_assigned_facilitator_corrects(who):
    with pytest.raises(NotAllowed):
        rules.rectify(case(), who, PROXY, "Pat", Correction("Patricia", "", "her son", "Asked."))


# --- Erasure -----------------------------------------------------------------------------------------


def erase(person: Participant, items: list[Item], *, stage: Stage = Stage.CLOSED, who: Actor = FACILITATOR, **kw):
    values = {"reason": "Asked.", "words": False, "placeholders": PLACEHOLDERS} | kw
    return rules.erase_person(case(stage), who, person, items, **values)


def test_erasure_clears_the_details_and_with_words_the_words_of_their_items():
    mine = item(ItemState.RELEASED, redactions=(Redaction(0, 2, "name"),), message="Thanks")
    theirs = item(ItemState.RELEASED, RESPONSIBLE)
    erasure = erase(HARMED, [mine, theirs], words=True)
    assert erasure.person.display_name == "" and erasure.person.sensitive_terms == () and erasure.person.id == HARMED.id
    assert erasure.person.relationship == ""
    (erased,) = erasure.items
    assert erased.id == mine.id and erased.state == ItemState.RELEASED
    assert erased.parts == () and erased.redactions == () and erased.message == "" and erased.review_note == ""
    assert erase(HARMED, [mine]).items == ()


def test_an_erased_proxy_keeps_a_neutral_relationship():
    assert erase(PROXY, []).person.relationship == PLACEHOLDERS.relationship


@pytest.mark.parametrize("stage", [s for s in Stage if s != Stage.CLOSED])
def test_erasure_waits_until_the_case_is_closed(stage):
    with pytest.raises(DomainError) as refused:
        erase(HARMED, [], stage=stage)
    assert refused.value.problem == Problem.ERASE_CASE_OPEN


@pytest.mark.parametrize("state", sorted(rules.WAITING))
def test_erasure_waits_for_anything_of_theirs_on_its_way(state):
    with pytest.raises(DomainError) as refused:
        erase(HARMED, [item(state)])
    assert refused.value.problem == Problem.ERASE_ITEM_WAITING
    erase(HARMED, [item(state, RESPONSIBLE)])  # the other side's waiting items are not theirs to wait for


def test_erasure_needs_a_reason_an_assigned_facilitator_and_something_left_to_erase():
    with pytest.raises(DomainError) as no_reason:
        erase(HARMED, [], reason=" ")
    assert no_reason.value.problem == Problem.DATA_REQUEST_REASON_NEEDED
    for who in (OTHER_FACILITATOR, SUPERVISOR, MANAGER, PARTICIPANT):
        with pytest.raises(NotAllowed):
            erase(HARMED, [], who=who)
    erased = erase(HARMED, []).person
    with pytest.raises(DomainError) as again:
        erase(erased, [item(ItemState.DRAFT)], erased_before=True)
    assert again.value.problem == Problem.ERASE_ALREADY
    # ...but words still there can be erased after the details were.
    assert len(erase(erased, [item(ItemState.DRAFT)], erased_before=True, words=True).items) == 1
