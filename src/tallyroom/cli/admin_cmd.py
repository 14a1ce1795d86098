"""``tallyroom admin create``: make an administrator of the web application."""

from __future__ import annotations

import sys

import click


@click.group()
def admin() -> None:
    """Manage administrators of the web application."""


@admin.command("create")
@click.argument("username")
@click.option(
    "--database", "database_url", envvar="TALLYROOM_DATABASE_URL",
    help="Database URL (also TALLYROOM_DATABASE_URL); default SQLite tallyroom.db here.",
)
@click.option("--blob-dir", envvar="TALLYROOM_BLOB_DIR", type=click.Path(file_okay=False),
              help="Directory of stored ballot files (default ./tallyroom-files).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (first line).")
def create(username: str, database_url: str | None, blob_dir: str | None, password_stdin: bool) -> None:
    """Create the administrator USERNAME (asks for the password; there is no default password).

    \b
    Example:
      tallyroom admin create returning.officer
      printf '%s\\n' "$PASSWORD" | tallyroom admin create ro --password-stdin
    """
    try:
        from ..store import Store
        from ..web.app import default_blob_dir, default_database_url
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise click.ClickException(f"needs the 'web' extra: pip install 'tallyroom[web]' ({exc})") from None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    store = Store(database_url or default_database_url(), blob_dir or default_blob_dir())
    try:
        store.migrate()
        store.create_user(username, password)
    finally:
        store.close()
    click.echo(f"administrator {username!r} created")
