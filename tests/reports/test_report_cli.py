"""`tallyroom report`: every format from a saved SV, AV and STV count; integrity checks first."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tallyroom.cli import main
from tallyroom.count import Count
from tallyroom.reports.native_json import dumps

from .conftest import LONDON

FORMATS = {
    "html": b"<!DOCTYPE html>",
    "pdf": b"%PDF",
    "declaration": b"%PDF",
    "png": b"\x89PNG",
    "svg": b"<svg",
    "csv": b"candidate,party,round 1",
    "json": b"{",
    "text": b"",
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format(saved: Path, fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"report.{fmt}"
    code, _, err = run("report", str(saved), "--format", fmt, "--output", str(out))
    assert code == 0, err
    assert out.read_bytes().startswith(FORMATS[fmt])
    assert "every one accounts for all" in err


def test_same_bytes_twice(saved: Path, tmp_path: Path) -> None:
    for fmt in ("html", "csv", "svg"):
        a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        assert run("report", str(saved), "--format", fmt, "-o", str(a), "-q")[0] == 0
        assert run("report", str(saved), "--format", fmt, "-o", str(b), "-q")[0] == 0
        assert a.read_bytes() == b.read_bytes(), fmt


def test_count_save_then_report(tmp_path: Path) -> None:
    saved = tmp_path / "london.json"
    code, _, err = run(
        "count",
        str(LONDON / "first_second_choice_matrix.csv"),
        "--candidates",
        str(LONDON / "candidates.csv"),
        "--method",
        "sv",
        "--save",
        str(saved),
        "--title",
        "Mayor of London 2021",
    )
    assert code == 0, err
    assert "first_second_crosstab" in json.loads(saved.read_text(encoding="utf-8"))["extras"]
    # inputs next to the count: checked
    shutil.copy(LONDON / "first_second_choice_matrix.csv", tmp_path)
    code, out, err = run("report", str(saved), "--format", "csv", "--table", "crosstab")
    assert code == 0, err
    assert "ok: first_second_choice_matrix.csv sha256" in err
    assert out.startswith("first preference,Shaun BAILEY")
    # a changed input file is refused
    (tmp_path / "first_second_choice_matrix.csv").write_text(
        "first_choice,second_choice,ballots\n", encoding="utf-8"
    )
    code, _, err = run("report", str(saved), "--format", "csv")
    assert code != 0 and "differs from" in err and "first_second_choice_matrix.csv" in err


def test_missing_inputs(saved: Path, any_count: Count, tmp_path: Path) -> None:
    empty = tmp_path / "inputs"
    empty.mkdir()
    code, _, err = run("report", str(saved), "--format", "csv")
    assert code == 0 and "not checked" in err
    code, _, err = run("report", str(saved), "--format", "csv", "--inputs", str(empty))
    assert code != 0 and any_count.inputs[0].path in err and "is not in" in err


def test_tampered_count_is_refused(saved: Path, any_count: Count) -> None:
    data = json.loads(saved.read_text(encoding="utf-8"))
    name = next(iter(data["rounds"][0]["tally"]))
    data["rounds"][0]["tally"][name] = str(int(data["rounds"][0]["tally"][name].split(".")[0]) + 1)
    saved.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run("report", str(saved), "--format", "html")
    assert code != 0 and "does not add up" in err


def test_options_are_checked(saved: Path) -> None:
    code, _, err = run("report", str(saved), "--format", "csv", "--chart", "sankey")
    assert code != 0 and "--chart does not apply to --format csv; its options: --table" in err
    code, _, err = run("report", str(saved), "--format", "word")
    assert code != 0 and "unknown report format 'word'" in err and "declaration" in err
    code, _, err = run("report", str(saved), "--format", "svg", "--chart", "pie")
    assert code != 0 and "valid charts" in err


def test_not_a_count(tmp_path: Path, london_count: Count) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    code, _, err = run("report", str(bad))
    assert code != 0 and "bad.json" in err and "not valid JSON" in err
    good = tmp_path / "good.json"
    good.write_text(dumps(london_count), encoding="utf-8")
    assert run("report", str(good), "--format", "text", "-q")[0] == 0
