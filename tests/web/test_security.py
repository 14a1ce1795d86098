"""Security: sign-in and CSRF on every write route, upload limits, names, sessions."""

from __future__ import annotations

import re
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from tallyroom.web import WebSettings, create_app

from .conftest import PASSWORD, london_matrix, make_contest, sign_in, upload

pytestmark = pytest.mark.anyio

SIGN_IN_ROUTES = {"/login", "/logout", "/api/session"}


def write_routes(app: Any) -> list[tuple[str, str]]:
    """Every (method, path) of the app that changes state."""
    out = []

    def walk(routes: Any) -> None:
        for route in routes:
            if isinstance(route, APIRoute):
                for method in sorted(route.methods - {"GET", "HEAD", "OPTIONS"}):
                    out.append((method, route.path))
            elif getattr(route, "original_router", None) is not None:  # FastAPI's included routers
                walk(route.original_router.routes)
            elif getattr(route, "routes", None) is not None and not hasattr(route, "app"):
                walk(route.routes)

    walk(app.routes)
    return sorted(set(out))


def _fill(path: str, ids: dict[str, int]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)


async def _fixture_ids(admin: httpx.AsyncClient) -> dict[str, int]:
    contest = await make_contest(admin)
    uploaded = await upload(admin, contest["id"], london_matrix())
    assert uploaded.status_code == 201
    rec = (await admin.post(f"/api/contests/{contest['id']}/counts", json={})).json()
    return {
        "election_id": contest["election_id"],
        "contest_id": contest["id"],
        "count_id": rec["id"],
        "upload_id": uploaded.json()[0]["id"],
    }


async def _state(admin: httpx.AsyncClient) -> tuple[Any, ...]:
    audit = (await admin.get("/api/audit")).json()
    elections = (await admin.get("/api/elections")).json()
    return len(audit), elections


def _request_kwargs(method: str, path: str) -> dict[str, Any]:
    if path.endswith("/files"):
        return {"files": [("files", london_matrix())]}
    if path.startswith("/api/"):
        return {
            "json": {
                "title": "x",
                "method": "sv",
                "count_id": None,
                "username": "admin",
                "password": PASSWORD,
            }
        }
    return {"data": {"title": "x", "method": "sv", "username": "admin", "password": PASSWORD}}


async def test_the_app_has_the_expected_write_routes(app: Any) -> None:
    routes = write_routes(app)
    assert ("POST", "/api/contests/{contest_id}/files") in routes
    assert ("POST", "/contests/{contest_id}/counts") in routes
    assert ("DELETE", "/api/contests/{contest_id}/files/{upload_id}") in routes
    assert len(routes) >= 20  # 10 API writes and 10 form posts


async def test_every_write_route_refuses_anonymous_requests(
    app: Any, admin: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    ids = await _fixture_ids(admin)
    before = await _state(admin)
    token = (await anon.get("/api/session")).json()["csrf_token"]  # a valid anonymous token
    for method, path in write_routes(app):
        if path in SIGN_IN_ROUTES:
            continue
        r = await anon.request(
            method,
            _fill(path, ids),
            headers={"X-CSRF-Token": token},
            **_request_kwargs(method, path),
        )
        assert r.status_code == 401, (method, path, r.status_code, r.text[:200])
    assert await _state(admin) == before


async def test_every_write_route_refuses_requests_without_csrf_token(
    app: Any, admin: httpx.AsyncClient
) -> None:
    ids = await _fixture_ids(admin)
    before = await _state(admin)
    token = admin.headers.pop("X-CSRF-Token")
    try:
        for method, path in write_routes(app):
            for headers in ({}, {"X-CSRF-Token": "wrong-" + token}):
                r = await admin.request(
                    method, _fill(path, ids), headers=headers, **_request_kwargs(method, path)
                )
                assert r.status_code == 403, (method, path, headers, r.status_code, r.text[:200])
            # the right token, from another site
            r = await admin.request(
                method,
                _fill(path, ids),
                headers={"X-CSRF-Token": token, "Origin": "https://evil.example"},
                **_request_kwargs(method, path),
            )
            assert r.status_code == 403, (method, path)
    finally:
        admin.headers["X-CSRF-Token"] = token
    assert (await admin.get("/api/session")).json()["signed_in"]
    assert await _state(admin) == before


async def test_same_host_origin_is_accepted_other_hosts_refused(admin: httpx.AsyncClient) -> None:
    for origin, status in (
        ("http://testserver", 201),
        ("https://testserver", 201),  # TLS ended by a proxy
        ("http://testserver.evil.example", 403),
        ("http://testserver:8443", 403),
        ("null", 403),
    ):
        r = await admin.post("/api/elections", json={"title": "x"}, headers={"Origin": origin})
        assert r.status_code == status, origin
    r = await admin.post(
        "/api/elections", json={"title": "x"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert r.status_code == 403


async def test_forms_accept_the_token_as_a_field(admin: httpx.AsyncClient) -> None:
    token = admin.headers.pop("X-CSRF-Token")
    r = await admin.post("/elections", data={"title": "By form", "csrf_token": token})
    assert r.status_code == 303, r.text
    assert any(e["title"] == "By form" for e in (await admin.get("/api/elections")).json())


async def test_private_pages_and_api_need_sign_in(anon: httpx.AsyncClient) -> None:
    for path in ("/api/elections", "/api/audit", "/api/contests/1", "/api/counts/1"):
        assert (await anon.get(path)).status_code == 401, path
    r = await anon.get("/contests/1")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/contests/1"
    assert (await anon.get("/")).status_code == 200
    assert "Sign in" in (await anon.get("/login")).text


async def test_passwords_are_hashed_with_argon2id_and_wrong_ones_refused(
    app: Any, anon: httpx.AsyncClient
) -> None:
    from sqlalchemy import select

    from tallyroom.store.models import User

    with app.state.store.session() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "admin"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    token = (await anon.get("/api/session")).json()["csrf_token"]
    for user, pw in (("admin", "wrong password!!"), ("nobody", PASSWORD)):
        r = await anon.post(
            "/api/session", json={"username": user, "password": pw}, headers={"X-CSRF-Token": token}
        )
        assert r.status_code == 401
    assert not (await anon.get("/api/session")).json()["signed_in"]


async def test_session_cookie_flags_and_server_side_sign_out(app: Any) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as c:
        r = await c.get("/api/session")
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        await sign_in(c)
        old = c.cookies.get("tallyroom_session")
        assert (await c.delete("/api/session")).json()["signed_in"] is False
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as c2:
        c2.cookies.set("tallyroom_session", old)
        assert (await c2.get("/api/session")).json()["signed_in"] is False
        assert (await c2.get("/api/elections")).status_code == 401
        c2.cookies.set("tallyroom_session", old[:-3] + "abc")  # forged signature
        assert (await c2.get("/api/session")).json()["signed_in"] is False


async def test_login_redirect_is_never_off_site(anon: httpx.AsyncClient) -> None:
    token = (await anon.get("/api/session")).json()["csrf_token"]
    for target in (
        "//evil.example/x",
        "https://evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
    ):
        r = await anon.post(
            "/login",
            data={"username": "admin", "password": PASSWORD, "next": target, "csrf_token": token},
        )
        assert r.status_code == 303 and r.headers["location"] == "/"
        token = (await anon.get("/api/session")).json()["csrf_token"]
        await anon.post("/logout", data={"csrf_token": token})
        token = (await anon.get("/api/session")).json()["csrf_token"]


async def test_user_text_is_escaped_in_pages(admin: httpx.AsyncClient) -> None:
    contest = await make_contest(admin, title="<script>alert(1)</script>")
    page = (await admin.get(f"/contests/{contest['id']}")).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


# -- uploads ----------------------------------------------------------------------------------


@pytest.fixture
async def small_app(
    database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    app = create_app(
        database_url,
        tmp_path / "small-blobs",
        settings=WebSettings(max_upload_bytes=2000, max_request_bytes=20000),
        secret_key="s" * 40,
    )
    app.state.store.create_user("admin", PASSWORD)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as c:
        await sign_in(c)
        yield app, c
    app.state.store.close()


def _nothing_stored(app: Any, blob_root: Path) -> None:
    files = [p for p in blob_root.rglob("*") if p.is_file()] if blob_root.exists() else []
    assert files == []
    from sqlalchemy import func, select

    from tallyroom.store.models import AuditEvent, Blob, Upload

    with app.state.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Upload)) == 0
        assert s.scalar(select(func.count()).select_from(Blob)) == 0
        assert (
            s.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "upload")
            )
            == 0
        )


def _leftover_upload_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("tallyroom-upload-*")}


async def test_oversized_upload_is_refused_and_leaves_nothing(
    small_app: tuple[Any, httpx.AsyncClient], tmp_path: Path
) -> None:
    app, c = small_app
    before = _leftover_upload_dirs()
    contest = await make_contest(c, candidates=None)
    big = b"first,second,count\n" + b"A,B,1\n" * 1000
    r = await upload(c, contest["id"], ("big.csv", big, "text/csv"))
    assert r.status_code == 413
    assert r.json()["files"] == [
        {"file": "big.csv", "line": None, "problem": "file is larger than the limit of 2,000 bytes"}
    ]
    # a request body over the request limit is refused before it is read
    r = await upload(c, contest["id"], ("huge.csv", big * 5, "text/csv"))
    assert r.status_code == 413 and "request larger than the limit" in r.json()["message"]
    _nothing_stored(app, tmp_path / "small-blobs")
    assert _leftover_upload_dirs() <= before


@pytest.mark.parametrize(
    ("name", "data", "ctype", "status", "problem"),
    [
        ("garbage.csv", bytes(range(256)) * 3, "text/csv", 422, ""),
        ("empty.csv", b"", "text/csv", 422, "the file is empty"),
        (
            "ballots.exe",
            b"first,second\nA,B\n",
            "application/octet-stream",
            415,
            "file type not accepted",
        ),
        (
            "ballots.csv",
            b"first,second\nA,B\n",
            "image/png",
            415,
            "content type 'image/png' not accepted",
        ),
        ("ballots.csv", b"first,second,count\nA,B,many\n", "text/csv", 422, ""),
    ],
    ids=["binary", "empty", "extension", "content-type", "bad-count"],
)
async def test_malformed_uploads_are_refused_with_a_clear_message(
    small_app: tuple[Any, httpx.AsyncClient],
    tmp_path: Path,
    name: str,
    data: bytes,
    ctype: str,
    status: int,
    problem: str,
) -> None:
    app, c = small_app
    contest = await make_contest(c, candidates=None)
    r = await upload(c, contest["id"], (name, data, ctype))
    assert r.status_code == status, r.text
    body = r.json()
    assert body["files"][0]["file"] == name
    assert problem in body["files"][0]["problem"] and body["files"][0]["problem"]
    assert "nothing was stored" in body["message"]
    _nothing_stored(app, tmp_path / "small-blobs")


async def test_path_traversal_file_name_is_harmless(
    small_app: tuple[Any, httpx.AsyncClient], tmp_path: Path
) -> None:
    app, c = small_app
    contest = await make_contest(c, candidates=None)
    data = b"first,second,count\nAsh,Birch,3\nBirch,,2\n"
    outside = [
        tmp_path / "evil.csv",
        Path(tempfile.gettempdir()) / "evil.csv",
        Path("/etc/evil.csv"),
    ]
    assert not any(p.exists() for p in outside)
    for name in (
        "../../../../../etc/evil.csv",
        "..\\..\\evil.csv",
        "/etc/evil.csv",
        "....//evil.csv",
    ):
        r = await upload(c, contest["id"], (name, data, "text/csv"))
        assert r.status_code == 201, r.text
        assert r.json()[0]["filename"] == "evil.csv"
    assert not any(p.exists() for p in outside)
    stored = [p for p in (tmp_path / "small-blobs").rglob("*") if p.is_file()]
    assert len(stored) == 1 and re.fullmatch(r"[0-9a-f]{64}", stored[0].name)
    rec = (await c.post(f"/api/contests/{contest['id']}/counts", json={})).json()
    assert [i["path"] for i in rec["result"]["inputs"]] == ["evil.csv"] * 4


async def test_repeated_wrong_passwords_lock_the_name_for_a_while(
    app: Any, anon: httpx.AsyncClient
) -> None:
    from tallyroom.web.api_routes import MAX_FAILED_SIGN_INS

    token = (await anon.get("/api/session")).json()["csrf_token"]
    for _ in range(MAX_FAILED_SIGN_INS):
        r = await anon.post(
            "/api/session",
            json={"username": "admin", "password": "not the password"},
            headers={"X-CSRF-Token": token},
        )
        assert r.status_code == 401
    r = await anon.post(
        "/api/session",
        json={"username": "admin", "password": PASSWORD},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 429 and "too many refused sign-ins" in r.json()["message"]
    r = await anon.post(
        "/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 429 and "too many refused sign-ins" in r.text
    refused = [e for e in app.state.store.audit_events() if e.action == "sign-in-refused"]
    assert len(refused) == MAX_FAILED_SIGN_INS and {e.actor for e in refused} == {"admin"}
