"""The store on its own: migrations, content-addressed blobs, immutable counts, recounts."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import given
from hypothesis import strategies as st

from tallyroom.errors import StorageError
from tallyroom.store import BlobStore, Store
from tallyroom.store.migrate import current_revision, head_revision
from tallyroom.store.models import Base
from tallyroom.web.uploads import display_name

from .conftest import LONDON, london_candidates


@pytest.fixture
def store(database_url: str, blob_dir: Path) -> Any:
    s = Store(database_url, blob_dir)
    s.migrate()
    yield s
    s.close()


def test_migrations_build_exactly_the_models(store: Store) -> None:
    assert current_revision(store.engine) == head_revision()
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    store.migrate()  # idempotent
    assert current_revision(store.engine) == head_revision()


def test_migrations_upgrade_an_older_database(database_url: str, blob_dir: Path) -> None:
    from tallyroom.store.migrate import upgrade

    s = Store(database_url, blob_dir)
    try:
        upgrade(s.engine, "0001")
        assert current_revision(s.engine) == "0001"
        e = s.create_election("Before the upgrade", None, actor="tester")
        s.migrate()
        assert current_revision(s.engine) == head_revision()
        assert [x.title for x in s.elections()] == ["Before the upgrade"] and e.id
        with s.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        s.close()


def test_blob_store_is_content_addressed_and_checked(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "b")
    sha, size = blobs.put([b"abc", b"def"])
    assert sha == hashlib.sha256(b"abcdef").hexdigest() and size == 6
    assert blobs.path_of(sha) == tmp_path / "b" / sha[:2] / sha
    assert blobs.put([b"abcdef"]) == (sha, 6)
    assert blobs.read(sha) == b"abcdef"
    blobs.path_of(sha).write_bytes(b"tampered")
    with pytest.raises(StorageError, match="does not match its hash"):
        blobs.read(sha)
    for bad in ("../../etc/passwd", "ab", "A" * 64, sha[:-1] + "/"):
        with pytest.raises(StorageError, match="not a SHA-256"):
            blobs.path_of(bad)
    assert [p.name for p in (tmp_path / "b").iterdir()] == [sha[:2]]  # no temporary files left


def _london(store: Store) -> int:
    from tallyroom.ballots.candidates import Candidate
    from tallyroom.store import NewUpload

    e = store.create_election("GLA 2021", "2021-05-06", actor="tester")
    c = store.save_contest(
        actor="tester",
        election_id=e.id,
        title="Mayor of London",
        method="sv",
        seats=1,
        candidates=[Candidate(x["name"], x["party"]) for x in london_candidates()],
        ballot_format=None,
        rules={},
    )
    data = (LONDON / "first_second_choice_matrix.csv").read_bytes()
    sha, size = store.blobs.put([data])
    store.add_uploads(
        c.id,
        [
            NewUpload(
                sha256=sha,
                size=size,
                filename="first_second_choice_matrix.csv",
                extension=".csv",
                content_type="text/csv",
                format="csv",
                papers=2531357,
            )
        ],
        actor="tester",
    )
    return c.id


def test_recount_reproduces_and_detects_changed_bytes(store: Store) -> None:
    contest_id = _london(store)
    rec = store.run_count(contest_id, actor="tester")
    assert json.loads(rec.elected_json) == ["Sadiq Aman KHAN"]
    assert rec.result_sha256 == hashlib.sha256(rec.result_json.encode()).hexdigest()
    again = store.recount(rec.id, actor="tester")
    assert again.reproduced and again.result_sha256 == rec.result_sha256
    # someone edits the stored file on disk: the recount refuses to use it
    sha = json.loads(rec.inputs_json)[0]["sha256"]
    store.blobs.path_of(sha).write_bytes(b"first_choice,second_choice,ballots\n")
    with pytest.raises(StorageError, match="does not match its hash"):
        store.recount(rec.id, actor="tester")


def test_counts_are_never_overwritten(store: Store) -> None:
    contest_id = _london(store)
    first = store.run_count(contest_id, actor="tester")
    second = store.run_count(contest_id, actor="tester", method="fptp")
    assert second.id != first.id
    stored = store.count_record(first.id)
    assert stored is not None and stored.result_json == first.result_json
    assert json.loads(stored.spec_json)["method"] == "sv"
    assert [r.id for r in store.counts(contest_id)] == [first.id, second.id]


def test_users_need_a_real_password_and_unique_names(store: Store) -> None:
    with pytest.raises(StorageError, match="at least 10 characters"):
        store.create_user("ro", "short")
    store.create_user("ro", "long enough password")
    with pytest.raises(StorageError, match="already a user named 'ro'"):
        store.create_user("ro", "another long password")
    assert store.authenticate("ro", "long enough password") is not None
    assert store.authenticate("ro", "long enough passwore") is None


def test_secret_key_is_generated_once(store: Store) -> None:
    key = store.secret_key()
    assert len(key) >= 40 and store.secret_key() == key


@given(st.text(max_size=300))
def test_display_names_never_carry_a_path(raw: str) -> None:
    name = display_name(raw, "fallback")
    assert name and "/" not in name and "\\" not in name and "\x00" not in name
    assert not name.startswith(".") and len(name) <= 200
    assert all(ord(ch) >= 32 and ch != "\x7f" for ch in name)


@given(st.lists(st.binary(max_size=3000), max_size=6))
def test_blob_store_round_trips_any_bytes(chunks: list[bytes]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        blobs = BlobStore(tmp)
        sha, size = blobs.put(chunks)
        data = b"".join(chunks)
        assert (sha, size) == (hashlib.sha256(data).hexdigest(), len(data))
        assert blobs.read(sha) == data
        target = Path(tmp) / "copy"
        blobs.copy_to(sha, target)
        assert target.read_bytes() == data
        assert sorted(p.name for p in Path(tmp).rglob("*") if p.is_file()) == sorted(["copy", sha])
