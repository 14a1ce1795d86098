"""SQLAlchemy 2 models of the store: users, sessions, elections, contests, files, counts, audit.

The schema itself is created and changed only by the Alembic migrations in
``store/migrations`` (:func:`tallyroom.store.migrate.upgrade`); these classes
must match them (a test compares the two).

Counts are immutable: a :class:`CountRecord` row is written once, with its
inputs (content hashes), its rules and the exact bytes of its native JSON, and
never updated. A count with other rules is a new row.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "AuditEvent",
    "Base",
    "Blob",
    "Contest",
    "CountRecord",
    "Election",
    "Setting",
    "Upload",
    "User",
    "WebSession",
    "utcnow",
]


def utcnow() -> datetime:
    """The current time, UTC, to the second (what the store records)."""
    return datetime.now(UTC).replace(microsecond=0)


class Base(DeclarativeBase):
    """Base of every table."""


class User(Base):
    """An administrator (the only kind of account): may create, upload, count and publish."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebSession(Base):
    """A signed-in browser or API client. The cookie holds the signed ``id``."""

    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Setting(Base):
    """Installation settings kept in the database (e.g. the session signing secret)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Election(Base):
    """A poll: one or more contests counted from the same day's papers."""

    __tablename__ = "elections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    poll_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))


class Contest(Base):
    """One contest: its method, seats, candidates (JSON) and options.

    ``candidates_json`` is ``null`` when the candidates are read from the ballot
    files. ``rules_json`` holds only the rule options changed from the method's
    preset. ``published_count_id`` is the count shown on the public page.
    """

    __tablename__ = "contests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"))
    title: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(80))
    seats: Mapped[int | None] = mapped_column(Integer, nullable=True)
    candidates_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    ballot_format: Mapped[str | None] = mapped_column(String(80), nullable=True)
    rules_json: Mapped[str] = mapped_column(Text, default="{}")
    published_count_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Blob(Base):
    """Bytes of an uploaded file, stored once under their SHA-256 in the blob directory."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Upload(Base):
    """A ballot file attached to a contest. ``filename`` is for display only.

    A withdrawn file (``withdrawn_at`` set) is no longer counted; its bytes stay
    stored for the counts that used it.
    """

    __tablename__ = "uploads"
    __table_args__ = (UniqueConstraint("contest_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"))
    position: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    filename: Mapped[str] = mapped_column(String(255))
    extension: Mapped[str] = mapped_column(String(16))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(80))
    papers: Mapped[int] = mapped_column(BigInteger)
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawn_by: Mapped[str | None] = mapped_column(String(80), nullable=True)


class CountRecord(Base):
    """One count, immutable: everything needed to rerun it, and the exact result bytes."""

    __tablename__ = "counts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"))
    spec_json: Mapped[str] = mapped_column(Text)
    inputs_json: Mapped[str] = mapped_column(Text)
    result_json: Mapped[str] = mapped_column(Text)
    result_sha256: Mapped[str] = mapped_column(String(64))
    elected_json: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEvent(Base):
    """Who did what, when, to which contest or count, with the input hashes in ``detail_json``."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    contest_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    count_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail_json: Mapped[str] = mapped_column(Text, default="{}")
