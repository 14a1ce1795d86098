"""The JSON API in process (httpx ASGITransport), on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from tallyroom.cli import main as cli_main
from tallyroom.registry import reports

from .conftest import LONDON, london_candidates, london_matrix, make_contest, upload

pytestmark = pytest.mark.anyio

OFFICIAL = json.loads((LONDON / "official.json").read_text(encoding="utf-8"))


async def _counted(admin: httpx.AsyncClient, **count: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    contest = await make_contest(admin)
    r = await upload(admin, contest["id"], london_matrix())
    assert r.status_code == 201, r.text
    r = await admin.post(f"/api/contests/{contest['id']}/counts", json=count)
    assert r.status_code == 201, r.text
    return contest, r.json()


async def test_london_2021_count_reproduces_the_declared_result(admin: httpx.AsyncClient) -> None:
    contest, rec = await _counted(admin)
    result = rec["result"]
    assert rec["elected"] == ["Sadiq Aman KHAN"]
    first = result["rounds"][0]["tally"]
    assert {k: int(v) for k, v in first.items()} == OFFICIAL["first_preferences"]
    final = result["rounds"][-1]["tally"]
    assert {k: int(v) for k, v in final.items()} == OFFICIAL["second_round"]["total"]
    assert result["valid_papers"] == OFFICIAL["total_good_first_preference_votes"]
    assert result["title"] == "Mayor of London"
    assert [c["name"] for c in result["candidates"]] == [c["name"] for c in london_candidates()]
    # the count is listed, and GET returns the same bytes' content
    listed = (await admin.get(f"/api/contests/{contest['id']}/counts")).json()
    assert [c["id"] for c in listed] == [rec["id"]]
    got = (await admin.get(f"/api/counts/{rec['id']}")).json()
    assert got["result"] == result and got["result_sha256"] == rec["result_sha256"]


async def test_cli_and_api_give_identical_results(admin: httpx.AsyncClient, tmp_path: Path) -> None:
    _, rec = await _counted(admin)
    api_json = (await admin.get(f"/api/counts/{rec['id']}/reports/json")).content
    # the same file name and bytes, the same candidates file, the same title
    runner = CliRunner()
    out = tmp_path / "cli.json"
    result = runner.invoke(
        cli_main,
        [
            "count",
            str(LONDON / "first_second_choice_matrix.csv"),
            "--method",
            "sv",
            "--seats",
            "1",
            "--candidates",
            str(LONDON / "candidates.csv"),
            "--title",
            "Mayor of London",
            "--format",
            "json",
            "--output",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == api_json
    for name in ("text", "declaration-text"):
        web = (await admin.get(f"/api/counts/{rec['id']}/reports/{name}")).content
        cli = runner.invoke(
            cli_main,
            [
                "count",
                str(LONDON / "first_second_choice_matrix.csv"),
                "--method",
                "sv",
                "--seats",
                "1",
                "--candidates",
                str(LONDON / "candidates.csv"),
                "--title",
                "Mayor of London",
                "--format",
                name,
            ],
        )
        assert cli.exit_code == 0, cli.output
        assert web.decode("utf-8") == cli.output


async def test_recount_reproduces_byte_for_byte_and_new_rules_make_a_new_count(
    admin: httpx.AsyncClient,
) -> None:
    contest, rec = await _counted(admin)
    r = await admin.post(f"/api/counts/{rec['id']}/recount")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "count_id": rec["id"],
        "reproduced": True,
        "result_sha256": rec["result_sha256"],
        "stored_sha256": rec["result_sha256"],
    }
    # a count under other rules (here: a tie seed; FPTP as a method) is a new count
    r = await admin.post(f"/api/contests/{contest['id']}/counts", json={"method": "fptp"})
    assert r.status_code == 201, r.text
    other = r.json()
    assert other["id"] != rec["id"] and other["spec"]["method"] == "fptp"
    assert other["elected"] == ["Sadiq Aman KHAN"]
    assert len(other["result"]["rounds"]) == 1
    again = (await admin.get(f"/api/counts/{rec['id']}")).json()
    assert again["result_sha256"] == rec["result_sha256"] and again["spec"]["method"] == "sv"
    counts = (await admin.get(f"/api/contests/{contest['id']}/counts")).json()
    assert [c["id"] for c in counts] == [rec["id"], other["id"]]


async def test_edit_contest_keeps_earlier_counts(admin: httpx.AsyncClient) -> None:
    contest, rec = await _counted(admin)
    body = {
        "title": "Mayor of London (FPTP check)",
        "method": "fptp",
        "seats": 1,
        "candidates": london_candidates(),
    }
    r = await admin.put(f"/api/contests/{contest['id']}", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["method"] == "fptp"
    r = await admin.post(f"/api/contests/{contest['id']}/counts", json={})
    assert r.status_code == 201
    assert r.json()["result"]["method"] == "fptp"
    old = (await admin.get(f"/api/counts/{rec['id']}")).json()
    assert old["result"]["method"] == "sv" and old["result_sha256"] == rec["result_sha256"]


async def test_every_registered_report_downloads(admin: httpx.AsyncClient) -> None:
    _, rec = await _counted(admin)
    assert "json" in reports() and "declaration-html" in reports()
    must_work = {
        "json",
        "text",
        "declaration-text",
        "declaration-html",
        "declaration-pdf",
        "html",
        "csv",
    }
    for name, spec in reports().items():
        r = await admin.get(f"/api/counts/{rec['id']}/reports/{name}")
        if name not in must_work and r.status_code == 501:
            # a renderer for other kinds of count may refuse an SV count, cleanly
            assert r.json()["error"] == "ReportError" and r.json()["message"], name
            continue
        assert r.status_code == 200, (name, r.text[:300])
        assert r.headers["content-type"].startswith(spec.media_type)
        assert f"count-{rec['id']}-{name}{spec.extension}" in r.headers["content-disposition"]
        assert r.content
    r = await admin.get(f"/api/counts/{rec['id']}/reports/no-such-report")
    assert r.status_code == 422
    assert "valid report formats" in r.json()["message"]


async def test_publish_makes_a_public_read_only_page(
    admin: httpx.AsyncClient,
    anon: httpx.AsyncClient,
) -> None:
    contest, rec = await _counted(admin)
    assert (await anon.get(f"/api/public/contests/{contest['id']}")).status_code == 404
    assert (await anon.get(f"/public/contests/{contest['id']}")).status_code == 404
    assert (await anon.get(f"/api/counts/{rec['id']}")).status_code == 401
    r = await admin.post(f"/api/contests/{contest['id']}/publish", json={"count_id": rec["id"]})
    assert r.status_code == 200 and r.json()["published_count_id"] == rec["id"]
    pub = (await anon.get(f"/api/public/contests/{contest['id']}")).json()
    assert pub["count"]["elected"] == ["Sadiq Aman KHAN"]
    assert pub["count"]["result_sha256"] == rec["result_sha256"]
    page = await anon.get(f"/public/contests/{contest['id']}")
    assert page.status_code == 200
    assert "Sadiq Aman KHAN" in page.text and "1,206,034" in page.text and "977,601" in page.text
    assert "csrf_token" not in page.text  # no forms on the public page
    listed = (await anon.get("/api/public/contests")).json()
    assert listed == [{"id": contest["id"], "title": "Mayor of London", "count_id": rec["id"]}]
    r = await anon.get(f"/public/contests/{contest['id']}/download/declaration-html")
    assert r.status_code == 200 and "Sadiq Aman KHAN" in r.text
    # withdraw
    r = await admin.post(f"/api/contests/{contest['id']}/publish", json={"count_id": None})
    assert r.status_code == 200
    assert (await anon.get(f"/api/public/contests/{contest['id']}")).status_code == 404


async def test_publish_refuses_a_count_of_another_contest(admin: httpx.AsyncClient) -> None:
    _, rec = await _counted(admin)
    other = await make_contest(admin, title="Other")
    r = await admin.post(f"/api/contests/{other['id']}/publish", json={"count_id": rec["id"]})
    assert r.status_code == 409
    assert "not a count of contest" in r.json()["message"]


async def test_audit_trail_records_who_did_what_with_hashes(admin: httpx.AsyncClient) -> None:
    contest, rec = await _counted(admin)
    await admin.post(f"/api/contests/{contest['id']}/publish", json={"count_id": rec["id"]})
    await admin.post(f"/api/counts/{rec['id']}/recount")
    events = (await admin.get("/api/audit", params={"contest_id": contest["id"]})).json()
    actions = [e["action"] for e in reversed(events)]
    assert actions == ["create-contest", "upload", "count", "publish", "recount"]
    assert all(e["actor"] == "admin" and e["at"] for e in events)
    by = {e["action"]: e for e in events}
    sha = rec["inputs"][0]["sha256"]
    assert by["upload"]["detail"]["sha256"] == sha
    assert by["count"]["detail"]["inputs"] == [
        {"filename": "first_second_choice_matrix.csv", "sha256": sha}
    ]
    assert by["count"]["detail"]["result_sha256"] == rec["result_sha256"]
    assert by["publish"]["count_id"] == rec["id"]
    import hashlib

    assert sha == hashlib.sha256(london_matrix()[1]).hexdigest()


async def test_files_are_stored_once_by_content(admin: httpx.AsyncClient, blob_dir: Path) -> None:
    a = await make_contest(admin, title="A")
    b = await make_contest(admin, title="B")
    for c in (a, b):
        r = await upload(admin, c["id"], london_matrix())
        assert r.status_code == 201
    stored = [p for p in blob_dir.rglob("*") if p.is_file()]
    import hashlib

    digest = hashlib.sha256(london_matrix()[1]).hexdigest()
    assert [p.name for p in stored] == [digest]
    assert stored[0].read_bytes() == london_matrix()[1]


async def test_bad_file_is_refused_with_file_and_line(
    admin: httpx.AsyncClient, blob_dir: Path
) -> None:
    contest = await make_contest(admin)
    good = london_matrix()
    bad = (
        "bad.csv",
        b"first_choice,second_choice,ballots\nSadiq Aman KHAN,Shaun BAILEY,10\nNobody HERE,,3\n",
        "text/csv",
    )
    r = await upload(admin, contest["id"], good, bad)
    assert r.status_code == 422, r.text
    files = r.json()["files"]
    assert len(files) == 1 and files[0]["file"] == "bad.csv" and files[0]["line"] == 3
    assert "Nobody HERE" in files[0]["problem"]
    # all or nothing: the good file was not kept either
    assert (await admin.get(f"/api/contests/{contest['id']}/files")).json() == []
    assert not blob_dir.exists() or not [p for p in blob_dir.rglob("*") if p.is_file()]


async def test_candidates_read_from_the_ballot_file(admin: httpx.AsyncClient) -> None:
    contest = await make_contest(admin, candidates=None, seats=None)
    assert contest["candidates"] is None
    r = await upload(admin, contest["id"], london_matrix())
    assert r.status_code == 201
    r = await admin.post(f"/api/contests/{contest['id']}/counts", json={})
    assert r.status_code == 201, r.text
    assert r.json()["elected"] == ["Sadiq Aman KHAN"]
    assert r.json()["result"]["seats"] == 1


async def test_count_without_files_and_bad_rules_are_clear_errors(admin: httpx.AsyncClient) -> None:
    contest = await make_contest(admin)
    r = await admin.post(f"/api/contests/{contest['id']}/counts", json={})
    assert r.status_code == 422 and "no ballot files" in r.json()["message"]
    election = (await admin.get("/api/elections")).json()[0]["id"]
    r = await admin.post(
        f"/api/elections/{election}/contests",
        json={"title": "x", "method": "no-such-method", "seats": 1},
    )
    assert r.status_code == 422
    assert "valid methods" in r.json()["message"] and "sv" in r.json()["message"]
    r = await admin.post(
        f"/api/elections/{election}/contests",
        json={"title": "x", "method": "sv", "rules": {"no_such_option": 1}},
    )
    assert r.status_code == 422 and "no_such_option" in r.json()["message"]
    r = await admin.post(
        f"/api/elections/{election}/contests", json={"title": "x", "method": "sv", "seats": 0}
    )
    assert r.status_code == 422
    r = await admin.get("/api/contests/999999")
    assert r.status_code == 404


async def test_info_routes_and_openapi(anon: httpx.AsyncClient) -> None:
    methods = (await anon.get("/api/methods")).json()
    assert {"sv", "fptp"} <= {m["name"] for m in methods}
    assert "csv" in {f["name"] for f in (await anon.get("/api/formats")).json()}
    assert "json" in {r["name"] for r in (await anon.get("/api/reports")).json()}
    spec = (await anon.get("/openapi.json")).json()
    paths = spec["paths"]
    for path in (
        "/api/elections",
        "/api/elections/{election_id}/contests",
        "/api/contests/{contest_id}/files",
        "/api/contests/{contest_id}/counts",
        "/api/counts/{count_id}",
        "/api/contests/{contest_id}/publish",
        "/api/public/contests/{contest_id}",
        "/api/session",
        "/api/audit",
    ):
        assert path in paths, path
    assert all(
        op.get("description") or op.get("summary") for p in paths.values() for op in p.values()
    )


async def test_withdrawn_file_is_left_out_of_later_counts_only(admin: httpx.AsyncClient) -> None:
    contest = await make_contest(admin, candidates=None, seats=1)
    a = ("a.csv", b"first,second,count\nAsh,Birch,10\nBirch,Ash,8\n", "text/csv")
    b = ("b.csv", b"first,second,count\nBirch,Ash,5\n", "text/csv")
    files = (await upload(admin, contest["id"], a, b)).json()
    first = (await admin.post(f"/api/contests/{contest['id']}/counts", json={})).json()
    assert first["result"]["valid_papers"] == 23 and first["elected"] == ["Birch"]
    r = await admin.delete(f"/api/contests/{contest['id']}/files/{files[1]['id']}")
    assert r.status_code == 200 and r.json()["withdrawn_by"] == "admin"
    assert [
        f["filename"] for f in (await admin.get(f"/api/contests/{contest['id']}/files")).json()
    ] == ["a.csv"]
    second = (await admin.post(f"/api/contests/{contest['id']}/counts", json={})).json()
    assert second["result"]["valid_papers"] == 18 and second["elected"] == ["Ash"]
    # the earlier count still has both files, and still recounts to the same bytes
    r = await admin.post(f"/api/counts/{first['id']}/recount")
    assert r.json()["reproduced"] is True
    assert (
        await admin.delete(f"/api/contests/{contest['id']}/files/{files[1]['id']}")
    ).status_code == 409
    assert (await admin.delete(f"/api/contests/{contest['id']}/files/999999")).status_code == 409
    events = (await admin.get("/api/audit", params={"contest_id": contest["id"]})).json()
    withdrawn = [e for e in events if e["action"] == "withdraw-file"]
    assert len(withdrawn) == 1 and withdrawn[0]["detail"]["sha256"] == files[1]["sha256"]


async def test_a_tie_asks_for_a_lot_or_a_decision(admin: httpx.AsyncClient) -> None:
    contest = await make_contest(admin, method="fptp", candidates=None)
    tied = ("tie.csv", b"first,second,count\nAsh,,5\nBirch,,5\n", "text/csv")
    assert (await upload(admin, contest["id"], tied)).status_code == 201
    r = await admin.post(f"/api/contests/{contest['id']}/counts", json={})
    assert r.status_code == 409
    body = r.json()
    assert body["error"] == "TieDecisionRequired" and body["tie"]
    assert "Ash, Birch are tied" in body["message"]
    r = await admin.post(
        f"/api/contests/{contest['id']}/counts", json={"tie_decisions": ["Ash,Birch=Birch"]}
    )
    assert r.status_code == 201, r.text
    assert r.json()["elected"] == ["Birch"]
    ties = [t for rnd in r.json()["result"]["rounds"] for t in rnd["ties"]]
    assert ties and ties[0]["chosen"] == ["Birch"] and ties[0]["rule"] == "officer"
    seeded = (
        await admin.post(f"/api/contests/{contest['id']}/counts", json={"tie_seed": "s1"})
    ).json()
    again = (await admin.post(f"/api/counts/{seeded['id']}/recount")).json()
    assert again["reproduced"] is True and seeded["spec"]["tie_seed"] == "s1"
