"""Initial schema: users, sessions, settings, elections, contests, blobs, uploads, counts, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(80), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        _when("created_at"),
        _when("expires_at"),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "elections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("poll_date", sa.String(10), nullable=True),
        _when("created_at"),
        sa.Column("created_by", sa.String(80), nullable=False),
    )
    op.create_table(
        "contests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("election_id", sa.Integer(), sa.ForeignKey("elections.id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("method", sa.String(80), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("candidates_json", sa.Text(), nullable=True),
        sa.Column("ballot_format", sa.String(80), nullable=True),
        sa.Column("rules_json", sa.Text(), nullable=False),
        sa.Column("published_count_id", sa.Integer(), nullable=True),
        _when("created_at"),
        _when("updated_at"),
    )
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contest_id", sa.Integer(), sa.ForeignKey("contests.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("extension", sa.String(16), nullable=False),
        sa.Column("content_type", sa.String(120), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("format", sa.String(80), nullable=False),
        sa.Column("papers", sa.BigInteger(), nullable=False),
        sa.Column("uploaded_by", sa.String(80), nullable=False),
        _when("uploaded_at"),
        sa.UniqueConstraint("contest_id", "position"),
    )
    op.create_table(
        "counts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contest_id", sa.Integer(), sa.ForeignKey("contests.id"), nullable=False),
        sa.Column("spec_json", sa.Text(), nullable=False),
        sa.Column("inputs_json", sa.Text(), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=False),
        sa.Column("result_sha256", sa.String(64), nullable=False),
        sa.Column("elected_json", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        _when("at"),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=True),
        sa.Column("count_id", sa.Integer(), nullable=True),
        sa.Column("detail_json", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "audit_events",
        "counts",
        "uploads",
        "blobs",
        "contests",
        "elections",
        "settings",
        "sessions",
        "users",
    ):
        op.drop_table(table)
