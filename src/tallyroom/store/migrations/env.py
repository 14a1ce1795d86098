"""Alembic environment of the tallyroom store.

Run programmatically by :func:`tallyroom.store.migrate.upgrade`, which passes the
open connection in ``config.attributes["connection"]``; the ``alembic`` command
line also works with ``alembic -c src/tallyroom/store/migrations/alembic.ini``
and ``-x url=<database URL>``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from tallyroom.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database with: alembic -x url=<database URL> upgrade head")
    engine = create_engine(url)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("tallyroom migrations run online only (give -x url=...)")
run_migrations_online()
