"""The JSON API (``/api/…``), documented at ``/docs`` (OpenAPI at ``/openapi.json``).

Reading published results needs nothing; everything else needs a signed-in
administrator, and every write needs the CSRF token (header ``X-CSRF-Token``).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..ballots.candidates import Candidate, CandidateList
from ..registry import formats, methods, reports
from ..store import Store
from ..store.accounts import new_token
from ..store.models import User
from . import actions
from .errors import NotFound, SignInRequired, TooManyAttempts
from .security import Visitor, check_csrf, require_admin, require_admin_read, visitor
from .uploads import Incoming, receive_uploads

__all__ = ["authenticate", "end_session", "router", "start_session"]

router = APIRouter(prefix="/api", tags=["api"])

Admin = Annotated[User, Depends(require_admin)]
Reader = Annotated[User, Depends(require_admin_read)]


def _store(request: Request) -> Store:
    s: Store = request.app.state.store
    return s


class SignIn(BaseModel):
    username: str
    password: str


class SessionOut(BaseModel):
    signed_in: bool
    username: str | None
    csrf_token: str = Field(description="Send as the X-CSRF-Token header on every write.")


class ElectionIn(BaseModel):
    title: str
    poll_date: str | None = Field(default=None, description="YYYY-MM-DD")


class CandidateIn(BaseModel):
    name: str
    party: str | None = None


class ContestIn(BaseModel):
    title: str
    method: str = Field(description="A registered counting method or preset (GET /api/methods).")
    seats: int | None = Field(default=None, ge=1)
    candidates: list[CandidateIn] | None = Field(
        default=None, description="Ballot-paper order; null reads them from the ballot files."
    )
    ballot_format: str | None = Field(default=None, description="Null: detected per file.")
    rules: dict[str, Any] = Field(
        default_factory=dict, description="Rule options changed from the preset."
    )


class CountIn(BaseModel):
    method: str | None = Field(default=None, description="Default: the contest's method.")
    seats: int | None = Field(default=None, ge=1)
    rules: dict[str, Any] | None = Field(default=None, description="Default: the contest's rules.")
    tie_seed: str | None = None
    tie_decisions: list[str] = Field(default_factory=list, description="e.g. ['Ash,Birch=Birch']")


class PublishIn(BaseModel):
    count_id: int | None = Field(description="The count to show publicly; null withdraws.")


def _session_out(v: Visitor) -> SessionOut:
    return SessionOut(
        signed_in=v.user is not None,
        username=v.user.username if v.user else None,
        csrf_token=v.csrf,
    )


@router.get("/session", response_model=SessionOut)
def get_session(request: Request) -> SessionOut:
    """Who is signed in, and the CSRF token for writes (sets the session cookie)."""
    return _session_out(visitor(request))


@router.post("/session", response_model=SessionOut)
async def sign_in(request: Request, body: SignIn) -> SessionOut:
    """Sign in as an administrator (needs the CSRF token of ``GET /api/session``)."""
    await check_csrf(request)
    user = await run_in_threadpool(authenticate, request, body.username, body.password)
    if user is None:
        raise SignInRequired("wrong user name or password")
    return _session_out(await run_in_threadpool(start_session, request, user))


#: Refused sign-ins allowed per user name in :data:`SIGN_IN_WINDOW` before further tries are refused.
MAX_FAILED_SIGN_INS = 10
SIGN_IN_WINDOW = timedelta(minutes=15)


def authenticate(request: Request, username: str, password: str) -> User | None:
    """Check a password, refusing a name that has failed too often lately (pages and API)."""
    store = _store(request)
    if store.failed_sign_ins(username, SIGN_IN_WINDOW) >= MAX_FAILED_SIGN_INS:
        raise TooManyAttempts(
            f"too many refused sign-ins for {username.strip()!r}: wait 15 minutes and try again"
        )
    return store.authenticate(username, password)


def start_session(request: Request, user: User) -> Visitor:
    """Open a server-side session for ``user`` and give the visitor a fresh CSRF token."""
    store = _store(request)
    v = visitor(request)
    if v.sid:
        store.close_session(v.sid)
    v.sid = store.open_session(user, timedelta(hours=request.app.state.settings.session_hours))
    v.user = user
    v.csrf = new_token()
    v.cookie_changed = True
    return v


@router.delete("/session", response_model=SessionOut)
async def sign_out(request: Request) -> SessionOut:
    """Sign out (the server forgets the session)."""
    await check_csrf(request)
    return _session_out(end_session(request))


def end_session(request: Request) -> Visitor:
    """Forget the visitor's session on the server; a fresh CSRF token for the signed-out page."""
    v = visitor(request)
    if v.sid:
        _store(request).close_session(v.sid, actor=v.user.username if v.user else None)
    v.sid, v.user, v.csrf, v.cookie_changed = None, None, new_token(), True
    return v


@router.get("/methods")
def list_methods() -> list[dict[str, Any]]:
    """Counting methods and presets available for contests."""
    return [
        {"name": m.name, "title": m.title, "multi_seat": m.multi_seat, "preset_of": m.preset_of}
        for m in methods().values()
    ]


@router.get("/formats")
def list_formats() -> list[dict[str, Any]]:
    """Ballot file formats accepted for upload."""
    return [
        {"name": f.name, "title": f.title, "extensions": list(f.extensions)}
        for f in formats().values()
    ]


@router.get("/reports")
def list_reports() -> list[dict[str, Any]]:
    """Report renderers available for downloads."""
    return [
        {"name": r.name, "title": r.title, "media_type": r.media_type, "extension": r.extension}
        for r in reports().values()
    ]


@router.get("/elections")
def list_elections(request: Request, user: Reader) -> list[dict[str, Any]]:
    """Every election with its contests."""
    store = _store(request)
    contests = store.contests()
    return [
        actions.election_dict(e, [c for c in contests if c.election_id == e.id])
        for e in store.elections()
    ]


@router.post("/elections", status_code=201)
def create_election(request: Request, body: ElectionIn, user: Admin) -> dict[str, Any]:
    """Create an election (a poll holding one or more contests)."""
    e = actions.create_election(_store(request), body.title, body.poll_date, actor=user.username)
    return actions.election_dict(e, [])


@router.get("/elections/{election_id}")
def get_election(request: Request, election_id: int, user: Reader) -> dict[str, Any]:
    """One election with its contests."""
    store = _store(request)
    return actions.election_dict(
        actions.get_election(store, election_id), store.contests(election_id)
    )


def _candidates(body: ContestIn) -> CandidateList | None:
    if body.candidates is None:
        return None
    return CandidateList(Candidate(c.name, c.party) for c in body.candidates)


@router.post("/elections/{election_id}/contests", status_code=201)
def create_contest(
    request: Request, election_id: int, body: ContestIn, user: Admin
) -> dict[str, Any]:
    """Create a contest of an election: method or preset, seats, candidates, rules."""
    store = _store(request)
    actions.get_election(store, election_id)
    c = actions.save_contest(
        store,
        actor=user.username,
        election_id=election_id,
        title=body.title,
        method=body.method,
        seats=body.seats,
        candidates=_candidates(body),
        ballot_format=body.ballot_format,
        rules=body.rules,
    )
    return actions.contest_dict(c)


@router.get("/contests/{contest_id}")
def get_contest(request: Request, contest_id: int, user: Reader) -> dict[str, Any]:
    """A contest, its ballot files and its counts."""
    store = _store(request)
    d = actions.contest_dict(actions.get_contest(store, contest_id))
    d["files"] = [actions.upload_dict(u) for u in store.uploads(contest_id)]
    d["counts"] = [actions.count_dict(r) for r in store.counts(contest_id)]
    return d


@router.put("/contests/{contest_id}")
def edit_contest(request: Request, contest_id: int, body: ContestIn, user: Admin) -> dict[str, Any]:
    """Change a contest. Earlier counts keep the rules they were counted under."""
    store = _store(request)
    actions.get_contest(store, contest_id)
    c = actions.save_contest(
        store,
        actor=user.username,
        contest_id=contest_id,
        title=body.title,
        method=body.method,
        seats=body.seats,
        candidates=_candidates(body),
        ballot_format=body.ballot_format,
        rules=body.rules,
    )
    return actions.contest_dict(c)


@router.get("/contests/{contest_id}/files")
def list_files(request: Request, contest_id: int, user: Reader) -> list[dict[str, Any]]:
    """The ballot files counted for a contest, in upload order, with their SHA-256."""
    store = _store(request)
    actions.get_contest(store, contest_id)
    return [actions.upload_dict(u) for u in store.uploads(contest_id)]


@router.post("/contests/{contest_id}/files", status_code=201)
def upload_files(
    request: Request,
    contest_id: int,
    user: Admin,
    files: Annotated[list[UploadFile], File()],
) -> list[dict[str, Any]]:
    """Upload one or more ballot files (multipart field ``files``). All are checked first:
    if any is refused, none is kept, and each refused file is listed with its problem and line."""
    store = _store(request)
    contest = actions.get_contest(store, contest_id)
    rows = receive_uploads(
        store,
        contest,
        [Incoming(f.filename, f.content_type, f.file) for f in files],
        actor=user.username,
        max_bytes=request.app.state.settings.max_upload_bytes,
    )
    return [actions.upload_dict(u) for u in rows]


@router.delete("/contests/{contest_id}/files/{upload_id}")
def withdraw_file(request: Request, contest_id: int, upload_id: int, user: Admin) -> dict[str, Any]:
    """Withdraw a ballot file: later counts leave it out; earlier counts keep it."""
    store = _store(request)
    actions.get_contest(store, contest_id)
    return actions.upload_dict(store.withdraw_upload(contest_id, upload_id, actor=user.username))


@router.get("/contests/{contest_id}/counts")
def list_counts(request: Request, contest_id: int, user: Reader) -> list[dict[str, Any]]:
    """Every count of a contest, oldest first."""
    store = _store(request)
    actions.get_contest(store, contest_id)
    return [actions.count_dict(r) for r in store.counts(contest_id)]


@router.post("/contests/{contest_id}/counts", status_code=201, response_model=None)
def run_count(
    request: Request,
    contest_id: int,
    body: CountIn,
    user: Admin,
    wait: bool = True,
) -> dict[str, Any] | JSONResponse:
    """Count the contest's ballot files now. Always a new, immutable count.

    With ``wait=false`` the count runs in the background: the answer (202) is a job
    to follow at ``GET /api/jobs/{id}``, which names the count when it is done.
    """
    store = _store(request)
    actions.get_contest(store, contest_id)
    overrides: dict[str, Any] = {
        "method": body.method,
        "seats": body.seats,
        "rules": body.rules,
        "tie_seed": body.tie_seed,
        "tie_decisions": tuple(body.tie_decisions) or None,
    }
    if not wait:
        job = request.app.state.jobs.start(contest_id, actor=user.username, **overrides)
        return JSONResponse(job.to_dict(), status_code=202)
    rec = store.run_count(contest_id, actor=user.username, **overrides)
    return actions.count_dict(rec, with_result=True)


@router.get("/jobs/{job_id}")
def get_job(request: Request, job_id: str, user: Reader) -> dict[str, Any]:
    """A background count: its state (queued, running, done, failed), stages and times,
    and the count's id when done (or the error, as any other error is reported)."""
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise NotFound(f"no count in progress with id {job_id}")
    d: dict[str, Any] = job.to_dict()
    return d


@router.get("/counts/{count_id}")
def get_count(request: Request, count_id: int, user: Reader) -> dict[str, Any]:
    """A stored count with its full native JSON result."""
    return actions.count_dict(actions.get_count(_store(request), count_id), with_result=True)


@router.get("/counts/{count_id}/reports/{name}")
def get_report(request: Request, count_id: int, name: str, user: Reader) -> Response:
    """A count rendered by a registered report renderer (GET /api/reports)."""
    data, media, filename = actions.render_report(
        actions.get_count(_store(request), count_id), name
    )
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/counts/{count_id}/recount")
def recount(request: Request, count_id: int, user: Admin) -> dict[str, Any]:
    """Rerun a stored count from its stored inputs and rules; says whether the bytes match."""
    store = _store(request)
    actions.get_count(store, count_id)
    r = store.recount(count_id, actor=user.username)
    return {
        "count_id": count_id,
        "reproduced": r.reproduced,
        "result_sha256": r.result_sha256,
        "stored_sha256": r.count.result_sha256,
    }


@router.post("/contests/{contest_id}/publish")
def publish(request: Request, contest_id: int, body: PublishIn, user: Admin) -> dict[str, Any]:
    """Publish one count of the contest on its public page (or withdraw with null)."""
    store = _store(request)
    actions.get_contest(store, contest_id)
    return actions.contest_dict(store.publish(contest_id, body.count_id, actor=user.username))


@router.get("/public/contests")
def public_contests(request: Request) -> list[dict[str, Any]]:
    """Contests with published results (no sign-in needed)."""
    return [
        {"id": c.id, "title": c.title, "count_id": c.published_count_id}
        for c in _store(request).contests()
        if c.published_count_id is not None
    ]


@router.get("/public/contests/{contest_id}")
def public_contest(request: Request, contest_id: int) -> dict[str, Any]:
    """The published result of a contest (no sign-in needed)."""
    store = _store(request)
    c = store.contest(contest_id)
    if c is None or c.published_count_id is None:
        raise NotFound(f"contest {contest_id} has no published result")
    d = actions.contest_dict(c)
    d["count"] = actions.count_dict(
        actions.get_count(store, c.published_count_id), with_result=True
    )
    return d


@router.get("/audit")
def audit(request: Request, user: Reader, contest_id: int | None = None) -> list[dict[str, Any]]:
    """The audit trail, newest first: who uploaded, counted and published, when, with hashes."""
    return [
        {
            "id": a.id,
            "at": a.at.isoformat(),
            "actor": a.actor,
            "action": a.action,
            "contest_id": a.contest_id,
            "count_id": a.count_id,
            "detail": json.loads(a.detail_json),
        }
        for a in _store(request).audit_events(contest_id=contest_id)
    ]
