"""Several clients at once on a real server (uvicorn on loopback): nothing is lost."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from .conftest import PASSWORD, LiveServer, london_candidates, london_matrix


def _client(server: LiveServer) -> httpx.Client:
    c = httpx.Client(base_url=server.url, timeout=120)
    token = c.get("/api/session").json()["csrf_token"]
    r = c.post(
        "/api/session",
        json={"username": "admin", "password": PASSWORD},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def _papers(k: int) -> bytes:
    """A small, distinct SV paper file for client ``k``."""
    return (
        f"first,second,count\nAsh,Birch,{100 + k}\nBirch,Ash,{90 + k}\nCedar,Ash,{5 + k}\n".encode()
    )


def test_concurrent_uploads_and_counts_lose_nothing(live_server: LiveServer) -> None:
    n = 6
    setup = _client(live_server)
    try:
        _run(live_server, setup, n)
    finally:
        setup.close()


def _run(live_server: LiveServer, setup: httpx.Client, n: int) -> None:
    election = setup.post("/api/elections", json={"title": "Load"}).json()["id"]
    small = setup.post(
        f"/api/elections/{election}/contests", json={"title": "Small", "method": "sv", "seats": 1}
    ).json()["id"]
    other = setup.post(
        f"/api/elections/{election}/contests", json={"title": "Small 2", "method": "sv", "seats": 1}
    ).json()["id"]
    london = setup.post(
        f"/api/elections/{election}/contests",
        json={"title": "London", "method": "sv", "seats": 1, "candidates": london_candidates()},
    ).json()["id"]
    assert (
        setup.post(f"/api/contests/{london}/files", files=[("files", london_matrix())]).status_code
        == 201
    )

    def work(k: int) -> dict[str, Any]:
        c = _client(live_server)
        try:
            up = c.post(
                f"/api/contests/{small}/files",
                files=[("files", (f"papers-{k}.csv", _papers(k), "text/csv"))],
            )
            same = c.post(
                f"/api/contests/{other}/files",
                files=[("files", ("shared.csv", _papers(99), "text/csv"))],
            )
            counted = c.post(f"/api/contests/{london}/counts", json={})
            return {
                "upload": up.status_code,
                "same": same.status_code,
                "count": counted.status_code,
                "count_body": counted.json(),
            }
        finally:
            c.close()

    with ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(work, range(n)))

    assert [r["upload"] for r in results] == [201] * n
    assert [r["same"] for r in results] == [201] * n
    assert [r["count"] for r in results] == [201] * n, [r["count_body"] for r in results]
    files = setup.get(f"/api/contests/{small}/files").json()
    assert sorted(f["position"] for f in files) == list(range(1, n + 1))
    assert sorted(f["sha256"] for f in files) == sorted(
        hashlib.sha256(_papers(k)).hexdigest() for k in range(n)
    )
    shared = setup.get(f"/api/contests/{other}/files").json()
    assert len(shared) == n and len({f["sha256"] for f in shared}) == 1
    counts = setup.get(f"/api/contests/{london}/counts").json()
    assert len(counts) == n and len({c["id"] for c in counts}) == n
    # same inputs, same rules: every concurrent count is byte-identical
    assert len({c["result_sha256"] for c in counts}) == 1
    assert all(c["elected"] == ["Sadiq Aman KHAN"] for c in counts)
    audit = setup.get("/api/audit").json()
    assert sum(1 for a in audit if a["action"] == "upload") == 2 * n + 1
    assert sum(1 for a in audit if a["action"] == "count") == n
    # and a count of all n files together sees every paper
    total = setup.post(f"/api/contests/{small}/counts", json={}).json()
    assert total["result"]["valid_papers"] == sum(195 + 3 * k for k in range(n))
