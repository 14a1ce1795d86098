"""The FastAPI application factory: ``create_app(database_url, blob_dir, ...)``.

The web layer is thin: pages and the JSON API call the :class:`~tallyroom.store.Store`
(which calls :mod:`tallyroom.api` to read, count and render); no counting logic
lives here. Settings, with defaults, are in :data:`SETTINGS`.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from .. import __version__
from ..errors import TallyroomError
from ..store import Store
from .errors import SignInRequired, WebError, problem_of
from .jobs import JobRunner
from .security import COOKIE, SessionCodec, read_visitor
from .views import grouped

__all__ = ["SETTINGS", "WebSettings", "create_app", "default_blob_dir", "default_database_url"]

HERE = Path(__file__).resolve().parent

#: ``(name, default, help)`` of every setting of the web application.
SETTINGS: tuple[tuple[str, Any, str], ...] = (
    ("max_upload_bytes", 512 * 1024 * 1024, "Largest ballot file accepted, in bytes."),
    ("max_request_bytes", 2 * 1024 * 1024 * 1024, "Largest request body accepted, in bytes."),
    ("session_hours", 12, "How long a sign-in lasts, in hours."),
    ("secure_cookies", False, "Send the session cookie only over HTTPS (set behind TLS)."),
)


@dataclass(frozen=True, kw_only=True)
class WebSettings:
    """Settings of one application instance (see :data:`SETTINGS`)."""

    max_upload_bytes: int = SETTINGS[0][1]
    max_request_bytes: int = SETTINGS[1][1]
    session_hours: int = SETTINGS[2][1]
    secure_cookies: bool = SETTINGS[3][1]


#: Content Security Policy of every page: nothing from other sites, no inline scripts.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def default_database_url() -> str:
    """``TALLYROOM_DATABASE_URL``, else SQLite ``tallyroom.db`` in the working directory."""
    return os.environ.get("TALLYROOM_DATABASE_URL") or f"sqlite:///{Path.cwd() / 'tallyroom.db'}"


def default_blob_dir() -> Path:
    """``TALLYROOM_BLOB_DIR``, else ``tallyroom-files`` in the working directory."""
    return Path(os.environ.get("TALLYROOM_BLOB_DIR") or Path.cwd() / "tallyroom-files")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(
    database_url: str | None = None,
    blob_dir: str | Path | None = None,
    *,
    settings: WebSettings | None = None,
    secret_key: str | None = None,
    migrate: bool = True,
) -> FastAPI:
    """Build the application. The database is migrated to the newest schema on creation.

    ``secret_key`` signs session cookies; default ``TALLYROOM_SECRET_KEY``, else a
    key generated on first run and kept in the database.
    """
    store = Store(database_url or default_database_url(), blob_dir or default_blob_dir())
    if migrate:
        store.migrate()
    cfg = settings or WebSettings()
    secret = secret_key or os.environ.get("TALLYROOM_SECRET_KEY") or store.secret_key()

    jobs = JobRunner(store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()
        store.close()

    app = FastAPI(
        title="tallyroom",
        version=__version__,
        summary="Count elections exactly as the law says: create contests, upload ballots, count, publish.",
        description=(
            "JSON API of the tallyroom web application. Sign in with `POST /api/session` "
            "(after `GET /api/session` for the CSRF token); send the token in the "
            "`X-CSRF-Token` header on every write."
        ),
        lifespan=lifespan,
        docs_url=None,  # the stock docs pages load scripts from a CDN; /docs is served from here
        redoc_url=None,
    )
    app.state.store = store
    app.state.jobs = jobs
    app.state.settings = cfg
    app.state.codec = SessionCodec(secret, cfg.session_hours * 3600)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["grouped"] = grouped
    templates.env.filters["fromjson"] = json.loads
    templates.env.globals["version"] = __version__
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def sessions_and_limits(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > cfg.max_request_bytes:
            return JSONResponse(
                {
                    "error": "RequestTooLarge",
                    "status": 413,
                    "message": f"request larger than the limit of {cfg.max_request_bytes:,} bytes",
                },
                status_code=413,
            )
        v = await run_in_threadpool(read_visitor, request)
        request.state.visitor = v
        response = await call_next(request)
        if v.cookie_changed:
            response.set_cookie(
                COOKIE,
                app.state.codec.dump(v.sid, v.csrf),
                max_age=cfg.session_hours * 3600,
                httponly=True,
                samesite="lax",
                secure=cfg.secure_cookies,
                path="/",
            )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    async def on_error(request: Request, exc: Exception) -> Response:
        status, body = problem_of(exc)
        if _is_api(request):
            return JSONResponse(body, status_code=status)
        if isinstance(exc, SignInRequired) and request.method == "GET":
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return templates.TemplateResponse(
            request,
            "error.html",
            {"v": request.state.visitor, "status": status, "body": body},
            status_code=status,
        )

    app.add_exception_handler(WebError, on_error)
    app.add_exception_handler(TallyroomError, on_error)

    async def on_invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in exc.errors()
        ]
        body = {
            "error": "InvalidRequest",
            "status": 422,
            "message": "; ".join(problems),
            "problems": problems,
        }
        if _is_api(request):
            return JSONResponse(body, status_code=422)
        return templates.TemplateResponse(
            request,
            "error.html",
            {"v": request.state.visitor, "status": 422, "body": body},
            status_code=422,
        )

    app.add_exception_handler(RequestValidationError, on_invalid)

    from .api_routes import router as api_router
    from .pages import router as pages_router

    app.include_router(api_router)
    app.include_router(pages_router)
    return app
