"""The :class:`Store`: the one API the web application and the CLI use for persistence.

``Store(database_url, blob_dir)`` opens SQLite (``sqlite:///path``) or PostgreSQL
(``postgresql+psycopg://user@host/db``). :meth:`Store.migrate` applies the
Alembic migrations. Every write is one transaction; counts are immutable and
every change is recorded in the audit trail with the acting user and the
hashes of the inputs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError as SqlIntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..ballots.candidates import Candidate
from ..errors import StorageError
from .accounts import check_password_strength, hash_password, new_token, verify_password
from .blobs import BlobStore
from .counting import CountSpec, Progress, StoredInput, candidates_to_json, compute
from .migrate import upgrade
from .models import (
    AuditEvent,
    Blob,
    Contest,
    CountRecord,
    Election,
    Setting,
    Upload,
    User,
    WebSession,
    utcnow,
)

__all__ = ["NewUpload", "RecountResult", "Store", "normalize_database_url"]

_DUMMY_HASH = hash_password("tallyroom-timing-equaliser")


def normalize_database_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` (use psycopg 3) as well as SQLAlchemy URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _engine(url: str) -> Engine:
    u = make_url(normalize_database_url(url))
    if u.get_backend_name() == "sqlite":
        if u.database in (None, "", ":memory:"):
            raise StorageError(
                "use a SQLite file (sqlite:///path/to/tallyroom.db), not an in-memory database"
            )
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(u, connect_args={"check_same_thread": False, "timeout": 60})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            # Take the write lock at the start: concurrent writers wait instead of failing.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if u.get_backend_name() == "postgresql":
        return create_engine(u, pool_pre_ping=True)
    raise StorageError(
        f"unsupported database {u.get_backend_name()!r}; use sqlite:///path or postgresql://…"
    )


@dataclass(frozen=True, kw_only=True)
class NewUpload:
    """A checked ballot file ready to attach: its bytes are already in the blob store."""

    sha256: str
    size: int
    filename: str
    extension: str
    content_type: str
    format: str
    papers: int


@dataclass(frozen=True, kw_only=True)
class RecountResult:
    """The outcome of rerunning a stored count."""

    count: CountRecord
    reproduced: bool
    result_sha256: str


class Store:
    """Persistence of elections, contests, ballot files, counts and the audit trail."""

    def __init__(self, database_url: str, blob_dir: str | Path) -> None:
        self.database_url = normalize_database_url(database_url)
        self.engine = _engine(self.database_url)
        self.blobs = BlobStore(blob_dir)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    # -- plumbing ----------------------------------------------------------------------
    def migrate(self) -> None:
        """Create or upgrade the schema (Alembic, to the newest revision)."""
        upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on error."""
        with self._sessions.begin() as s:
            yield s

    def _audit(
        self,
        s: Session,
        actor: str,
        action: str,
        *,
        contest_id: int | None = None,
        count_id: int | None = None,
        **detail: Any,
    ) -> None:
        s.add(
            AuditEvent(
                at=utcnow(),
                actor=actor,
                action=action,
                contest_id=contest_id,
                count_id=count_id,
                detail_json=json.dumps(detail, sort_keys=True, ensure_ascii=False),
            )
        )

    # -- settings ------------------------------------------------------------------------
    def secret_key(self) -> str:
        """The session signing secret, generated and stored on first use."""
        with self.session() as s:
            row = s.get(Setting, "secret_key")
            if row is not None:
                return row.value
            value = new_token(48)
            s.add(Setting(key="secret_key", value=value))
            return value

    # -- users and sessions ------------------------------------------------------------
    def user_count(self) -> int:
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(User)) or 0)

    def create_user(self, username: str, password: str, *, actor: str = "(command line)") -> User:
        """Create an administrator. Refuses weak passwords and duplicate names."""
        username = username.strip()
        problems = check_password_strength(password)
        if not username or len(username) > 80:
            problems.insert(0, "a user name needs 1 to 80 characters")
        if problems:
            raise StorageError("; ".join(problems))
        try:
            with self.session() as s:
                user = User(
                    username=username,
                    password_hash=hash_password(password),
                    is_admin=True,
                    created_at=utcnow(),
                )
                s.add(user)
                s.flush()
                self._audit(s, actor, "create-user", user=username)
                return user
        except SqlIntegrityError:
            raise StorageError(f"there is already a user named {username!r}") from None

    def set_password(self, username: str, password: str, *, actor: str = "(command line)") -> None:
        """Give a user a new password and end all their sessions."""
        problems = check_password_strength(password)
        if problems:
            raise StorageError("; ".join(problems))
        with self.session() as s:
            user = s.scalar(select(User).where(User.username == username.strip()))
            if user is None:
                raise StorageError(f"there is no user named {username.strip()!r}")
            user.password_hash = hash_password(password)
            for row in s.scalars(select(WebSession).where(WebSession.user_id == user.id)):
                s.delete(row)
            self._audit(s, actor, "set-password", user=user.username)

    def usernames(self) -> list[str]:
        """Every administrator's name, sorted."""
        with self.session() as s:
            return list(s.scalars(select(User.username).order_by(User.username)))

    def authenticate(self, username: str, password: str) -> User | None:
        """The user with this name and password, else ``None`` (same cost either way).

        A refusal is recorded in the audit trail (``sign-in-refused``, under the name tried).
        """
        name = username.strip()
        with self.session() as s:
            user = s.scalar(select(User).where(User.username == name))
        if user is None:
            verify_password(_DUMMY_HASH, password)
        elif verify_password(user.password_hash, password):
            return user
        with self.session() as s:
            self._audit(s, name[:80] or "(blank)", "sign-in-refused")
        return None

    def failed_sign_ins(self, username: str, window: timedelta) -> int:
        """How many sign-ins under this name were refused in the last ``window``."""
        since = utcnow() - window
        with self.session() as s:
            return int(
                s.scalar(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(
                        AuditEvent.action == "sign-in-refused",
                        AuditEvent.actor == username.strip()[:80],
                        AuditEvent.at >= since,
                    )
                )
                or 0
            )

    def open_session(self, user: User, lifetime: timedelta) -> str:
        sid = new_token(32)
        now = utcnow()
        with self.session() as s:
            s.add(WebSession(id=sid, user_id=user.id, created_at=now, expires_at=now + lifetime))
            self._audit(s, user.username, "sign-in")
        return sid

    def session_user(self, sid: str) -> User | None:
        with self.session() as s:
            row = s.get(WebSession, sid)
            if row is None:
                return None
            if _aware(row.expires_at) <= utcnow():
                s.delete(row)
                return None
            return s.get(User, row.user_id)

    def close_session(self, sid: str, *, actor: str | None = None) -> None:
        """End a session (recorded as ``sign-out`` when ``actor`` is given)."""
        with self.session() as s:
            row = s.get(WebSession, sid)
            if row is not None:
                s.delete(row)
                if actor is not None:
                    self._audit(s, actor, "sign-out")

    # -- elections and contests ----------------------------------------------------------
    def create_election(self, title: str, poll_date: str | None, *, actor: str) -> Election:
        with self.session() as s:
            e = Election(title=title, poll_date=poll_date, created_by=actor, created_at=utcnow())
            s.add(e)
            s.flush()
            self._audit(s, actor, "create-election", election_id=e.id, title=title)
            return e

    def elections(self) -> list[Election]:
        with self.session() as s:
            return list(s.scalars(select(Election).order_by(Election.id)))

    def election(self, election_id: int) -> Election | None:
        with self.session() as s:
            return s.get(Election, election_id)

    def contests(self, election_id: int | None = None) -> list[Contest]:
        with self.session() as s:
            q = select(Contest).order_by(Contest.id)
            if election_id is not None:
                q = q.where(Contest.election_id == election_id)
            return list(s.scalars(q))

    def contest(self, contest_id: int) -> Contest | None:
        with self.session() as s:
            return s.get(Contest, contest_id)

    def save_contest(
        self,
        *,
        actor: str,
        contest_id: int | None = None,
        election_id: int | None = None,
        title: str,
        method: str,
        seats: int | None,
        candidates: Sequence[Candidate] | None,
        ballot_format: str | None,
        rules: dict[str, Any],
    ) -> Contest:
        """Create a contest (give ``election_id``) or change one (give ``contest_id``)."""
        with self.session() as s:
            if contest_id is None:
                if election_id is None or s.get(Election, election_id) is None:
                    raise StorageError(f"no election with id {election_id}")
                c = Contest(election_id=election_id, created_at=utcnow())
                s.add(c)
                action = "create-contest"
            else:
                found = s.get(Contest, contest_id)
                if found is None:
                    raise StorageError(f"no contest with id {contest_id}")
                c = found
                action = "edit-contest"
            c.title = title
            c.method = method
            c.seats = seats
            c.candidates_json = candidates_to_json(candidates)
            c.ballot_format = ballot_format
            c.rules_json = json.dumps(rules, sort_keys=True, ensure_ascii=False)
            c.updated_at = utcnow()
            s.flush()
            self._audit(
                s,
                actor,
                action,
                contest_id=c.id,
                title=title,
                method=method,
                seats=seats,
                ballot_format=ballot_format,
                rules=rules,
                candidates=None if candidates is None else [x.name for x in candidates],
            )
            return c

    # -- uploads -------------------------------------------------------------------------
    def uploads(self, contest_id: int, *, withdrawn: bool = False) -> list[Upload]:
        """The contest's ballot files in upload order (with ``withdrawn``: also those withdrawn)."""
        with self.session() as s:
            q = select(Upload).where(Upload.contest_id == contest_id).order_by(Upload.position)
            if not withdrawn:
                q = q.where(Upload.withdrawn_at.is_(None))
            return list(s.scalars(q))

    def withdraw_upload(self, contest_id: int, upload_id: int, *, actor: str) -> Upload:
        """Stop counting a ballot file; earlier counts and the stored bytes are kept."""
        with self.session() as s:
            row = s.get(Upload, upload_id)
            if row is None or row.contest_id != contest_id:
                raise StorageError(f"contest {contest_id} has no ballot file {upload_id}")
            if row.withdrawn_at is not None:
                raise StorageError(f"{row.filename} was already withdrawn")
            row.withdrawn_at = utcnow()
            row.withdrawn_by = actor
            self._audit(
                s,
                actor,
                "withdraw-file",
                contest_id=contest_id,
                upload_id=row.id,
                filename=row.filename,
                sha256=row.sha256,
            )
            return row

    def add_uploads(
        self, contest_id: int, files: Sequence[NewUpload], *, actor: str
    ) -> list[Upload]:
        """Attach checked files (their bytes already stored) to a contest, in order, at once."""
        for attempt in range(5):
            try:
                return self._add_uploads(contest_id, files, actor=actor)
            except SqlIntegrityError:
                # Another request stored the same bytes (blob row) at the same moment: retry.
                if attempt == 4:
                    raise
        raise AssertionError("unreachable")

    def _add_uploads(
        self, contest_id: int, files: Sequence[NewUpload], *, actor: str
    ) -> list[Upload]:
        with self.session() as s:
            contest = s.scalar(select(Contest).where(Contest.id == contest_id).with_for_update())
            if contest is None:
                raise StorageError(f"no contest with id {contest_id}")
            last = s.scalar(
                select(func.max(Upload.position)).where(Upload.contest_id == contest_id)
            )
            position = int(last or 0)
            rows = []
            for f in files:
                if s.get(Blob, f.sha256) is None:
                    s.add(Blob(sha256=f.sha256, size=f.size, created_at=utcnow()))
                    s.flush()
                position += 1
                row = Upload(
                    contest_id=contest_id,
                    position=position,
                    sha256=f.sha256,
                    filename=f.filename,
                    extension=f.extension,
                    content_type=f.content_type,
                    size=f.size,
                    format=f.format,
                    papers=f.papers,
                    uploaded_by=actor,
                    uploaded_at=utcnow(),
                )
                s.add(row)
                rows.append(row)
            s.flush()
            for row in rows:
                self._audit(
                    s,
                    actor,
                    "upload",
                    contest_id=contest_id,
                    upload_id=row.id,
                    filename=row.filename,
                    sha256=row.sha256,
                    size=row.size,
                    format=row.format,
                )
            return rows

    # -- counts --------------------------------------------------------------------------
    def counts(self, contest_id: int) -> list[CountRecord]:
        with self.session() as s:
            return list(
                s.scalars(
                    select(CountRecord)
                    .where(CountRecord.contest_id == contest_id)
                    .order_by(CountRecord.id)
                )
            )

    def count_record(self, count_id: int) -> CountRecord | None:
        with self.session() as s:
            return s.get(CountRecord, count_id)

    def spec_for(self, contest: Contest, **overrides: Any) -> CountSpec:
        """The count specification of a contest as it stands (options may be overridden)."""
        cands = None if contest.candidates_json is None else json.loads(contest.candidates_json)
        values: dict[str, Any] = {
            "method": contest.method,
            "seats": contest.seats,
            "rules": json.loads(contest.rules_json or "{}"),
            "ballot_format": contest.ballot_format,
            "candidates": None
            if cands is None
            else tuple((c["name"], c.get("party"), c.get("code")) for c in cands),
            "title": contest.title,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return CountSpec(**values)

    def run_count(
        self, contest_id: int, *, actor: str, progress: Progress | None = None, **overrides: Any
    ) -> CountRecord:
        """Count the contest's files as they are now, under its rules; store the new count.

        ``progress`` (optional) is told each stage as it starts.
        """
        contest = self.contest(contest_id)
        if contest is None:
            raise StorageError(f"no contest with id {contest_id}")
        spec = self.spec_for(contest, **overrides)
        inputs = [
            StoredInput(
                filename=u.filename, sha256=u.sha256, extension=u.extension, format=u.format
            )
            for u in self.uploads(contest_id)
        ]
        report = progress or (lambda stage: None)
        result, text = compute(self.blobs, inputs, spec, report)
        report("storing the count")
        with self.session() as s:
            rec = CountRecord(
                contest_id=contest_id,
                spec_json=spec.to_json(),
                inputs_json=json.dumps([i.to_dict() for i in inputs], ensure_ascii=False),
                result_json=text,
                result_sha256=hashlib.sha256(text.encode()).hexdigest(),
                elected_json=json.dumps(list(result.elected), ensure_ascii=False),
                created_by=actor,
                created_at=utcnow(),
            )
            s.add(rec)
            s.flush()
            self._audit(
                s,
                actor,
                "count",
                contest_id=contest_id,
                count_id=rec.id,
                inputs=[{"filename": i.filename, "sha256": i.sha256} for i in inputs],
                spec=json.loads(rec.spec_json),
                result_sha256=rec.result_sha256,
                elected=list(result.elected),
            )
            return rec

    def recount(self, count_id: int, *, actor: str) -> RecountResult:
        """Rerun a stored count from its stored inputs and rules; compare the bytes."""
        rec = self.count_record(count_id)
        if rec is None:
            raise StorageError(f"no count with id {count_id}")
        inputs = [
            StoredInput(
                filename=d["filename"],
                sha256=d["sha256"],
                extension=d["extension"],
                format=d["format"],
            )
            for d in json.loads(rec.inputs_json)
        ]
        _, text = compute(self.blobs, inputs, CountSpec.from_json(rec.spec_json))
        digest = hashlib.sha256(text.encode()).hexdigest()
        same = text == rec.result_json
        with self.session() as s:
            self._audit(
                s,
                actor,
                "recount" if same else "recount-mismatch",
                contest_id=rec.contest_id,
                count_id=rec.id,
                result_sha256=digest,
                stored_sha256=rec.result_sha256,
                inputs=[{"filename": i.filename, "sha256": i.sha256} for i in inputs],
            )
        return RecountResult(count=rec, reproduced=same, result_sha256=digest)

    def publish(self, contest_id: int, count_id: int | None, *, actor: str) -> Contest:
        """Show ``count_id`` on the contest's public page (``None`` withdraws it)."""
        with self.session() as s:
            contest = s.get(Contest, contest_id)
            if contest is None:
                raise StorageError(f"no contest with id {contest_id}")
            if count_id is not None:
                rec = s.get(CountRecord, count_id)
                if rec is None or rec.contest_id != contest_id:
                    raise StorageError(f"count {count_id} is not a count of contest {contest_id}")
                detail: dict[str, Any] = {"result_sha256": rec.result_sha256}
            else:
                detail = {}
            contest.published_count_id = count_id
            self._audit(
                s,
                actor,
                "publish" if count_id is not None else "unpublish",
                contest_id=contest_id,
                count_id=count_id,
                **detail,
            )
            return contest

    # -- audit ---------------------------------------------------------------------------
    def audit_events(self, *, contest_id: int | None = None, limit: int = 500) -> list[AuditEvent]:
        with self.session() as s:
            q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
            if contest_id is not None:
                q = q.where(AuditEvent.contest_id == contest_id)
            return list(s.scalars(q))


def _aware(t: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)
