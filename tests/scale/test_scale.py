"""Dask scale-out: parallel reads equal sequential reads; many counts at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import tallyroom
from tallyroom.cli import main
from tallyroom.reports.native_json import dumps
from tallyroom.scale import CountJob, count_many, read_ballots_parallel, read_jobs_manifest


def _files(tmp_path: Path) -> list[Path]:
    a = tmp_path / "a.csv"
    a.write_text("rank1,rank2,count\nAsh,Birch,5\nBirch,,2\n")
    b = tmp_path / "b.csv"
    b.write_text("rank1,rank2,count\nCedar,Ash,4\nAsh,Birch,1\n")
    return [a, b]


@pytest.mark.parametrize("scheduler", ["threads", "synchronous"])
def test_parallel_read_equals_sequential(tmp_path: Path, scheduler: str) -> None:
    files = _files(tmp_path)
    seq = tallyroom.read_ballots(files)
    par = read_ballots_parallel(files, scheduler=scheduler)
    assert par.candidates == seq.candidates
    assert sorted(par.rankings()) == sorted(seq.rankings())
    assert [i.sha256 for i in par.inputs] == [i.sha256 for i in seq.inputs]
    assert dumps(tallyroom.count(par, "sv")) == dumps(tallyroom.count(seq, "sv"))


def test_count_many_keeps_order_and_reports_errors(tmp_path: Path) -> None:
    files = _files(tmp_path)
    jobs = [
        CountJob(name="one", paths=(str(files[0]),), method="fptp"),
        CountJob(name="broken", paths=(str(tmp_path / "missing.csv"),), method="fptp"),
        CountJob(name="both", paths=tuple(map(str, files)), method="sv"),
    ]
    outcomes = count_many(jobs, scheduler="threads")
    assert [o.name for o in outcomes] == ["one", "broken", "both"]
    assert outcomes[0].count is not None and outcomes[0].count.elected == ("Ash",)
    assert outcomes[1].count is None and "no such file" in (outcomes[1].error or "")
    direct = tallyroom.count(tallyroom.read_ballots(files), "sv")
    assert outcomes[2].count is not None and dumps(outcomes[2].count) == dumps(direct)


def test_batch_command_with_manifest(tmp_path: Path) -> None:
    _files(tmp_path)
    manifest = tmp_path / "contests.csv"
    manifest.write_text("name,files,method,seats\nfirst,a.csv,fptp,1\nboth,a.csv;b.csv,sv,\n")
    assert [j.paths for j in read_jobs_manifest(manifest)][1] == (
        str(tmp_path / "a.csv"),
        str(tmp_path / "b.csv"),
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["batch", str(manifest), "--output-dir", str(out), "--scheduler", "synchronous"]
    )
    assert result.exit_code == 0, result.output
    assert "first: Ash" in result.output
    assert (out / "both.json").exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("name,files,method\nx,missing.csv,sv\n")
    failed = CliRunner().invoke(main, ["batch", str(bad)])
    assert failed.exit_code != 0 and "1 of 1 contest(s) failed" in failed.output
