"""The rules of files with items: identified by their bytes, only where they belong, never
approved unseen, and the other side seeing only what passes on."""

from dataclasses import replace
from datetime import datetime
from uuid import UUID

import pytest

from portal.domain import media
from portal.domain.actors import Actor
from portal.domain.cases import Case, Participant
from portal.domain.consent import ConsentRecord
from portal.domain.enums import (
    ConsentFormat,
    ItemKind,
    ItemState,
    MediaKind,
    MediaLimit,
    MediaRole,
    ParticipantRole,
    RiskLevel,
    Role,
    Side,
    SourceType,
    Stage,
    TakingPart,
)
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.items import Item
from portal.domain.media import Limits, MediaFile, ReplyCode
from portal.domain.problems import Problem


def uid(n: int) -> UUID:
    return UUID(int=n)


NOW = datetime(2026, 12, 3, 10, 0)
F1, F2 = Actor(uid(1), Role.FACILITATOR), Actor(uid(2), Role.FACILITATOR)
OTHER_FACILITATOR = Actor(uid(3), Role.FACILITATOR)
HARMED = Participant(uid(10), Side.HARMED, ParticipantRole.PRINCIPAL, uid(110))
RESPONSIBLE = Participant(uid(20), Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, uid(120))
IN_PRISON = Participant(uid(22), Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, taking_part=TakingPart.OFFLINE)
H, R = Actor(uid(110), Role.PARTICIPANT), Actor(uid(120), Role.PARTICIPANT)
MANAGER = Actor(uid(7), Role.MANAGER)


def make_case(*participants: Participant) -> Case:
    people = participants or (HARMED, RESPONSIBLE)
    consents = tuple(ConsentRecord(p.id, f, True, NOW, uid(1), True) for p in people for f in ConsentFormat)
    return Case(uid(1000), Stage.EXCHANGE, RiskLevel.LOW, frozenset({F1.user_id, F2.user_id}), people, consents)


CASE = make_case()


def item(
    kind: ItemKind = ItemKind.RECORDING, state: ItemState = ItemState.DRAFT, author: Participant = HARMED, **kw: object
) -> Item:
    return Item(uid(500), CASE.id, kind, author.id, state=state, **kw)  # type: ignore[arg-type]


def file(role: MediaRole = MediaRole.RECORDING, n: int = 1, **kw: object) -> MediaFile:
    kind = MediaKind.VIDEO if role == MediaRole.RECORDING else MediaKind.IMAGE
    return MediaFile(uid(900 + n), uid(500), role, kind, "video/webm", n, 1000, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01", SourceType.JPEG),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", SourceType.PNG),
        (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00", SourceType.GIF),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", SourceType.WEBP),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", SourceType.WAV),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0", SourceType.PDF),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81", SourceType.WEBM),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", SourceType.MP4),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", SourceType.MP4),
        (b"OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", SourceType.OGG),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00TIT2\x00\x00", SourceType.MP3),
        (b"\xff\xfb\x90\x64\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", SourceType.MP3),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00", None),  # a program named .png
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'>", None),  # pictures that can carry scripts
        (b"<html><script>alert(1)</script>", None),
        (b"\xff\xf1\x50\x80\x02\x1f\xfc\x00\x00\x00\x00\x00\x00\x00\x00\x00", None),  # raw AAC: not taken
        (b"", None),
    ],
)
def test_files_are_told_by_their_bytes(head: bytes, expected: SourceType | None) -> None:
    assert media.identify(head) == expected


def test_each_role_takes_only_its_own_types() -> None:
    assert media.check_source(MediaRole.RECORDING, SourceType.WEBM) == SourceType.WEBM
    for role, source in [
        (MediaRole.RECORDING, SourceType.JPEG),
        (MediaRole.ATTACHMENT, SourceType.MP4),
        (MediaRole.ATTACHMENT, None),
    ]:
        with pytest.raises(DomainError) as refused:
            media.check_source(role, source)
        assert refused.value.problem == Problem.MEDIA_UNKNOWN_TYPE


def test_files_only_where_they_belong() -> None:
    media.check_upload(item(ItemKind.RECORDING), CASE, H, MediaRole.RECORDING)
    media.check_upload(item(ItemKind.LETTER), CASE, H, MediaRole.ATTACHMENT)
    for kind, role in [
        (ItemKind.LETTER, MediaRole.RECORDING),
        (ItemKind.RECORDING, MediaRole.ATTACHMENT),
        (ItemKind.QUESTION_SET, MediaRole.ATTACHMENT),
    ]:
        with pytest.raises(DomainError) as refused:
            media.check_upload(item(kind), CASE, H, role)
        assert refused.value.problem == Problem.MEDIA_NOT_HERE


def test_only_the_writer_adds_files_and_only_while_it_is_with_them() -> None:
    with pytest.raises(NotAllowed):
        media.check_upload(item(), CASE, R, MediaRole.RECORDING)  # the other side
    with pytest.raises(NotAllowed):
        media.check_upload(item(), CASE, MANAGER, MediaRole.RECORDING)
    for state in (ItemState.SUBMITTED, ItemState.APPROVED, ItemState.RELEASED, ItemState.WITHDRAWN):
        with pytest.raises(DomainError) as refused:
            media.check_upload(item(state=state), CASE, H, MediaRole.RECORDING)
        assert refused.value.problem == Problem.MEDIA_NOT_EDITABLE
    media.check_upload(item(state=ItemState.RETURNED), CASE, H, MediaRole.RECORDING)
    with pytest.raises(DomainError):
        media.check_remove(item(state=ItemState.SUBMITTED), CASE, H)


def test_a_scan_is_filed_only_by_a_facilitator_for_someone_offline() -> None:
    case = make_case(HARMED, IN_PRISON)
    reply = Item(uid(500), case.id, ItemKind.LETTER, IN_PRISON.id, entered_by=F1.user_id, writers=(F1.user_id,))
    media.check_upload(reply, case, F1, MediaRole.SCAN)
    with pytest.raises(NotAllowed):
        media.check_upload(reply, case, OTHER_FACILITATOR, MediaRole.SCAN)
    with pytest.raises(NotAllowed):
        media.check_upload(item(ItemKind.LETTER), CASE, H, MediaRole.SCAN)


def test_limits_count_pictures_and_pages_and_sizes() -> None:
    limits = Limits(attachments_per_item=3, attachment_mb=2)
    pictures = [file(MediaRole.ATTACHMENT, n) for n in (1, 2)]
    media.check_count(pictures, MediaRole.ATTACHMENT, limits)
    with pytest.raises(DomainError) as refused:
        media.check_count(pictures, MediaRole.ATTACHMENT, limits, adding=2)
    assert refused.value.problem == Problem.MEDIA_TOO_MANY and refused.value.params == {"limit": 3}
    media.check_count([file()], MediaRole.RECORDING, limits)  # a new recording replaces the old one
    assert media.replaced_by_new([file(), *pictures], MediaRole.RECORDING) == (file(),)
    assert media.replaced_by_new(pictures, MediaRole.ATTACHMENT) == ()
    media.check_size(MediaRole.ATTACHMENT, 2 * media.MB, limits)
    with pytest.raises(DomainError) as refused:
        media.check_size(MediaRole.ATTACHMENT, 2 * media.MB + 1, limits)
    assert refused.value.params == {"limit_mb": 2}
    with pytest.raises(DomainError) as refused:
        media.check_size(MediaRole.RECORDING, 0, limits)
    assert refused.value.problem == Problem.MEDIA_EMPTY


def test_a_service_chooses_its_limits_within_bounds() -> None:
    assert Limits(recording_minutes=30).recording_seconds == 1800
    with pytest.raises(DomainError) as refused:
        Limits(recording_mb=0)
    assert refused.value.params == {"limit": MediaLimit.RECORDING_MB, "minimum": 1, "maximum": 200}
    with pytest.raises(DomainError):
        Limits(attachments_per_item=11)


def test_a_recording_is_sent_only_with_its_recording_and_transcript() -> None:
    with pytest.raises(DomainError) as refused:
        media.require_complete(item(parts=("What I wanted to say",)), [])
    assert refused.value.problem == Problem.MEDIA_RECORDING_NEEDED
    with pytest.raises(DomainError) as refused:
        media.require_complete(item(parts=("  ",)), [file()])
    assert refused.value.problem == Problem.MEDIA_TRANSCRIPT_NEEDED
    media.require_complete(item(parts=("What I wanted to say",)), [file()])
    media.require_complete(item(ItemKind.LETTER, parts=("Dear",)), [])  # letters need no file


def test_every_file_is_opened_before_it_is_approved() -> None:
    files = [file(), file(MediaRole.ATTACHMENT, 2, opened_by=frozenset({F1.user_id}))]
    with pytest.raises(DomainError) as refused:
        media.require_opened(F1, files)
    assert refused.value.params == {"count": 1}
    waiting = item(state=ItemState.SUBMITTED)
    seen = media.opened(waiting, CASE, F1, files[0])
    media.require_opened(F1, [seen, files[1]])
    with pytest.raises(DomainError):
        media.require_opened(F2, [seen, files[1]])  # each approver opens them for themself


def test_opening_counts_for_review_only_for_its_facilitators_while_it_waits() -> None:
    recording = file()
    assert media.opened(item(state=ItemState.DRAFT), CASE, F1, recording) == recording
    assert media.opened(item(state=ItemState.RELEASED), CASE, F1, recording) == recording
    assert media.opened(item(state=ItemState.SUBMITTED), CASE, OTHER_FACILITATOR, recording) == recording
    assert F2.user_id in media.opened(item(state=ItemState.AWAITING_SECOND_APPROVAL), CASE, F2, recording).opened_by
    assert F2.user_id in media.opened(item(state=ItemState.SCHEDULED), CASE, F2, recording).opened_by


def test_the_other_side_sees_only_what_passes_on_once_released() -> None:
    scan = file(MediaRole.SCAN, 2, passes_on=False)
    files = [file(), scan]
    released = item(ItemKind.LETTER, ItemState.RELEASED, opened_at=NOW)
    assert media.visible_files(replace(released, opened_at=None), CASE, R, files) == ()  # not opened yet
    assert media.visible_files(released, CASE, R, files) == (files[0],)
    assert media.visible_files(released, CASE, H, files) == tuple(files)  # the writer
    assert media.visible_files(released, CASE, F1, files) == tuple(files)
    assert media.visible_files(item(ItemKind.LETTER, ItemState.SUBMITTED), CASE, R, files) == ()
    assert media.visible_files(released, CASE, MANAGER, files) == ()
    assert media.visible_files(released, CASE, OTHER_FACILITATOR, files) == ()


def test_shown_on_a_service_device_only_for_an_offline_recipient() -> None:
    case = make_case(HARMED, IN_PRISON)
    released = Item(uid(500), case.id, ItemKind.RECORDING, HARMED.id, state=ItemState.RELEASED)
    shown = media.shown_on_device(released, case, F1, file(), NOW)
    assert shown.shown_on_device_at == NOW
    assert media.shown_on_device(released, case, F2, shown, datetime(2027, 1, 1)).shown_on_device_at == NOW
    with pytest.raises(DomainError) as refused:
        media.shown_on_device(replace(released, state=ItemState.APPROVED), case, F1, file(), NOW)
    assert refused.value.problem == Problem.ITEM_NOT_NOW
    with pytest.raises(DomainError) as refused:
        media.shown_on_device(item(ItemKind.RECORDING, ItemState.RELEASED), CASE, F1, file(), NOW)
    assert refused.value.problem == Problem.MEDIA_NOT_OFFLINE
    with pytest.raises(NotAllowed):
        media.shown_on_device(released, case, OTHER_FACILITATOR, file(), NOW)


def test_a_scan_passes_on_only_by_the_facilitators_choice() -> None:
    case = make_case(HARMED, IN_PRISON)
    reply = Item(uid(500), case.id, ItemKind.LETTER, IN_PRISON.id, state=ItemState.SUBMITTED, entered_by=F1.user_id)
    scan = file(MediaRole.SCAN, passes_on=False)
    assert media.pass_on_scan(reply, case, F1, scan, True).passes_on
    with pytest.raises(DomainError) as refused:
        media.pass_on_scan(reply, case, F1, file(MediaRole.ATTACHMENT), False)
    assert refused.value.problem == Problem.MEDIA_NOT_HERE
    with pytest.raises(DomainError) as refused:
        media.pass_on_scan(replace(reply, state=ItemState.RELEASED), case, F1, scan, True)
    assert refused.value.problem == Problem.MEDIA_NOT_EDITABLE


def test_reply_codes_round_trip_and_name_the_reply_kind() -> None:
    code = ReplyCode("RX-AB12CD", uid(0xABC))
    assert media.parse_reply_code(["noise", f"  {code.text()} "]) == code
    with pytest.raises(DomainError) as refused:
        media.parse_reply_code(["https://example.org", "RX-REPLY/RX-AB12CD/not-an-id"])
    assert refused.value.problem == Problem.MEDIA_NOT_A_REPLY_SHEET
    assert media.reply_kind(item(ItemKind.QUESTION_SET)) == ItemKind.ANSWERS
    assert media.reply_kind(item(ItemKind.LETTER)) == ItemKind.LETTER


def test_what_a_page_may_offer_for_an_items_files() -> None:
    draft = item(ItemKind.LETTER)
    assert media.choices(draft, CASE, H).may_add and not media.choices(draft, CASE, F1).may_add  # her draft
    assert not media.choices(item(ItemKind.QUESTION_SET), CASE, H).may_add  # questions take no files
    waiting = item(ItemKind.LETTER, ItemState.SUBMITTED)
    assert media.choices(waiting, CASE, F1).reviewing and media.choices(waiting, CASE, F1).may_choose_scans
    assert not media.choices(waiting, CASE, OTHER_FACILITATOR).reviewing
    released = item(ItemKind.RECORDING, ItemState.RELEASED)
    assert not media.choices(released, CASE, F1).may_record_shown  # nobody offline to show it to
    case = make_case(HARMED, IN_PRISON)
    shown = Item(uid(500), case.id, ItemKind.RECORDING, HARMED.id, state=ItemState.RELEASED)
    assert media.choices(shown, case, F1).may_record_shown and not media.choices(shown, case, F1).may_choose_scans
    assert media.offline_recipients(case, shown) == (IN_PRISON,)
