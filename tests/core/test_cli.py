"""The command line: counting, reports, errors without tracebacks, help on every command."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tallyroom.cli import main


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_issue_done_when_london_json(runner: CliRunner, london_dir: Path) -> None:
    result = runner.invoke(
        main,
        [
            "count",
            str(london_dir / "first_second_choice_matrix.csv"),
            "--method",
            "sv",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    official = json.loads((london_dir / "official.json").read_text())
    assert data["elected"] == ["Sadiq Aman KHAN"]
    assert data["rounds"][-1]["tally"] == {
        k: str(v) for k, v in official["second_round"]["total"].items()
    }
    assert data["inputs"][0]["path"] == "first_second_choice_matrix.csv"
    assert len(data["inputs"][0]["sha256"]) == 64


def test_declaration_text_and_html(runner: CliRunner, london_dir: Path, tmp_path: Path) -> None:
    args = [
        "count",
        str(london_dir / "first_second_choice_matrix.csv"),
        "-m",
        "sv",
        "--candidates",
        str(london_dir / "candidates.csv"),
        "--title",
        "Mayor of London 2021",
    ]
    text = runner.invoke(main, [*args, "--format", "declaration-text"])
    assert text.exit_code == 0, text.output
    assert "Sadiq Aman KHAN (Labour Party) is duly elected" in text.output
    assert "1,206,034" in text.output and "192,313" in text.output and "400,478" in text.output
    out = tmp_path / "decl.html"
    html = runner.invoke(main, [*args, "--format", "declaration-html", "--output", str(out)])
    assert html.exit_code == 0, html.output
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "Mayor of London 2021" in page


def test_save_writes_reloadable_count(runner: CliRunner, london_dir: Path, tmp_path: Path) -> None:
    saved = tmp_path / "count.json"
    result = runner.invoke(
        main,
        [
            "count",
            str(london_dir / "first_second_choice_matrix.csv"),
            "-m",
            "sv",
            "--save",
            str(saved),
        ],
    )
    assert result.exit_code == 0, result.output
    import tallyroom

    c = tallyroom.load_count(saved)
    assert c.elected == ("Sadiq Aman KHAN",)


def test_tie_options(runner: CliRunner, tmp_path: Path) -> None:
    ballots = tmp_path / "b.csv"
    ballots.write_text("first,second,count\nAsh,,5\nBirch,,3\nCedar,Birch,2\n")
    result = runner.invoke(main, ["count", str(ballots), "-m", "sv"])
    assert result.exit_code != 0
    assert "--tie-decision 'Ash,Birch=NAME'" in result.output
    assert "Traceback" not in result.output
    ok = runner.invoke(
        main,
        [
            "count",
            str(ballots),
            "-m",
            "sv",
            "--tie-decision",
            "Ash,Birch=Birch",
            "--format",
            "json",
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["elected"] == ["Birch"]
    rules = tmp_path / "rules.toml"
    rules.write_text('[ties]\nsteps = ["lot"]\nseed = "draw-1"\n')
    seeded = runner.invoke(
        main, ["count", str(ballots), "-m", "sv", "--rules", str(rules), "--format", "json"]
    )
    assert seeded.exit_code == 0, seeded.output
    tie = json.loads(seeded.output)["rounds"][1]["ties"][0]
    assert tie["rule"] == "lot" and "draw-1" in tie["detail"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["count", "missing.csv", "-m", "sv"], "no such file"),
        (["count", "{ballots}", "-m", "nope"], "unknown method 'nope'; valid methods: "),
        (["count", "{ballots}", "-m", "sv", "--format", "nope"], "unknown report format 'nope'"),
        (["count", "{ballots}", "-m", "sv", "--rules", "{bad_rules}"], "colour: unknown option"),
    ],
)
def test_user_errors_are_one_line_without_traceback(
    runner: CliRunner, tmp_path: Path, args: list[str], fragment: str
) -> None:
    ballots = tmp_path / "b.csv"
    ballots.write_text("rank1\nA\n")
    bad_rules = tmp_path / "bad.toml"
    bad_rules.write_text('colour = "red"\n')
    argv = [a.format(ballots=ballots, bad_rules=bad_rules) for a in args]
    result = runner.invoke(main, argv)
    assert result.exit_code != 0
    assert fragment in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_methods_lists_methods_and_options(runner: CliRunner) -> None:
    result = runner.invoke(main, ["methods"])
    assert result.exit_code == 0
    assert "sv: Supplementary Vote" in result.output
    assert "rejection_heads: si-2007-1024 | gla-2000 | gla-2007 | pcc-2012" in result.output
    as_json = json.loads(runner.invoke(main, ["methods", "--json"]).output)
    assert {m["name"] for m in as_json} >= {"sv", "fptp"}


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, cmd in group.commands.items():
        out.append((*prefix, name))
        if isinstance(cmd, click.Group):
            out.extend(_commands(cmd, (*prefix, name)))
    return out


@pytest.mark.parametrize("path", _commands(main), ids=" ".join)
def test_every_command_has_help(runner: CliRunner, path: tuple[str, ...]) -> None:
    result = runner.invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    cmd: click.Command = main
    for part in path:
        assert isinstance(cmd, click.Group)
        cmd = cmd.commands[part]
    assert cmd.help and cmd.help.strip(), f"{' '.join(path)} has no help text"
    for param in cmd.params:
        if isinstance(param, click.Option) and not param.hidden and param.name not in ("help",):
            assert param.help, f"{' '.join(path)} {param.opts[0]} has no help text"
