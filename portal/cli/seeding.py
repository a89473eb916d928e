"""A database the size of a real service, for benchmarks: `flask --app wsgi bench seed` (benchmark
tooling, kept with the command that runs it rather than among the use cases).

Every sealed value is real ciphertext made by the project's own sealing functions under a data
key of its own case, so pages do the work they would do for a service: unwrap keys, open words.
Rows go in with bulk inserts (the use cases would take hours at this size), and the audit
trail is a real chain, so `flask audit verify` still passes. Never under production settings.

Who is in it: facilitator 1 has the one big case (many items) and about 40 cases, facilitator 2
has 2,000, the rest share what is left; the big case's two participants and a manager can sign
in (all seeded accounts share one password, hashed once).
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select, text

from portal.crypto import CaseVault
from portal.domain.audit import AuditAction, AuditOutcome
from portal.domain.enums import ConsentFormat, ItemKind, ItemState, Role, Side, Stage
from portal.services import keys, passwords
from portal.services.accounts import new_session_token
from portal.services.audit import GENESIS
from portal.services.uow import UnitOfWork
from portal.storage import models

PASSWORD = "seeded accounts share this passphrase"  # noqa: S105 - a benchmark database's, printed by the command
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - the seeded staff authenticator key, printed
BATCH = 2_000
LETTER = (
    "I have thought for a long time about what to write. The night it happened changed how I feel "
    "walking home, and I want you to understand what it was like for us afterwards. "
)
STATES = (
    (ItemState.RELEASED, 60),
    (ItemState.DRAFT, 10),
    (ItemState.SUBMITTED, 8),
    (ItemState.APPROVED, 4),
    (ItemState.SCHEDULED, 2),
    (ItemState.RETURNED, 6),
    (ItemState.WITHHELD, 2),
    (ItemState.ON_HOLD, 8),
)


@dataclass(frozen=True)
class Plan:
    cases: int = 10_000
    items: int = 200_000
    audit_events: int = 1_000_000
    big_case_items: int = 2_000
    facilitators: int = 60
    seed: int = 7


@dataclass
class Seeded:
    cases: int = 0
    items: int = 0
    audit_events: int = 0
    sign_ins: list[str] = field(default_factory=list)  # the seeded accounts to sign in with


def _users(uow: UnitOfWork, plan: Plan, hashed: str) -> tuple[list[uuid.UUID], dict[str, uuid.UUID]]:
    vault = keys.directory_vault(uow)
    rows, named = [], {}
    people = [(f"facilitator{n}@bench.example", Role.FACILITATOR) for n in range(1, plan.facilitators + 1)]
    people += [
        ("manager@bench.example", Role.MANAGER),
        ("harmed@bench.example", Role.PARTICIPANT),
        ("responsible@bench.example", Role.PARTICIPANT),
    ]
    for email, role in people:
        user_id = uuid.uuid4()
        named[email] = user_id
        rows.append(
            {
                "id": user_id,
                "role": role.value,
                "email_index": vault.email_index(email),
                "email_sealed": vault.seal_account_detail(user_id, "email", email),
                "name_sealed": vault.seal_account_detail(user_id, "name", email.split("@")[0].title()),
                "password_hash": hashed,
                "session_token": new_session_token(),
                "totp_secret_sealed": (
                    vault.seal_account_detail(user_id, "totp_secret", TOTP_SECRET) if role != Role.PARTICIPANT else None
                ),
                "totp_enabled": role != Role.PARTICIPANT,
                "is_active": True,
                "language": "en",
                "notify_by_email": False,
                "daily_digest": False,
                "notify_channel": "email",
            }
        )
    uow.session.execute(insert(models.User), rows)
    facilitators = [named[f"facilitator{n}@bench.example"] for n in range(1, plan.facilitators + 1)]
    return facilitators, named


def _facilitator_of(index: int, facilitators: list[uuid.UUID]) -> uuid.UUID:
    """Case 0 is the big case; 1..39 are facilitator 1's other cases; 40..2039 facilitator 2's."""
    if index < 40:
        return facilitators[0]
    if index < 2_040:
        return facilitators[1]
    return facilitators[2 + index % (len(facilitators) - 2)]


def seed(uow: UnitOfWork, plan: Plan) -> Seeded:
    """Add a service's worth of cases, items and audit events to the database."""
    rng = random.Random(plan.seed)  # noqa: S311 - which state each benchmark item is in, not a secret
    seeded = Seeded()
    hashed = passwords.hash_password(PASSWORD)
    with uow:
        facilitators, named = _users(uow, plan, hashed)
    seeded.sign_ins = [
        "facilitator1@bench.example (the big case and about 40 others)",
        "facilitator2@bench.example (2,000 cases)",
        "manager@bench.example (every case)",
        "harmed@bench.example and responsible@bench.example (the big case)",
    ]
    per_case = max(1, (plan.items - plan.big_case_items) // max(1, plan.cases - 1))
    now = datetime.now(UTC)
    events: list[dict[str, object]] = []
    for start in range(0, plan.cases, 200):
        with uow:
            for index in range(start, min(plan.cases, start + 200)):
                big = index == 0
                items = plan.big_case_items if big else per_case
                facilitator = _facilitator_of(index, facilitators)
                case_events = _case(
                    uow,
                    index,
                    rng,
                    facilitator,
                    items,
                    now - timedelta(minutes=index),
                    (named["harmed@bench.example"], named["responsible@bench.example"]) if big else None,
                )
                seeded.cases += 1
                seeded.items += items
                events.extend(case_events)
    with uow:
        seeded.audit_events = _audit(uow, rng, events, plan.audit_events, named["manager@bench.example"], now)
    return seeded


def _case(
    uow: UnitOfWork,
    number: int,
    rng: random.Random,
    facilitator: uuid.UUID,
    item_count: int,
    updated_at: datetime,
    accounts: tuple[uuid.UUID, uuid.UUID] | None,
) -> list[dict[str, object]]:
    session = uow.session
    case_id = uuid.uuid4()
    key_row, plain = keys.create_data_key(uow, keys.CASE)
    session.flush()
    vault = CaseVault(case_id, plain)
    reference = f"CR/{number:05d}/26"  # unique, so a benchmark can search for one
    session.execute(
        insert(models.Case),
        [
            {
                "id": case_id,
                "code": f"B{rng.randrange(16**4):04X}{number:05d}"[:16],
                "data_key_id": key_row.id,
                "stage": Stage.EXCHANGE.value,
                "risk_level": rng.choice(("low", "medium", "high")),
                "risk_assessed_at": updated_at,
                "risk_assessed_by_id": facilitator,
                "referral_source": "police",
                "referral_reference_sealed": vault.seal_case_detail("referral_reference", reference),
                "reference_index": keys.directory_vault(uow).reference_index(reference),
                "offence_type_sealed": vault.seal_case_detail("offence_type", "Burglary"),
                "referred_on": date(2026, 1, 1) + timedelta(days=rng.randint(0, 300)),
                "created_by_id": facilitator,
                "created_at": updated_at - timedelta(days=30),
                "updated_at": updated_at,
            }
        ],
    )
    session.execute(
        insert(models.CaseFacilitator), [{"case_id": case_id, "user_id": facilitator, "assigned_at": updated_at}]
    )
    people = []
    for side, user_id in zip((Side.HARMED, Side.RESPONSIBLE), accounts or (None, None), strict=True):
        participant_id = uuid.uuid4()
        people.append(participant_id)
        session.execute(
            insert(models.Participant),
            [
                {
                    "id": participant_id,
                    "case_id": case_id,
                    "user_id": user_id,
                    "side": side.value,
                    "role": "principal",
                    "taking_part": "portal",
                    "name_sealed": vault.seal_participant_detail(participant_id, "name", f"Person {side.value}"),
                    "may_write": False,
                    "created_at": updated_at - timedelta(days=29),
                }
            ],
        )
    session.execute(
        insert(models.Consent),
        [
            {
                "case_id": case_id,
                "participant_id": participant,
                "format": consent.value,
                "given": True,
                "recorded_at": updated_at - timedelta(days=28),
                "recorded_by_id": facilitator,
                "by_facilitator": True,
            }
            for participant in people
            for consent in (ConsentFormat.LETTERS, ConsentFormat.QUESTIONS)
        ],
    )
    states = [state for state, weight in STATES for _ in range(weight)]
    rows, events = [], []
    for number in range(item_count):
        item_id = uuid.uuid4()
        state = rng.choice(states)
        author = people[number % 2]
        written = updated_at - timedelta(minutes=item_count - number)
        rows.append(
            {
                "id": item_id,
                "case_id": case_id,
                "kind": ItemKind.LETTER.value,
                "state": state.value,
                "author_id": author,
                "written_by": [],
                "parts_sealed": vault.seal_letter(item_id, [LETTER * rng.randint(1, 6)]),
                "approved_by": [str(facilitator)] if state in (ItemState.APPROVED, ItemState.RELEASED) else [],
                "submitted_at": written if state != ItemState.DRAFT else None,
                "release_at": written + timedelta(days=365) if state == ItemState.SCHEDULED else None,
                "released_at": written if state == ItemState.RELEASED else None,
                "created_at": written,
                "updated_at": written,
                "version": 1,
                "language": "en",
                "read_receipt": False,
                "confirmed_by_facilitator": False,
            }
        )
        events.append({"case_id": case_id, "object_id": str(item_id), "actor_id": facilitator, "at": written})
        if len(rows) >= BATCH:
            session.execute(insert(models.Item), rows)
            rows = []
    if rows:
        session.execute(insert(models.Item), rows)
    events.append({"case_id": case_id, "object_id": str(case_id), "actor_id": facilitator, "at": updated_at})
    return events


ACTIONS = (AuditAction.ITEM_VIEW, AuditAction.ITEM_SAVE, AuditAction.ITEM_SUBMIT, AuditAction.ITEM_RELEASE)


def _audit(
    uow: UnitOfWork,
    rng: random.Random,
    subjects: list[dict[str, object]],
    total: int,
    manager: uuid.UUID,
    now: datetime,
) -> int:
    """A real chain of `total` events over the seeded objects, continuing the one already there."""
    session = uow.session
    if uow.dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7274201)"))
    previous = session.scalars(select(models.AuditEvent.hash).order_by(models.AuditEvent.id.desc()).limit(1)).first()
    previous = previous or GENESIS
    start = now - timedelta(seconds=total)
    rows = []
    for number in range(total):
        subject = subjects[number % len(subjects)] if subjects else {}
        occurred_at = start + timedelta(seconds=number)
        actor_id = subject.get("actor_id") or manager
        case_id = subject.get("case_id")
        fields = {
            "occurred_at": occurred_at.isoformat(timespec="microseconds"),
            "actor_id": str(actor_id),
            "action": rng.choice(ACTIONS).value,
            "outcome": AuditOutcome.SUCCESS.value,
            "case_id": str(case_id) if case_id else None,
            "object_type": "letter",
            "object_id": subject.get("object_id"),
            "prev_hash": previous,
        }
        digest = hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()
        rows.append({**fields, "occurred_at": occurred_at, "actor_id": actor_id, "case_id": case_id, "hash": digest})
        previous = digest
        if len(rows) >= BATCH:
            session.execute(insert(models.AuditEvent), rows)
            rows = []
    if rows:
        session.execute(insert(models.AuditEvent), rows)
    return total
