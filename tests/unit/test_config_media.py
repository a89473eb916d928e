"""Where media files are kept comes from the environment; production refuses a store it cannot use."""

from __future__ import annotations

import stat
import subprocess
import sys
import uuid

import pytest

from portal.config import PROJECT_ROOT, ConfigError, development_config, load_config
from portal.storage.media_store import DatabaseStore, DirectoryStore, ObjectStore, store_from_config, store_named
from tests.unit.test_config import PRODUCTION


def test_files_are_kept_in_the_database_unless_told_otherwise(tmp_path):
    config = development_config({}, instance=tmp_path)
    assert config["MEDIA_STORE"] == "database"
    assert config["MEDIA_DIR"] == str(tmp_path / "media")
    assert isinstance(store_from_config(config), DatabaseStore)
    assert load_config(PRODUCTION)["MEDIA_STORE"] == "database"
    assert load_config(PRODUCTION)["MEDIA_DIR"] is None  # no folder is guessed in production


def test_a_store_that_does_not_exist_is_refused_naming_the_setting():
    with pytest.raises(ConfigError, match="PORTAL_MEDIA_STORE") as error:
        load_config({"PORTAL_MEDIA_STORE": "floppy"})
    assert "\n" not in str(error.value)
    with pytest.raises(ConfigError, match="PORTAL_MEDIA_STORE"):
        store_named("floppy", {})


def test_production_refuses_a_directory_store_without_its_folder(tmp_path):
    env = {**PRODUCTION, "PORTAL_MEDIA_STORE": "directory"}
    with pytest.raises(ConfigError, match="PORTAL_MEDIA_DIR is not set"):
        load_config(env)
    with pytest.raises(ConfigError, match="PORTAL_MEDIA_DIR is not an existing folder"):
        load_config({**env, "PORTAL_MEDIA_DIR": str(tmp_path / "not-mounted")})
    (tmp_path / "a-file").write_bytes(b"")
    with pytest.raises(ConfigError, match="PORTAL_MEDIA_DIR is not an existing folder"):
        load_config({**env, "PORTAL_MEDIA_DIR": str(tmp_path / "a-file")})
    with pytest.raises(ConfigError, match="PORTAL_MEDIA_DIR must be an absolute path"):
        load_config({**env, "PORTAL_MEDIA_DIR": "media"})
    assert not (tmp_path / "not-mounted").exists()


def test_production_uses_an_existing_folder_and_never_makes_one(tmp_path):
    folder = tmp_path / "media"
    folder.mkdir(mode=0o700)
    config = load_config({**PRODUCTION, "PORTAL_MEDIA_STORE": "directory", "PORTAL_MEDIA_DIR": str(folder)})
    store = store_from_config(config)
    assert isinstance(store, DirectoryStore)
    assert store.root == folder
    assert store.create is False


def test_development_makes_its_media_folder_private(tmp_path):
    config = development_config({"PORTAL_MEDIA_STORE": "directory"}, instance=tmp_path)
    store = store_from_config(config)
    assert isinstance(store, DirectoryStore)
    assert store.create is True
    store.put(None, uuid.uuid4(), uuid.uuid4(), iter([b"x" * 100]))
    assert stat.S_IMODE((tmp_path / "media").stat().st_mode) == 0o700


def test_production_refuses_an_object_store_without_a_bucket():
    env = {**PRODUCTION, "PORTAL_MEDIA_STORE": "object", "PORTAL_MEDIA_S3_ENDPOINT": "https://s3.example.org"}
    with pytest.raises(ConfigError, match="PORTAL_MEDIA_BUCKET is not set") as error:
        load_config(env)
    assert "\n" not in str(error.value)
    config = load_config({**env, "PORTAL_MEDIA_BUCKET": "portal-media", "PORTAL_MEDIA_S3_REGION": "eu-west-2"})
    store = store_from_config(config)
    assert isinstance(store, ObjectStore)
    assert (store.bucket, store.endpoint, store.region) == ("portal-media", "https://s3.example.org", "eu-west-2")


def test_the_endpoint_must_be_an_address_and_is_never_repeated():
    with pytest.raises(ConfigError, match="PORTAL_MEDIA_S3_ENDPOINT must be an http") as error:
        load_config({"PORTAL_MEDIA_S3_ENDPOINT": "s3.example.org"})
    assert "s3.example.org" not in str(error.value)
    secret = "wJalrXUtnFEMI-K7MDENG"
    with pytest.raises(ConfigError, match="must not hold credentials") as error:
        load_config({"PORTAL_MEDIA_S3_ENDPOINT": f"https://AKIAEXAMPLE:{secret}@s3.example.org"})
    assert secret not in str(error.value)
    assert "AKIAEXAMPLE" not in str(error.value)


def test_the_object_store_client_is_made_on_first_use_only():
    """Building the store neither imports boto3 nor reaches the endpoint: the app starts without it."""
    probe = (
        "import sys\n"
        "from portal.storage.media_store import store_from_config\n"
        "store = store_from_config({'MEDIA_STORE': 'object', 'MEDIA_BUCKET': 'b',"
        " 'MEDIA_S3_ENDPOINT': 'http://127.0.0.1:9'})\n"
        "assert store._client is None\n"
        "print('boto3' in sys.modules, 'botocore' in sys.modules)\n"
        "client = store.client\n"
        "print(client.meta.endpoint_url, client.meta.region_name, store.client is client)\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.splitlines() == ["False False", "http://127.0.0.1:9 us-east-1 True"]
