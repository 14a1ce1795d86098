"""Persistence for the web application and the CLI: SQLite by default, PostgreSQL by URL.

>>> store = Store("sqlite:///tallyroom.db", "tallyroom-blobs")   # doctest: +SKIP
>>> store.migrate()                                               # doctest: +SKIP

Needs the ``web`` extra (SQLAlchemy, Alembic, argon2-cffi). The library proper
never imports this package.
"""

from __future__ import annotations

from .blobs import BlobStore
from .counting import CountSpec, StoredInput
from .store import NewUpload, RecountResult, Store, normalize_database_url

__all__ = [
    "BlobStore",
    "CountSpec",
    "NewUpload",
    "RecountResult",
    "Store",
    "StoredInput",
    "normalize_database_url",
]
