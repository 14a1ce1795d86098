"""``tallyroom admin create`` and ``tallyroom serve`` (started for real on a free port)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from tallyroom.cli import main
from tallyroom.store import Store

from .conftest import PASSWORD, free_port

TALLYROOM = [sys.executable, "-c", "from tallyroom.cli import main; main()"]


def test_admin_create_reads_the_password_from_stdin(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    runner = CliRunner()
    r = runner.invoke(
        main,
        ["admin", "create", "ro", "--database", url, "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert r.exit_code == 0, r.output
    assert "administrator 'ro' created" in r.output
    store = Store(url, tmp_path / "blobs")
    assert store.authenticate("ro", PASSWORD) is not None
    store.close()
    r = runner.invoke(
        main,
        ["admin", "create", "ro", "--database", url, "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert r.exit_code != 0 and "already a user named 'ro'" in r.output


def test_admin_create_prompts_and_refuses_weak_passwords(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    runner = CliRunner()
    r = runner.invoke(main, ["admin", "create", "ro", "--database", url], input="short\nshort\n")
    assert r.exit_code != 0 and "at least 10 characters" in r.output
    r = runner.invoke(
        main, ["admin", "create", "ro", "--database", url], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert r.exit_code == 0, r.output


def test_admin_create_uses_the_environment_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'env.sqlite'}"
    r = CliRunner().invoke(
        main,
        ["admin", "create", "ro", "--password-stdin"],
        input=PASSWORD + "\n",
        env={"TALLYROOM_DATABASE_URL": url, "TALLYROOM_BLOB_DIR": str(tmp_path / "b")},
    )
    assert r.exit_code == 0, r.output
    assert (tmp_path / "env.sqlite").exists()


def test_serve_runs_on_sqlite_in_a_fresh_directory(tmp_path: Path) -> None:
    """`tallyroom serve` with nothing configured: SQLite and blobs in the working directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALLYROOM_")}
    r = subprocess.run(
        [*TALLYROOM, "admin", "create", "ro", "--password-stdin"],
        input=PASSWORD + "\n",
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    port = free_port()
    proc = subprocess.Popen(
        [*TALLYROOM, "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("tallyroom serve did not start")
                time.sleep(0.2)
        assert page.status_code == 200 and "Published results" in page.text
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as c:
            token = c.get("/api/session").json()["csrf_token"]
            r2 = c.post(
                "/api/session",
                json={"username": "ro", "password": PASSWORD},
                headers={"X-CSRF-Token": token},
            )
            assert r2.status_code == 200 and r2.json()["signed_in"]
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert (tmp_path / "tallyroom.db").exists()
    assert "serving on http://127.0.0.1:" in out


def test_serve_help_names_the_database_options() -> None:
    r = CliRunner().invoke(main, ["serve", "--help"])
    assert r.exit_code == 0
    assert "--database" in r.output and "TALLYROOM_DATABASE_URL" in r.output


def test_admin_set_password_and_list(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    runner = CliRunner()
    for name in ("zoe", "ro"):
        r = runner.invoke(
            main,
            ["admin", "create", name, "--database", url, "--password-stdin"],
            input=PASSWORD + "\n",
        )
        assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["admin", "list", "--database", url])
    assert r.exit_code == 0 and r.output.splitlines() == ["ro", "zoe"]
    r = runner.invoke(
        main,
        ["admin", "set-password", "ro", "--database", url, "--password-stdin"],
        input="a brand new password\n",
    )
    assert r.exit_code == 0, r.output
    store = Store(url, tmp_path / "blobs")
    assert store.authenticate("ro", "a brand new password") is not None
    assert store.authenticate("ro", PASSWORD) is None
    store.close()
    r = runner.invoke(
        main,
        ["admin", "set-password", "nobody", "--database", url, "--password-stdin"],
        input="a brand new password\n",
    )
    assert r.exit_code != 0 and "no user named 'nobody'" in r.output
