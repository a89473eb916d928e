"""The same use cases with files kept in a folder and in an S3-compatible bucket (moto's server,
over real HTTP): a file added, opened by ranges, replaced and removed, with the old copy deleted
only once the change has committed, and nothing of it in the clear where it is kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from portal import create_app
from portal.domain.enums import ItemKind, MediaRole
from portal.runtime import unit_of_work
from portal.services import letters, media
from portal.storage.db import EXTENSION_KEY
from tests import media_samples
from tests.factories import CaseWorld, actor_of, exchange_case
from tests.integration.test_media_service import FORMATS, spool_of
from tests.integration.test_media_store import REGION, aws_env, bucket, s3, s3_endpoint  # noqa: F401 - fixtures


@pytest.fixture(params=["directory", "object"])
def kept(request, settings, tmp_path) -> Iterator[tuple[Flask, Callable[[], bytes]]]:
    """An app keeping files in one store, and every byte that store holds."""
    if request.param == "directory":
        root = tmp_path / "media"
        app = create_app(settings | {"MEDIA_STORE": "directory", "MEDIA_DIR": str(root)})

        def raw() -> bytes:
            return b"".join(p.read_bytes() for p in sorted(Path(root).rglob("*")) if p.is_file())
    else:
        client, name = request.getfixturevalue("s3"), request.getfixturevalue("bucket")
        endpoint = request.getfixturevalue("s3_endpoint")
        config = {
            "MEDIA_STORE": "object",
            "MEDIA_BUCKET": name,
            "MEDIA_S3_ENDPOINT": endpoint,
            "MEDIA_S3_REGION": REGION,
        }
        app = create_app(settings | config)

        def raw() -> bytes:
            objects = client.list_objects_v2(Bucket=name).get("Contents", [])
            return b"".join(client.get_object(Bucket=name, Key=o["Key"])["Body"].read() for o in objects)

    yield app, raw
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()


def test_a_recording_kept_outside_the_database(kept) -> None:
    app, raw = kept
    world: CaseWorld = exchange_case(app, formats=FORMATS)
    harmed = actor_of(world["harmed"].account)
    with app.app_context():
        uow = unit_of_work()
        item_id = letters.start(uow, harmed, world.case_id, ItemKind.RECORDING, None)
        (first,) = media.add_file(
            uow, harmed, world.case_id, item_id, MediaRole.RECORDING, spool_of(media_samples.webm_like_browser(2))
        )
        row_store = media.files_of(uow, item_id)
        opening = media.open_file(uow, harmed, world.case_id, first, 10, 5000)
        whole = media.open_file(uow, harmed, world.case_id, first, 0, None).data
    assert opening.data == whole[10:5001] and len(whole) == opening.size
    assert raw() and whole[100:140] not in raw()
    assert uow.media_stores.current.name == app.config["MEDIA_STORE"] and len(row_store) == 1
    with app.app_context():
        uow = unit_of_work()
        (second,) = media.add_file(
            uow, harmed, world.case_id, item_id, MediaRole.RECORDING, spool_of(media_samples.mp3_with_tags(1))
        )
    stored = raw()
    assert whole[100:140] not in stored  # the replaced recording is gone from the store
    with app.app_context():
        uow = unit_of_work()
        media.remove_file(uow, harmed, world.case_id, second)
        assert media.files_of(uow, item_id) == []
    assert raw() == b""


def test_a_rolled_back_removal_keeps_the_file(kept) -> None:
    app, raw = kept
    world = exchange_case(app, formats=FORMATS)
    harmed = actor_of(world["harmed"].account)
    with app.app_context():
        uow = unit_of_work()
        item_id = letters.start(uow, harmed, world.case_id, ItemKind.RECORDING, None)
        (file_id,) = media.add_file(
            uow, harmed, world.case_id, item_id, MediaRole.RECORDING, spool_of(media_samples.webm_like_browser(1))
        )
        before = raw()
        with pytest.raises(RuntimeError), uow:
            media.remove_file(uow, harmed, world.case_id, file_id)
            raise RuntimeError("the unit of work fails after the removal")
        assert raw() == before
        assert media.open_file(uow, harmed, world.case_id, file_id).size > 0
