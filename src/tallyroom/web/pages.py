"""Server-rendered pages. Each has a JSON twin under ``/api`` doing the same through
:mod:`tallyroom.web.actions`. Forms post with the CSRF token field."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from ..errors import RuleConfigError, TallyroomError
from ..registry import formats, methods, reports
from ..reports.native_json import loads
from ..store import Store
from ..store.counting import candidates_from_json, read_candidates_bytes
from ..store.models import Contest, User
from . import actions
from .api_routes import authenticate, end_session, start_session
from .errors import NotFound, TooManyAttempts, UploadRefused, problem_of
from .security import check_csrf, require_admin, require_admin_read, visitor
from .uploads import Incoming, receive_uploads
from .views import downloads, results_view

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

Admin = Annotated[User, Depends(require_admin)]
Reader = Annotated[User, Depends(require_admin_read)]


def _store(request: Request) -> Store:
    s: Store = request.app.state.store
    return s


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    templates = request.app.state.templates
    context.setdefault("v", visitor(request))
    response: HTMLResponse = templates.TemplateResponse(request, name, context, status_code=status)
    return response


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (browsers drop tabs and newlines, so those are refused too)."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not any(ch.isspace() or ord(ch) < 32 for ch in target)
    ):
        return target
    return "/"


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    store = _store(request)
    v = visitor(request)
    contests = store.contests()
    if v.user is None:
        published = [c for c in contests if c.published_count_id is not None]
        return page(request, "index_public.html", contests=published)
    return page(request, "index.html", elections=store.elections(), contests=contests)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return page(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login", response_model=None)
async def login(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    await check_csrf(request)
    try:
        user = await run_in_threadpool(authenticate, request, username, password)
    except TooManyAttempts as exc:
        return page(
            request, "login.html", status=exc.status, next=_safe_next(next), error=exc.message
        )
    if user is None:
        return page(
            request,
            "login.html",
            status=401,
            next=_safe_next(next),
            error="Wrong user name or password.",
        )
    await run_in_threadpool(start_session, request, user)
    return _see_other(_safe_next(next))


@router.post("/logout")
async def logout(request: Request) -> RedirectResponse:
    await check_csrf(request)
    await run_in_threadpool(end_session, request)
    return _see_other("/")


@router.get("/elections/new", response_class=HTMLResponse)
def new_election(request: Request, user: Reader) -> HTMLResponse:
    return page(request, "election_form.html", error=None, values={})


@router.post("/elections", response_model=None)
def create_election(
    request: Request,
    user: Admin,
    title: Annotated[str, Form()],
    poll_date: Annotated[str, Form()] = "",
) -> Response:
    try:
        e = actions.create_election(_store(request), title, poll_date or None, actor=user.username)
    except RuleConfigError as exc:
        return page(
            request,
            "election_form.html",
            status=422,
            error=exc.problems,
            values={"title": title, "poll_date": poll_date},
        )
    return _see_other(f"/elections/{e.id}")


@router.get("/elections/{election_id}", response_class=HTMLResponse)
def election(request: Request, election_id: int, user: Reader) -> HTMLResponse:
    store = _store(request)
    e = actions.get_election(store, election_id)
    return page(request, "election.html", election=e, contests=store.contests(election_id))


def _contest_form(request: Request, *, status: int = 200, **context: Any) -> HTMLResponse:
    return page(
        request,
        "contest_form.html",
        status=status,
        methods=list(methods().values()),
        formats=list(formats().values()),
        **context,
    )


def _form_values(c: Contest) -> dict[str, Any]:
    cands = candidates_from_json(c.candidates_json)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for x in cands or ():
        writer.writerow([x.name, x.party] if x.party else [x.name])
    lines = out.getvalue().rstrip("\n")
    rules = json.loads(c.rules_json or "{}")
    return {
        "title": c.title,
        "method": c.method,
        "seats": "" if c.seats is None else str(c.seats),
        "candidates": lines,
        "ballot_format": c.ballot_format or "",
        "rules": json.dumps(rules, indent=2) if rules else "",
    }


@router.get("/elections/{election_id}/contests/new", response_class=HTMLResponse)
def new_contest(request: Request, election_id: int, user: Reader) -> HTMLResponse:
    e = actions.get_election(_store(request), election_id)
    return _contest_form(
        request,
        election=e,
        contest=None,
        error=None,
        values={
            "method": "sv",
            "seats": "1",
            "title": "",
            "candidates": "",
            "ballot_format": "",
            "rules": "",
        },
    )


@router.get("/contests/{contest_id}/edit", response_class=HTMLResponse)
def edit_contest(request: Request, contest_id: int, user: Reader) -> HTMLResponse:
    store = _store(request)
    c = actions.get_contest(store, contest_id)
    e = actions.get_election(store, c.election_id)
    return _contest_form(request, election=e, contest=c, error=None, values=_form_values(c))


#: Largest candidates file accepted on the contest form.
MAX_CANDIDATES_BYTES = 1024 * 1024


async def _save_contest_form(
    request: Request,
    user: User,
    *,
    election_id: int,
    contest_id: int | None,
    title: str,
    method: str,
    seats: str,
    candidates: str,
    candidates_file: UploadFile | None,
    ballot_format: str,
    rules: str,
) -> Response:
    store = _store(request)
    e = await run_in_threadpool(actions.get_election, store, election_id)
    values = {
        "title": title,
        "method": method,
        "seats": seats,
        "candidates": candidates,
        "ballot_format": ballot_format,
        "rules": rules,
    }
    try:
        problems: list[str] = []
        n_seats = None
        if seats.strip():
            if not seats.strip().isdigit():
                problems.append(f"seats must be a whole number, not {seats!r}")
            else:
                n_seats = int(seats)
        cand_list = None
        try:
            cand_list = actions.parse_candidates_text(candidates)
            if candidates_file is not None and candidates_file.filename:
                data = await candidates_file.read(MAX_CANDIDATES_BYTES + 1)
                if len(data) > MAX_CANDIDATES_BYTES:
                    raise RuleConfigError(
                        f"a candidates file is at most {MAX_CANDIDATES_BYTES:,} bytes"
                    )
                cand_list = await run_in_threadpool(
                    read_candidates_bytes, data, candidates_file.filename
                )
        except TallyroomError as exc:
            problems.append(str(exc))
        rule_map: dict[str, Any] = {}
        try:
            rule_map = actions.parse_rules_text(rules)
        except RuleConfigError as exc:
            problems.extend(exc.problems)
        if problems:
            problems += actions.contest_problems(
                title=title,
                method=method,
                seats=n_seats,
                ballot_format=ballot_format or None,
                rules=rule_map,
            )
            raise RuleConfigError(problems)
        c = await run_in_threadpool(
            lambda: actions.save_contest(
                store,
                actor=user.username,
                election_id=election_id,
                contest_id=contest_id,
                title=title,
                method=method,
                seats=n_seats,
                candidates=cand_list,
                ballot_format=ballot_format or None,
                rules=rule_map,
            )
        )
    except TallyroomError as exc:
        status, body = problem_of(exc)
        errors = exc.problems if isinstance(exc, RuleConfigError) else [body["message"]]
        contest = await run_in_threadpool(store.contest, contest_id) if contest_id else None
        return _contest_form(
            request, status=status, election=e, contest=contest, error=errors, values=values
        )
    return _see_other(f"/contests/{c.id}")


@router.post("/elections/{election_id}/contests", response_model=None)
async def create_contest(
    request: Request,
    election_id: int,
    user: Admin,
    title: Annotated[str, Form()],
    method: Annotated[str, Form()],
    seats: Annotated[str, Form()] = "",
    candidates: Annotated[str, Form()] = "",
    ballot_format: Annotated[str, Form()] = "",
    rules: Annotated[str, Form()] = "",
    candidates_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    return await _save_contest_form(
        request,
        user,
        election_id=election_id,
        contest_id=None,
        title=title,
        method=method,
        seats=seats,
        candidates=candidates,
        candidates_file=candidates_file,
        ballot_format=ballot_format,
        rules=rules,
    )


@router.post("/contests/{contest_id}/edit", response_model=None)
async def save_contest(
    request: Request,
    contest_id: int,
    user: Admin,
    title: Annotated[str, Form()],
    method: Annotated[str, Form()],
    seats: Annotated[str, Form()] = "",
    candidates: Annotated[str, Form()] = "",
    ballot_format: Annotated[str, Form()] = "",
    rules: Annotated[str, Form()] = "",
    candidates_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    c = await run_in_threadpool(actions.get_contest, _store(request), contest_id)
    return await _save_contest_form(
        request,
        user,
        election_id=c.election_id,
        contest_id=contest_id,
        title=title,
        method=method,
        seats=seats,
        candidates=candidates,
        candidates_file=candidates_file,
        ballot_format=ballot_format,
        rules=rules,
    )


def _contest_page(
    request: Request, contest_id: int, *, status: int = 200, **context: Any
) -> HTMLResponse:
    store = _store(request)
    c = actions.get_contest(store, contest_id)
    return page(
        request,
        "contest.html",
        status=status,
        contest=c,
        info=actions.contest_dict(c),
        election=actions.get_election(store, c.election_id),
        uploads=store.uploads(contest_id),
        counts=store.counts(contest_id),
        formats=list(formats().values()),
        **{"upload_errors": None, "count_error": None, **context},
    )


@router.get("/contests/{contest_id}", response_class=HTMLResponse)
def contest(request: Request, contest_id: int, user: Reader) -> HTMLResponse:
    return _contest_page(request, contest_id)


@router.post("/contests/{contest_id}/files", response_model=None)
def upload(
    request: Request,
    contest_id: int,
    user: Admin,
    files: Annotated[list[UploadFile], File()],
) -> Response:
    store = _store(request)
    c = actions.get_contest(store, contest_id)
    try:
        receive_uploads(
            store,
            c,
            [Incoming(f.filename, f.content_type, f.file) for f in files if f.filename or f.size],
            actor=user.username,
            max_bytes=request.app.state.settings.max_upload_bytes,
        )
    except UploadRefused as exc:
        status, _ = problem_of(exc)
        return _contest_page(request, contest_id, status=status, upload_errors=exc.problems)
    return _see_other(f"/contests/{contest_id}")


@router.post("/contests/{contest_id}/files/{upload_id}/withdraw")
def withdraw(request: Request, contest_id: int, upload_id: int, user: Admin) -> RedirectResponse:
    store = _store(request)
    actions.get_contest(store, contest_id)
    store.withdraw_upload(contest_id, upload_id, actor=user.username)
    return _see_other(f"/contests/{contest_id}")


@router.post("/contests/{contest_id}/counts", response_model=None)
def count(
    request: Request,
    contest_id: int,
    user: Admin,
    tie_seed: Annotated[str, Form()] = "",
    tie_decisions: Annotated[str, Form()] = "",
) -> Response:
    store = _store(request)
    actions.get_contest(store, contest_id)
    if not store.uploads(contest_id):
        status, body = problem_of(
            RuleConfigError("this contest has no ballot files yet; upload at least one")
        )
        return _contest_page(request, contest_id, status=status, count_error=body)
    decisions = tuple(d.strip() for d in tie_decisions.splitlines() if d.strip())
    job = request.app.state.jobs.start(
        contest_id,
        actor=user.username,
        tie_seed=tie_seed.strip() or None,
        tie_decisions=decisions or None,
    )
    return _see_other(f"/jobs/{job.id}")


@router.get("/jobs/{job_id}", response_model=None)
def job_page(request: Request, job_id: str, user: Reader) -> Response:
    """How a count started from the contest page is getting on; its results when done."""
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise NotFound(f"no count in progress with id {job_id} (it may have finished long ago)")
    if job.state == "done":
        return _see_other(f"/counts/{job.count_id}")
    c = actions.get_contest(_store(request), job.contest_id)
    return page(
        request,
        "job.html",
        status=job.status if job.state == "failed" else 200,
        job=job.to_dict(),
        contest=c,
    )


def _results(
    request: Request, rec: Any, template: str, *, public: bool, **context: Any
) -> HTMLResponse:
    store = _store(request)
    c = actions.get_contest(store, rec.contest_id)
    return page(
        request,
        template,
        record=rec,
        contest=c,
        election=actions.get_election(store, c.election_id),
        r=results_view(loads(rec.result_json)),
        downloads=downloads(),
        public=public,
        charts=CHARTS if "svg" in reports() else {},
        info=actions.count_dict(rec),
        **context,
    )


@router.get("/counts/{count_id}", response_class=HTMLResponse)
def results(request: Request, count_id: int, user: Reader) -> HTMLResponse:
    rec = actions.get_count(_store(request), count_id)
    return _results(request, rec, "results.html", public=False, recount=None)


@router.post("/counts/{count_id}/recount", response_class=HTMLResponse)
def recount(request: Request, count_id: int, user: Admin) -> HTMLResponse:
    store = _store(request)
    actions.get_count(store, count_id)
    r = store.recount(count_id, actor=user.username)
    return _results(request, r.count, "results.html", public=False, recount=r)


@router.post("/contests/{contest_id}/publish")
def publish(
    request: Request,
    contest_id: int,
    user: Admin,
    count_id: Annotated[str, Form()] = "",
) -> RedirectResponse:
    store = _store(request)
    actions.get_contest(store, contest_id)
    cid = int(count_id) if count_id.strip().isdigit() else None
    store.publish(contest_id, cid, actor=user.username)
    return _see_other(f"/contests/{contest_id}")


#: Charts a results page shows as images (``svg`` renderer's ``chart`` option), with their text.
CHARTS = {
    "sankey": "Transfer diagram: where the votes went at each stage (figures in the Transfers table).",
    "rounds": "Votes of each candidate in each round (figures in the Round by round table).",
}


def _download(
    rec: Any, name: str, *, inline: bool = False, options: dict[str, Any] | None = None
) -> Response:
    data, media, filename = actions.render_report(rec, name, options)
    headers = {
        "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{filename}"'
    }
    if inline and media.startswith(("text/html", "image/svg+xml")):
        # An HTML report viewed in the browser runs in a sandbox: its own scripts (charts)
        # work, but it gets a unique origin, so it can never reach this site's session.
        # (PDFs are shown by the browser's own viewer, which a sandbox would block.)
        headers["Content-Security-Policy"] = "sandbox allow-scripts allow-popups allow-downloads"
    return Response(data, media_type=media, headers=headers)


def _chart(rec: Any, chart: str) -> Response:
    if chart not in CHARTS:
        raise NotFound(f"no chart {chart!r}; charts: {', '.join(CHARTS)}")
    response = _download(rec, "svg", inline=True, options={"chart": chart})
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@router.get("/counts/{count_id}/download/{name}")
def download(
    request: Request, count_id: int, name: str, user: Reader, inline: bool = False
) -> Response:
    return _download(actions.get_count(_store(request), count_id), name, inline=inline)


@router.get("/counts/{count_id}/chart/{chart}.svg")
def chart(request: Request, count_id: int, chart: str, user: Reader) -> Response:
    return _chart(actions.get_count(_store(request), count_id), chart)


def _published(request: Request, contest_id: int) -> Any:
    store = _store(request)
    c = store.contest(contest_id)
    if c is None or c.published_count_id is None:
        raise NotFound(f"contest {contest_id} has no published result")
    return actions.get_count(store, c.published_count_id)


@router.get("/public/contests/{contest_id}", response_class=HTMLResponse)
def public_results(request: Request, contest_id: int) -> HTMLResponse:
    return _results(request, _published(request, contest_id), "public.html", public=True)


@router.get("/public/contests/{contest_id}/download/{name}")
def public_download(request: Request, contest_id: int, name: str, inline: bool = False) -> Response:
    return _download(_published(request, contest_id), name, inline=inline)


@router.get("/public/contests/{contest_id}/chart/{chart}.svg")
def public_chart(request: Request, contest_id: int, chart: str) -> Response:
    return _chart(_published(request, contest_id), chart)


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, user: Reader) -> HTMLResponse:
    events = _store(request).audit_events()
    return page(request, "audit.html", events=[(a, json.loads(a.detail_json)) for a in events])


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The API reference, rendered here from the OpenAPI document (no CDN)."""
    spec = request.app.openapi()
    ops = []
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            body = op.get("requestBody", {}).get("content", {})
            ops.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        (p["name"], p["in"], p.get("required", False))
                        for p in op.get("parameters", [])
                    ],
                    "body": ", ".join(body),
                    "schema": next(
                        (
                            c.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
                            for c in body.values()
                        ),
                        "",
                    ),
                }
            )
    schemas = spec.get("components", {}).get("schemas", {})
    return page(request, "api_docs.html", ops=ops, schemas=schemas, info=spec.get("info", {}))
