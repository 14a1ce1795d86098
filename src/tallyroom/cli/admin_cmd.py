"""``tallyroom admin``: administrators of the web application (create, set-password, list)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def _store_options(f: F) -> F:
    f = click.option(
        "--blob-dir",
        envvar="TALLYROOM_BLOB_DIR",
        type=click.Path(file_okay=False),
        help="Directory of stored ballot files (default ./tallyroom-files).",
    )(f)
    f = click.option(
        "--database",
        "database_url",
        envvar="TALLYROOM_DATABASE_URL",
        help="Database URL (also TALLYROOM_DATABASE_URL); default SQLite tallyroom.db here.",
    )(f)
    return f


def _open(database_url: str | None, blob_dir: str | None) -> Any:
    try:
        from ..store import Store
        from ..web.app import default_blob_dir, default_database_url
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise click.ClickException(
            f"needs the 'web' extra: pip install 'tallyroom[web]' ({exc})"
        ) from None
    store = Store(database_url or default_database_url(), blob_dir or default_blob_dir())
    store.migrate()
    return store


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


_stdin_option = click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (first line)."
)


@click.group()
def admin() -> None:
    """Manage administrators of the web application (`tallyroom serve`)."""


@admin.command("create")
@click.argument("username")
@_store_options
@_stdin_option
def create(
    username: str, database_url: str | None, blob_dir: str | None, password_stdin: bool
) -> None:
    """Create the administrator USERNAME (asks for the password; there is no default password).

    \b
    Example:
      tallyroom admin create returning.officer
      printf '%s\\n' "$PASSWORD" | tallyroom admin create ro --password-stdin
    """
    password = _password(password_stdin)
    store = _open(database_url, blob_dir)
    try:
        store.create_user(username, password)
    finally:
        store.close()
    click.echo(f"administrator {username!r} created")


@admin.command("set-password")
@click.argument("username")
@_store_options
@_stdin_option
def set_password(
    username: str, database_url: str | None, blob_dir: str | None, password_stdin: bool
) -> None:
    """Give USERNAME a new password (signs them out everywhere)."""
    password = _password(password_stdin)
    store = _open(database_url, blob_dir)
    try:
        store.set_password(username, password)
    finally:
        store.close()
    click.echo(f"password of {username!r} changed")


@admin.command("list")
@_store_options
def list_(database_url: str | None, blob_dir: str | None) -> None:
    """List the administrators."""
    store = _open(database_url, blob_dir)
    try:
        for name in store.usernames():
            click.echo(name)
    finally:
        store.close()
