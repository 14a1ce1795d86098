"""``tallyroom serve``: run the web application with uvicorn."""

from __future__ import annotations

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port."
)
@click.option(
    "--database",
    "database_url",
    envvar="TALLYROOM_DATABASE_URL",
    help="Database URL (also TALLYROOM_DATABASE_URL): sqlite:///path or "
    "postgresql://user:password@host/db. Default: SQLite tallyroom.db in the working directory.",
)
@click.option(
    "--blob-dir",
    envvar="TALLYROOM_BLOB_DIR",
    type=click.Path(file_okay=False),
    help="Directory of stored ballot files (also TALLYROOM_BLOB_DIR). Default: ./tallyroom-files.",
)
@click.option(
    "--max-upload-mb",
    type=click.IntRange(min=1),
    default=512,
    show_default=True,
    help="Largest ballot file accepted, in MiB.",
)
@click.option(
    "--secure-cookies", is_flag=True, help="Send the session cookie over HTTPS only (behind TLS)."
)
def serve(
    host: str,
    port: int,
    database_url: str | None,
    blob_dir: str | None,
    max_upload_mb: int,
    secure_cookies: bool,
) -> None:
    """Serve the web application (elections, uploads, counts, results).

    \b
    First create an administrator:  tallyroom admin create NAME
    Then:                           tallyroom serve --port 8000
    """
    try:
        import uvicorn

        from ..web import WebSettings, create_app
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise click.ClickException(
            f"the web application needs the 'web' extra: pip install 'tallyroom[web]' ({exc})"
        ) from None
    app = create_app(
        database_url,
        blob_dir,
        settings=WebSettings(
            max_upload_bytes=max_upload_mb * 1024 * 1024, secure_cookies=secure_cookies
        ),
    )
    store = app.state.store
    if store.user_count() == 0:
        click.echo(
            "No administrator yet: create one with `tallyroom admin create NAME` "
            "(same --database), then sign in.",
            err=True,
        )
    click.echo(
        f"tallyroom: serving on http://{host}:{port}/ (database {_shown(store.database_url)})",
        err=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="info")


def _shown(url: str) -> str:
    """The database URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
