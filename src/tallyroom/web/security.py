"""Sign-in sessions and CSRF protection.

* The browser holds one cookie, ``tallyroom_session``: an itsdangerous-signed
  ``{"sid", "csrf"}``. ``sid`` names a row of the ``sessions`` table (absent while
  signed out), so signing out or expiry ends the session on the server. The
  cookie is HttpOnly and SameSite=Lax (and Secure when served over HTTPS).
* Every state-changing request (any method but GET/HEAD/OPTIONS) must carry the
  cookie's CSRF token, either as the form field ``csrf_token`` (pages) or the
  header ``X-CSRF-Token`` (API and scripts), and must not come from another
  site: an ``Origin`` header, when sent, must name this server's host and port, and
  ``Sec-Fetch-Site: cross-site`` is refused.
* Only a signed-in administrator may write; public pages are read-only.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..store.accounts import new_token
from ..store.models import User
from .errors import CsrfRefused, SignInRequired

__all__ = [
    "COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SessionCodec",
    "Visitor",
    "check_csrf",
    "require_admin",
    "visitor",
]

COOKIE = "tallyroom_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Visitor:
    """Who is asking: the signed-in user (or ``None``), the session id and the CSRF token."""

    user: User | None
    sid: str | None
    csrf: str
    cookie_changed: bool = False

    @property
    def username(self) -> str:
        return self.user.username if self.user is not None else "(anonymous)"


class SessionCodec:
    """Signs and checks the session cookie."""

    def __init__(self, secret: str, max_age_seconds: int) -> None:
        self._s = URLSafeTimedSerializer(secret, salt="tallyroom-session")
        self.max_age = max_age_seconds

    def dump(self, sid: str | None, csrf: str) -> str:
        return self._s.dumps({"sid": sid, "csrf": csrf})

    def load(self, value: str | None) -> tuple[str | None, str] | None:
        if not value:
            return None
        try:
            data: Any = self._s.loads(value, max_age=self.max_age)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("csrf"), str):
            return None
        sid = data.get("sid")
        return (sid if isinstance(sid, str) else None), data["csrf"]


def read_visitor(request: Request) -> Visitor:
    """Decode the cookie and look the session up (a fresh anonymous visitor if absent)."""
    codec: SessionCodec = request.app.state.codec
    decoded = codec.load(request.cookies.get(COOKIE))
    if decoded is None:
        return Visitor(user=None, sid=None, csrf=new_token(), cookie_changed=True)
    sid, csrf = decoded
    user = request.app.state.store.session_user(sid) if sid else None
    if sid and user is None:
        return Visitor(user=None, sid=None, csrf=new_token(), cookie_changed=True)
    return Visitor(user=user, sid=sid, csrf=csrf)


def visitor(request: Request) -> Visitor:
    """The visitor of this request (set by the middleware)."""
    v: Visitor = request.state.visitor
    return v


def _same_host(origin: str, request: Request) -> bool:
    """Whether an ``Origin`` names this server (its host and port, as the ``Host`` header
    gives them; the scheme may differ behind a TLS-terminating proxy)."""
    from urllib.parse import urlsplit

    host = request.headers.get("host") or request.url.netloc
    return urlsplit(origin).netloc.lower() == host.lower()


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request without the session's CSRF token or from another site."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("origin")
    if origin is not None and not _same_host(origin, request):  # "null" (sandboxes) too
        raise CsrfRefused(f"cross-site request refused (Origin {origin})")
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise CsrfRefused("cross-site request refused")
    v = visitor(request)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent.encode(), v.csrf.encode()):
        raise CsrfRefused(
            "missing or wrong CSRF token: reload the page (forms) or send the token from "
            "GET /api/session in the X-CSRF-Token header (API)"
        )


async def require_admin(request: Request) -> User:
    """Dependency of every write route: a signed-in administrator and a valid CSRF token."""
    v = visitor(request)
    if v.user is None or not v.user.is_admin:
        raise SignInRequired("sign in as an administrator to do this")
    await check_csrf(request)
    return v.user


def require_admin_read(request: Request) -> User:
    """Dependency of private read routes (drafts, counts not yet published, audit trail)."""
    v = visitor(request)
    if v.user is None or not v.user.is_admin:
        raise SignInRequired("sign in as an administrator to see this")
    return v.user
