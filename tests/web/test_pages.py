"""Server-rendered pages in process: forms, errors shown on the page, charts, API reference."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from .conftest import london_matrix, make_contest, upload

pytestmark = pytest.mark.anyio


def _token(page: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert m, "no CSRF field on the page"
    return m.group(1)


async def _form_client(admin: httpx.AsyncClient) -> str:
    admin.headers.pop("X-CSRF-Token", None)
    return _token((await admin.get("/elections/new")).text)


async def test_create_and_edit_a_contest_through_forms(admin: httpx.AsyncClient) -> None:
    token = await _form_client(admin)
    r = await admin.post(
        "/elections", data={"title": "Parish 2024", "poll_date": "2024-05-02", "csrf_token": token}
    )
    assert r.status_code == 303
    election = r.headers["location"]
    r = await admin.post(
        f"{election}/contests",
        data={
            "title": "Parish council",
            "method": "sv",
            "seats": "1",
            "csrf_token": token,
            "candidates": 'Ash, Green\nBirch\n"Cedar, Jr", Red',
        },
    )
    assert r.status_code == 303, r.text
    contest = r.headers["location"]
    info = (await admin.get("/api" + contest)).json()
    assert info["candidates"] == [
        {"name": "Ash", "party": "Green"},
        {"name": "Birch", "party": None},
        {"name": "Cedar, Jr", "party": "Red"},
    ]
    # the edit form shows the candidates as typed (quoting kept)
    form = (await admin.get(f"{contest}/edit")).text
    assert "Ash,Green\nBirch\n&#34;Cedar, Jr&#34;,Red</textarea>" in form
    # errors are listed on the form, which keeps what was typed
    r = await admin.post(
        f"{contest}/edit",
        data={
            "title": "Parish council",
            "method": "nope",
            "seats": "two",
            "rules": "{bad",
            "csrf_token": token,
        },
    )
    assert r.status_code == 422
    assert "seats must be a whole number" in r.text and "unknown method" in r.text
    assert "The contest was not saved" in r.text
    # the page counts with no files: a clear message on the contest page
    r = await admin.post(f"{contest}/counts", data={"csrf_token": token})
    assert r.status_code == 422 and "no ballot files yet" in r.text


async def test_bad_upload_form_shows_file_and_line(admin: httpx.AsyncClient) -> None:
    contest = await make_contest(admin, candidates=None)
    token = await _form_client(admin)
    bad = ("bad.csv", b"first,second,count\nAsh,Birch,1\nAsh,Birch,lots\n", "text/csv")
    r = await admin.post(
        f"/contests/{contest['id']}/files", data={"csrf_token": token}, files=[("files", bad)]
    )
    assert r.status_code == 422
    block = r.text.split('id="upload-errors"', 1)[1].split("</div>", 1)[0]
    assert "bad.csv" in block and "line 3" in block


async def test_results_page_charts_views_and_recount(
    admin: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    contest = await make_contest(admin)
    assert (await upload(admin, contest["id"], london_matrix())).status_code == 201
    rec = (await admin.post(f"/api/contests/{contest['id']}/counts", json={})).json()
    page = (await admin.get(f"/counts/{rec['id']}")).text
    assert "Elected: <strong>Sadiq Aman KHAN (Labour Party)</strong>" in page
    for figure in ("1,013,721", "893,051", "192,313", "84,550", "1,206,034", "977,601"):
        assert figure in page, figure
    svg = await admin.get(f"/counts/{rec['id']}/chart/sankey.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in svg.text and "sandbox" in svg.headers["content-security-policy"]
    assert (await admin.get(f"/counts/{rec['id']}/chart/nope.svg")).status_code == 404
    view = await admin.get(f"/counts/{rec['id']}/download/html", params={"inline": 1})
    assert view.status_code == 200 and view.headers["content-disposition"].startswith("inline")
    assert view.headers["content-security-policy"].startswith("sandbox")
    pdf = await admin.get(f"/counts/{rec['id']}/download/declaration-pdf", params={"inline": 1})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"].startswith("inline")
    assert "sandbox" not in pdf.headers["content-security-policy"]
    token = _token(page)
    admin.headers.pop("X-CSRF-Token", None)
    r = await admin.post(f"/counts/{rec['id']}/recount", data={"csrf_token": token})
    assert "reproduced this result byte for byte" in r.text
    assert (await anon.get(f"/public/contests/{contest['id']}/chart/sankey.svg")).status_code == 404


async def test_api_reference_is_served_without_a_cdn(anon: httpx.AsyncClient) -> None:
    r = await anon.get("/docs")
    assert r.status_code == 200
    assert "/api/contests/{contest_id}/counts" in r.text and "Count the contest" in r.text
    assert "cdn" not in r.text.lower() and "https://" not in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    css = await anon.get("/static/app.css")
    assert css.status_code == 200 and "font" in css.text


async def _wait_for_job(client: httpx.AsyncClient, job_id: str) -> dict[str, Any]:
    import anyio

    for _ in range(600):
        job: dict[str, Any] = (await client.get(f"/api/jobs/{job_id}")).json()
        if job["state"] in ("done", "failed"):
            return job
        await anyio.sleep(0.1)
    raise AssertionError("the background count did not finish")


async def test_count_from_the_page_runs_in_the_background_with_stages(
    admin: httpx.AsyncClient,
) -> None:
    contest = await make_contest(admin)
    assert (await upload(admin, contest["id"], london_matrix())).status_code == 201
    sync = (await admin.post(f"/api/contests/{contest['id']}/counts", json={})).json()
    token = await _form_client(admin)
    r = await admin.post(f"/contests/{contest['id']}/counts", data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
    job_id = r.headers["location"].rsplit("/", 1)[1]
    job = await _wait_for_job(admin, job_id)
    assert job["state"] == "done", job
    stages = [s["stage"] for s in job["stages"]]
    assert stages[0].startswith("checking stored file 1 of 1 (first_second_choice_matrix.csv)")
    assert "reading 1 ballot file (15,315 bytes)" in stages
    assert any(s.startswith("counting 2,531,357 papers") for s in stages)
    assert stages[-2:] == ["storing the count", "done"]
    r = await admin.get(f"/jobs/{job_id}")
    assert r.status_code == 303 and r.headers["location"] == f"/counts/{job['count_id']}"
    background = (await admin.get(f"/api/counts/{job['count_id']}")).json()
    assert background["result_sha256"] == sync["result_sha256"]


async def test_background_count_through_the_api_and_its_errors(admin: httpx.AsyncClient) -> None:
    contest = await make_contest(admin)
    assert (await upload(admin, contest["id"], london_matrix())).status_code == 201
    r = await admin.post(f"/api/contests/{contest['id']}/counts", params={"wait": "false"}, json={})
    assert r.status_code == 202 and r.json()["state"] in ("queued", "running", "done")
    job = await _wait_for_job(admin, r.json()["id"])
    assert job["state"] == "done" and job["count_id"]
    r = await admin.post(
        f"/api/contests/{contest['id']}/counts",
        params={"wait": "false"},
        json={"rules": {"no_such_rule": 1}},
    )
    job = await _wait_for_job(admin, r.json()["id"])
    assert job["state"] == "failed" and job["count_id"] is None
    assert job["error"]["status"] == 422 and "no_such_rule" in job["error"]["message"]
    page = await admin.get(f"/jobs/{job['id']}")
    assert page.status_code == 422 and "no_such_rule" in page.text
    assert (await admin.get("/api/jobs/nope")).status_code == 404
