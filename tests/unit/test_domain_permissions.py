"""Who may see and do what to an item in each state: the full matrix, row by row.

Each table is one kind of item written on the harmed side. A row is a relation to the item,
a column a state, and a cell the actions allowed (``-`` for none):

    V view   E edit   S submit   T take back   C confirm (shuttle notes)
    R review   L lift hold   P pass on (release)   O open (or ask to hold or destroy)
"""

from uuid import UUID

import pytest

from portal.domain.actors import Actor
from portal.domain.cases import Case, Participant
from portal.domain.enums import ItemKind, ItemState, ParticipantRole, RiskLevel, Role, Side, Stage, TakingPart
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.items import Item
from portal.domain.permissions import (
    ItemAction,
    ItemRelation,
    allowed,
    can_manage_case,
    can_manage_staff,
    can_see_case,
    item_relation,
    may_write_for,
    require,
    view_item,
)
from portal.domain.problems import Problem
from portal.domain.redaction import REMOVED_MARKER, Redaction
from tests.unit.refusals import refused


def uid(n: int) -> UUID:
    return UUID(int=n)


FACILITATOR = uid(1)
CASE_ID = uid(1000)

AUTHOR = Participant(uid(10), Side.HARMED, ParticipantRole.PRINCIPAL, user_id=uid(110))
AUTHOR_SUPPORTER = Participant(uid(11), Side.HARMED, ParticipantRole.SUPPORTER, user_id=uid(111), may_write=True)
AUTHOR_SIDE_OTHER = Participant(uid(12), Side.HARMED, ParticipantRole.PROXY, user_id=uid(112), relationship="her son")
RECIPIENT = Participant(uid(20), Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, user_id=uid(120))
RECIPIENT_SUPPORTER = Participant(uid(21), Side.RESPONSIBLE, ParticipantRole.SUPPORTER, user_id=uid(121))

ACTORS = {
    ItemRelation.AUTHOR: Actor(uid(110), Role.PARTICIPANT),
    ItemRelation.AUTHOR_SIDE_SUPPORTER: Actor(uid(111), Role.PARTICIPANT),
    ItemRelation.AUTHOR_SIDE_OTHER: Actor(uid(112), Role.PARTICIPANT),
    ItemRelation.RECIPIENT: Actor(uid(120), Role.PARTICIPANT),
    ItemRelation.RECIPIENT_SUPPORTER: Actor(uid(121), Role.PARTICIPANT),
    ItemRelation.ASSIGNED_FACILITATOR: Actor(FACILITATOR, Role.FACILITATOR),
    ItemRelation.UNASSIGNED_FACILITATOR: Actor(uid(9), Role.FACILITATOR),
    # The named supervisor of the case's second facilitator: reads, for supervision.
    ItemRelation.SUPERVISOR: Actor(uid(6), Role.FACILITATOR, supervises=frozenset({uid(2)})),
    ItemRelation.MANAGER: Actor(uid(7), Role.MANAGER),
    ItemRelation.ADMIN: Actor(uid(8), Role.ADMIN),
    ItemRelation.OUTSIDER: Actor(uid(300), Role.PARTICIPANT),  # takes part in another case
}


def make_case(author: Participant = AUTHOR, stage: Stage = Stage.EXCHANGE) -> Case:
    return Case(
        id=CASE_ID,
        stage=stage,
        risk_level=RiskLevel.LOW,
        facilitator_ids=frozenset({FACILITATOR, uid(2)}),
        participants=(author, AUTHOR_SUPPORTER, AUTHOR_SIDE_OTHER, RECIPIENT, RECIPIENT_SUPPORTER),
    )


def make_item(state: ItemState, kind: ItemKind = ItemKind.LETTER, **fields) -> Item:
    return Item(uid(500), CASE_ID, kind, AUTHOR.id, state=state, **({"parts": ("Dear you",)} | fields))


SCENARIOS = {
    # A letter the person harmed writes in the portal.
    "portal letter": lambda state: (make_case(), make_item(state)),
    # A handwritten letter the facilitator types in for someone offline (with an old account).
    "offline letter": lambda state: (
        make_case(Participant(AUTHOR.id, Side.HARMED, ParticipantRole.PRINCIPAL, uid(110), TakingPart.OFFLINE)),
        make_item(state, entered_by=FACILITATOR),
    ),
    # A shuttle note the facilitator writes from a conversation with the person harmed.
    "shuttle note": lambda state: (make_case(), make_item(state, ItemKind.SHUTTLE_NOTE, entered_by=FACILITATOR)),
    # A recorded message the person harmed makes in the portal: its words are its transcript.
    "portal recording": lambda state: (make_case(), make_item(state, ItemKind.RECORDING)),
    # A recorded message the facilitator makes with someone offline (with an old account).
    "offline recording": lambda state: (
        make_case(Participant(AUTHOR.id, Side.HARMED, ParticipantRole.PRINCIPAL, uid(110), TakingPart.OFFLINE)),
        make_item(state, ItemKind.RECORDING, entered_by=FACILITATOR),
    ),
}

STATES = list(ItemState)
LETTERS = {
    "V": ItemAction.VIEW,
    "E": ItemAction.EDIT,
    "S": ItemAction.SUBMIT,
    "T": ItemAction.TAKE_BACK,
    "C": ItemAction.CONFIRM,
    "R": ItemAction.REVIEW,
    "L": ItemAction.LIFT_HOLD,
    "P": ItemAction.RELEASE,
    "O": ItemAction.OPEN,
}

TABLES = {
    "portal letter": """
#                       draft submit return 2nd   approv sched  releas hold  kept  destr withh withdr
author                  VES   VT     VES    VT    VT     VT     V      VT    V     V     V     V
author_side_supporter   -     -      -      -     -      -      -      -     -     -     -     -
author_side_other       -     -      -      -     -      -      -      -     -     -     -     -
recipient               -     -      -      -     -      -      VO     -     -     -     -     -
recipient_supporter     -     -      -      -     -      -      V      -     -     -     -     -
assigned_facilitator    -     VR     -      VR    VRP    VRP    V      VL    VP    V     V     -
unassigned_facilitator  -     -      -      -     -      -      -      -     -     -     -     -
supervisor              -     V      -      V     V      V      V      V     V     V     V     -
manager                 -     -      -      -     -      -      -      -     -     -     -     -
admin                   -     -      -      -     -      -      -      -     -     -     -     -
outsider                -     -      -      -     -      -      -      -     -     -     -     -
""",
    "offline letter": """
#                       draft submit return 2nd   approv sched  releas hold  kept  destr withh withdr
author                  -     -      -      -     -      -      -      -     -     -     -     -
author_side_supporter   -     -      -      -     -      -      -      -     -     -     -     -
author_side_other       -     -      -      -     -      -      -      -     -     -     -     -
recipient               -     -      -      -     -      -      VO     -     -     -     -     -
recipient_supporter     -     -      -      -     -      -      V      -     -     -     -     -
assigned_facilitator    VES   VRT    VES    VRT   VRTP   VRTP   V      VLT   VP    V     V     -
unassigned_facilitator  -     -      -      -     -      -      -      -     -     -     -     -
supervisor              V     V      V      V     V      V      V      V     V     V     V     -
manager                 -     -      -      -     -      -      -      -     -     -     -     -
admin                   -     -      -      -     -      -      -      -     -     -     -     -
outsider                -     -      -      -     -      -      -      -     -     -     -     -
""",
    "shuttle note": """
#                       draft submit return 2nd   approv sched  releas hold  kept  destr withh withdr
author                  VC    VT     VC     VT    VT     VT     V      VT    V     V     V     V
author_side_supporter   -     -      -      -     -      -      -      -     -     -     -     -
author_side_other       -     -      -      -     -      -      -      -     -     -     -     -
recipient               -     -      -      -     -      -      VO     -     -     -     -     -
recipient_supporter     -     -      -      -     -      -      V      -     -     -     -     -
assigned_facilitator    VESC  VRT    VESC   VRT   VRTP   VRTP   V      VLT   VP    V     V     -
unassigned_facilitator  -     -      -      -     -      -      -      -     -     -     -     -
supervisor              V     V      V      V     V      V      V      V     V     V     V     -
manager                 -     -      -      -     -      -      -      -     -     -     -     -
admin                   -     -      -      -     -      -      -      -     -     -     -     -
outsider                -     -      -      -     -      -      -      -     -     -     -     -
""",
}


# A recorded message is written like a letter: the same table, row for row.
TABLES["portal recording"] = TABLES["portal letter"]
TABLES["offline recording"] = TABLES["offline letter"]


def parse(table: str) -> list[tuple[ItemRelation, ItemState, frozenset[ItemAction]]]:
    rows = []
    for line in table.strip().splitlines():
        if line.startswith("#"):
            continue
        relation, *cells = line.split()
        assert len(cells) == len(STATES), line
        for state, cell in zip(STATES, cells, strict=True):
            rows.append((ItemRelation(relation), state, frozenset(LETTERS[c] for c in cell if c != "-")))
    return rows


MATRIX = [(name, *row) for name, table in TABLES.items() for row in parse(table)]


def test_the_tables_cover_every_relation_and_state():
    for name, table in TABLES.items():
        assert {(relation, state) for relation, state, _ in parse(table)} == {
            (relation, state) for relation in ItemRelation for state in ItemState
        }, name


@pytest.mark.parametrize(
    ("scenario", "relation", "state", "expected"),
    MATRIX,
    ids=[f"{name}-{relation}-{state}" for name, relation, state, _ in MATRIX],
)
def test_permission_matrix(scenario, relation, state, expected):
    case, item = SCENARIOS[scenario](state)
    actor = ACTORS[relation]
    assert {action for action in ItemAction if allowed(action, item, case, actor)} == expected
    for action in ItemAction:  # require() must give the same answer, raising instead of saying no
        if action in expected:
            require(action, item, case, actor)
        else:
            with pytest.raises(DomainError):
                require(action, item, case, actor)


@pytest.mark.parametrize("relation", list(ItemRelation))
def test_each_test_actor_really_has_the_relation_it_stands_for(relation):
    case, item = SCENARIOS["portal letter"](ItemState.DRAFT)
    assert item_relation(item, case, ACTORS[relation]) == relation


def test_an_offline_participants_old_account_gives_no_access():
    case, item = SCENARIOS["offline letter"](ItemState.RELEASED)
    assert item_relation(item, case, ACTORS[ItemRelation.AUTHOR]) == ItemRelation.OUTSIDER


def test_an_item_checked_against_another_case_is_refused():
    _, item = SCENARIOS["portal letter"](ItemState.RELEASED)
    other_case = Case(uid(2000), Stage.EXCHANGE, RiskLevel.LOW, frozenset({FACILITATOR}), (AUTHOR, RECIPIENT))
    with pytest.raises(ValueError, match="item-not-in-case"):
        allowed(ItemAction.VIEW, item, other_case, ACTORS[ItemRelation.RECIPIENT])


def test_refusals_say_whether_it_is_who_or_when():
    case, item = SCENARIOS["portal letter"](ItemState.RELEASED)
    with pytest.raises(DomainError) as when:
        require(ItemAction.TAKE_BACK, item, case, ACTORS[ItemRelation.AUTHOR])
    assert not isinstance(when.value, NotAllowed)
    assert (when.value.problem, when.value.params) == (
        Problem.ITEM_NOT_NOW,
        {"action": ItemAction.TAKE_BACK, "kind": ItemKind.LETTER, "state": ItemState.RELEASED},
    )
    with refused(Problem.ITEM_NOT_YOURS, NotAllowed, action=ItemAction.TAKE_BACK):
        require(ItemAction.TAKE_BACK, item, case, ACTORS[ItemRelation.RECIPIENT])


def test_an_outsider_learns_nothing_about_the_state():
    case, item = SCENARIOS["portal letter"](ItemState.SUBMITTED)
    with pytest.raises(NotAllowed) as refusal:
        require(ItemAction.VIEW, item, case, ACTORS[ItemRelation.RECIPIENT])
    assert "review" not in str(refusal.value)


# --- which version a viewer sees ----------------------------------------------------------------

REDACTED = make_item(
    ItemState.RELEASED,
    parts=("I saw you at Oakfield School.",),
    redactions=(Redaction(14, 28, "Names a school"),),
    message="I removed the school name.",
)


@pytest.mark.parametrize("relation", [ItemRelation.RECIPIENT, ItemRelation.RECIPIENT_SUPPORTER])
def test_the_other_side_never_sees_the_original_of_a_redacted_item(relation):
    view = view_item(REDACTED, make_case(), ACTORS[relation])
    assert view.original is None
    assert view.release_copy == (f"I saw you at {REMOVED_MARKER}.",)
    assert view.redactions == ()
    assert view.message == ""
    assert "Oakfield" not in repr(view)


@pytest.mark.parametrize("relation", [ItemRelation.AUTHOR, ItemRelation.ASSIGNED_FACILITATOR, ItemRelation.SUPERVISOR])
def test_the_writer_and_staff_see_the_original_beside_the_release_copy(relation):
    view = view_item(REDACTED, make_case(), ACTORS[relation])
    assert view.original == ("I saw you at Oakfield School.",)
    assert view.release_copy == (f"I saw you at {REMOVED_MARKER}.",)
    assert view.redactions[0].reason == "Names a school"
    assert view.message == "I removed the school name."


@pytest.mark.parametrize("state", [s for s in ItemState if s != ItemState.RELEASED])
def test_the_other_side_sees_nothing_before_release_or_after_hold_or_destroy(state):
    with pytest.raises(NotAllowed):
        view_item(make_item(state), make_case(), ACTORS[ItemRelation.RECIPIENT])


# --- withdrawn participants ---------------------------------------------------------------------


def test_someone_who_stopped_can_still_read_and_open_but_not_write():
    stopped = Participant(RECIPIENT.id, Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, uid(120), withdrawn=True)
    case = Case(CASE_ID, Stage.WITHDRAWN, RiskLevel.LOW, frozenset({FACILITATOR}), (AUTHOR, stopped))
    received = make_item(ItemState.RELEASED)
    own_draft = Item(uid(501), CASE_ID, ItemKind.LETTER, stopped.id, parts=("Sorry",))
    actor = ACTORS[ItemRelation.RECIPIENT]
    assert allowed(ItemAction.VIEW, received, case, actor)
    assert allowed(ItemAction.OPEN, received, case, actor)
    assert allowed(ItemAction.VIEW, own_draft, case, actor)
    assert not allowed(ItemAction.EDIT, own_draft, case, actor)
    assert not allowed(ItemAction.SUBMIT, own_draft, case, actor)
    assert not may_write_for(case, actor, stopped, ItemKind.LETTER)


# --- who may start an item in someone's name ----------------------------------------------------

NO_WRITE_SUPPORTER = Participant(uid(13), Side.HARMED, ParticipantRole.SUPPORTER, user_id=uid(113))
OFFLINE = Participant(uid(14), Side.HARMED, ParticipantRole.PRINCIPAL, taking_part=TakingPart.OFFLINE)
WRITERS = [
    # (author, actor's user id, kind, may write)
    (AUTHOR, uid(110), ItemKind.LETTER, True),
    (AUTHOR_SIDE_OTHER, uid(112), ItemKind.LETTER, True),  # a proxy
    (AUTHOR_SUPPORTER, uid(111), ItemKind.LETTER, True),  # a supporter allowed to write
    (NO_WRITE_SUPPORTER, uid(113), ItemKind.LETTER, False),
    (AUTHOR, uid(111), ItemKind.LETTER, False),  # a supporter can't write as their person
    (AUTHOR, FACILITATOR, ItemKind.LETTER, False),  # nor a facilitator for someone in the portal
    (AUTHOR, FACILITATOR, ItemKind.SHUTTLE_NOTE, True),
    (AUTHOR, uid(110), ItemKind.SHUTTLE_NOTE, False),
    (NO_WRITE_SUPPORTER, FACILITATOR, ItemKind.SHUTTLE_NOTE, False),
    (OFFLINE, FACILITATOR, ItemKind.LETTER, True),
    (OFFLINE, uid(9), ItemKind.LETTER, False),  # an unassigned facilitator
    # A recording is made like a letter: by its author in the portal, by a facilitator for someone offline.
    (AUTHOR, uid(110), ItemKind.RECORDING, True),
    (AUTHOR_SUPPORTER, uid(111), ItemKind.RECORDING, True),
    (NO_WRITE_SUPPORTER, uid(113), ItemKind.RECORDING, False),
    (AUTHOR, FACILITATOR, ItemKind.RECORDING, False),
    (OFFLINE, FACILITATOR, ItemKind.RECORDING, True),
    (OFFLINE, uid(9), ItemKind.RECORDING, False),
]


@pytest.mark.parametrize(("author", "user_id", "kind", "expected"), WRITERS)
def test_who_may_start_an_item_in_someones_name(author, user_id, kind, expected):
    case = Case(
        CASE_ID,
        Stage.EXCHANGE,
        RiskLevel.LOW,
        frozenset({FACILITATOR}),
        (AUTHOR, AUTHOR_SUPPORTER, AUTHOR_SIDE_OTHER, NO_WRITE_SUPPORTER, OFFLINE, RECIPIENT),
    )
    role = Role.FACILITATOR if user_id in (FACILITATOR, uid(9)) else Role.PARTICIPANT
    assert may_write_for(case, Actor(user_id, role), author, kind) is expected


# --- case level ---------------------------------------------------------------------------------

CASE_LEVEL = [
    # (relation, may see the case, may manage it)
    (ItemRelation.ASSIGNED_FACILITATOR, True, True),
    (ItemRelation.UNASSIGNED_FACILITATOR, False, False),
    (ItemRelation.SUPERVISOR, True, False),  # reads for supervision, never acts
    (ItemRelation.MANAGER, False, False),  # workload and reports, never words
    (ItemRelation.ADMIN, False, False),
    (ItemRelation.AUTHOR, True, False),
    (ItemRelation.RECIPIENT_SUPPORTER, True, False),
    (ItemRelation.OUTSIDER, False, False),
]


@pytest.mark.parametrize(("relation", "sees", "manages"), CASE_LEVEL)
def test_who_may_see_and_manage_a_case(relation, sees, manages):
    assert can_see_case(make_case(), ACTORS[relation]) is sees
    assert can_manage_case(make_case(), ACTORS[relation]) is manages


@pytest.mark.parametrize("role", list(Role))
def test_only_admins_manage_staff(role):
    assert can_manage_staff(Actor(uid(5), role)) is (role == Role.ADMIN)
