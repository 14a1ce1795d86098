"""Fixtures of the web tests: a fresh database per test (SQLite, and PostgreSQL when
``TALLYROOM_TEST_POSTGRES_URL`` is set), the app, and signed-in httpx clients over
``httpx.ASGITransport`` (in process).

PostgreSQL: the URL names a role allowed to create databases; each test gets its
own database, dropped afterwards. In CI (``CI`` set) a missing URL is a failure,
not a skip.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tallyroom.web import WebSettings, create_app

ROOT = Path(__file__).resolve().parents[2]
LONDON = ROOT / "examples" / "london_2021"
PASSWORD = "correct horse battery staple"


def london_candidates() -> list[dict[str, str]]:
    import csv

    with open(LONDON / "candidates.csv", newline="", encoding="utf-8") as f:
        return [{"name": r["name"], "party": r["party"]} for r in csv.DictReader(f)]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _postgres_url() -> str | None:
    url = os.environ.get("TALLYROOM_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail(
                "CI is set but TALLYROOM_TEST_POSTGRES_URL is not: start PostgreSQL and set it"
            )
        pytest.skip("TALLYROOM_TEST_POSTGRES_URL not set (PostgreSQL tests run in CI)")
    return url


def _fresh_postgres_database(url: str) -> tuple[str, str]:
    import psycopg
    from sqlalchemy.engine import make_url

    name = "tallyroom_test_" + uuid.uuid4().hex[:12]
    admin = make_url(url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin.set(database=name).render_as_string(hide_password=False), name


def _drop_postgres_database(url: str, name: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tallyroom.db'}"
        return
    base = _postgres_url()
    assert base is not None
    url, name = _fresh_postgres_database(base)
    try:
        yield url
    finally:
        _drop_postgres_database(base, name)


@pytest.fixture
def blob_dir(tmp_path: Path) -> Path:
    return tmp_path / "blobs"


@pytest.fixture
def settings() -> WebSettings:
    return WebSettings()


@pytest.fixture
def app(database_url: str, blob_dir: Path, settings: WebSettings) -> Iterator[Any]:
    application = create_app(
        database_url, blob_dir, settings=settings, secret_key="test-secret-" + "x" * 32
    )
    application.state.store.create_user("admin", PASSWORD)
    yield application
    application.state.store.close()


@pytest.fixture
async def anon(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A signed-out client."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as c:
        yield c


async def sign_in(
    client: httpx.AsyncClient, username: str = "admin", password: str = PASSWORD
) -> str:
    """Sign in through the API; return the CSRF token (also set as a default header)."""
    token = (await client.get("/api/session")).json()["csrf_token"]
    r = await client.post(
        "/api/session",
        json={"username": username, "password": password},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 200, r.text
    new: str = r.json()["csrf_token"]
    client.headers["X-CSRF-Token"] = new
    return new


@pytest.fixture
async def admin(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client signed in as an administrator, sending the CSRF header on every request."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as c:
        await sign_in(c)
        yield c


async def make_contest(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    """An election with one contest (London 2021 SV by default)."""
    r = await client.post("/api/elections", json={"title": "GLA 2021", "poll_date": "2021-05-06"})
    assert r.status_code == 201, r.text
    body = {
        "title": "Mayor of London",
        "method": "sv",
        "seats": 1,
        "candidates": london_candidates(),
    }
    body.update(fields)
    r = await client.post(f"/api/elections/{r.json()['id']}/contests", json=body)
    assert r.status_code == 201, r.text
    contest: dict[str, Any] = r.json()
    return contest


async def upload(
    client: httpx.AsyncClient, contest_id: int, *files: tuple[str, bytes, str]
) -> httpx.Response:
    return await client.post(
        f"/api/contests/{contest_id}/files", files=[("files", f) for f in files]
    )


def london_matrix() -> tuple[str, bytes, str]:
    return (
        "first_second_choice_matrix.csv",
        (LONDON / "first_second_choice_matrix.csv").read_bytes(),
        "text/csv",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class LiveServer:
    """uvicorn serving an app on a free loopback port, in a thread (for browser and load tests)."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(
                app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
            )
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture
def live_server(app: Any) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server
