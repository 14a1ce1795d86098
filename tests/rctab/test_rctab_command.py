"""`tallyroom rctab`: bad input fails clearly and leaves no output; good input is deterministic."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tallyroom.cli import main
from tallyroom.errors import BallotFileError, RuleConfigError, TieDecisionRequired
from tallyroom.rctab.config import load_config
from tallyroom.rctab.run import run_contest
from tallyroom.ties import OfficerDecision

DATA = Path(__file__).parents[1] / "data" / "rctab" / "test_data"


def _case(tmp_path: Path, name: str) -> Path:
    """Copy a small case folder; return its config."""
    dest = tmp_path / name
    shutil.copytree(DATA / name, dest)
    return next(dest.glob("*config.json"), dest)


def _edit(config: Path, change: dict[str, dict[str, object]]) -> None:
    data = json.loads(config.read_text())
    for section, values in change.items():
        data[section].update(values)
    config.write_text(json.dumps(data))


def test_command_writes_reports_identically_twice(tmp_path: Path) -> None:
    config = _case(tmp_path, "test_set_1_exhaust_at_overvote")
    runner = CliRunner()
    first = runner.invoke(main, ["rctab", str(config), "--output", str(tmp_path / "a")])
    second = runner.invoke(main, ["rctab", str(config), "--output", str(tmp_path / "b")])
    assert first.exit_code == 0, first.output
    assert "Winner(s): Candidate B Name" in first.output
    names = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    assert Path("detailed_report.json") in names and Path("cvr_cdf.json") in names
    for rel in names:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    assert second.exit_code == 0


def test_default_output_folder_is_the_configs(tmp_path: Path) -> None:
    config = _case(tmp_path, "test_set_0_skipped_first_choice")
    result = CliRunner().invoke(main, ["rctab", str(config)])
    assert result.exit_code == 0, result.output
    assert (config.parent / "output" / "detailed_report.json").exists()


def test_malformed_json_names_the_file(tmp_path: Path) -> None:
    config = tmp_path / "broken_config.json"
    config.write_text('{"outputSettings": {')
    result = CliRunner().invoke(main, ["rctab", str(config), "-o", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "broken_config.json" in result.output and "not valid JSON" in result.output
    assert not (tmp_path / "out").exists()


def test_every_config_problem_is_reported_at_once(tmp_path: Path) -> None:
    config = _case(tmp_path, "test_set_1_exhaust_at_overvote")
    _edit(
        config,
        {
            "rules": {
                "tiebreakMode": "coinToss",
                "overvoteRule": "ignore",
                "numberOfWinners": "x",
                "maxSkippedRanksAllowed": "-1",
            },
            "outputSettings": {"contestName": ""},
        },
    )
    with pytest.raises(RuleConfigError) as info:
        load_config(config)
    text = str(info.value)
    for part in (
        "tiebreakMode: unknown value 'coinToss'",
        "overvoteRule: unknown value 'ignore'",
        "numberOfWinners",
        "maxSkippedRanksAllowed",
        "contestName is required",
        "'stopCountingAndAsk'",
        "'exhaustImmediately'",
    ):
        assert part in text, part


def test_unknown_provider_lists_the_valid_ones(tmp_path: Path) -> None:
    config = _case(tmp_path, "test_set_1_exhaust_at_overvote")
    data = json.loads(config.read_text())
    data["cvrFileSources"][0]["provider"] = "diebold"
    config.write_text(json.dumps(data))
    with pytest.raises(RuleConfigError, match="unknown provider 'diebold'; valid providers: cdf"):
        load_config(config)


def test_missing_cvr_file_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    config = _case(tmp_path, "test_set_1_exhaust_at_overvote")
    (config.parent / "test_set_1_exhaust_at_overvote_cvr.json").unlink()
    result = CliRunner().invoke(main, ["rctab", str(config), "-o", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert (
        "no such file" in result.output
        and "test_set_1_exhaust_at_overvote_cvr.json" in result.output
    )
    assert not (tmp_path / "out").exists()


def test_corrupt_xlsx_names_the_file(tmp_path: Path) -> None:
    config = _case(tmp_path, "test_set_overvote_delimiter")
    xlsx = next(config.parent.glob("*.xlsx"))
    xlsx.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(BallotFileError, match=xlsx.name):
        run_contest(load_config(config))


def test_corrupt_cdf_json_names_the_file(tmp_path: Path) -> None:
    config = _case(tmp_path, "test_set_1_exhaust_at_overvote")
    (config.parent / "test_set_1_exhaust_at_overvote_cvr.json").write_text("{ nope")
    with pytest.raises(BallotFileError, match="test_set_1_exhaust_at_overvote_cvr.json"):
        run_contest(load_config(config))


def test_unknown_candidate_in_the_cvr_is_an_error(tmp_path: Path) -> None:
    config = _case(tmp_path, "test_set_1_exhaust_at_overvote")
    data = json.loads(config.read_text())
    data["candidates"] = data["candidates"][:-1]  # drop Candidate D from the config
    config.write_text(json.dumps(data))
    with pytest.raises(BallotFileError, match="Candidate D Name"):
        run_contest(load_config(config))


def test_output_path_that_is_a_file_fails_without_leftovers(tmp_path: Path) -> None:
    config = _case(tmp_path, "test_set_1_exhaust_at_overvote")
    target = tmp_path / "taken"
    target.write_text("not a folder")
    result = CliRunner().invoke(main, ["rctab", str(config), "-o", str(target)])
    assert result.exit_code != 0
    assert target.read_text() == "not a folder"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tallyroom-rctab-")]


def test_stop_counting_and_ask_then_rerun_with_the_decision(tmp_path: Path) -> None:
    _case(tmp_path, "_shared")
    config = _case(tmp_path, "sample_interactive_tiebreak")
    config = config.parent / "sample_interactive_tiebreak_config.json"
    with pytest.raises(TieDecisionRequired) as info:
        run_contest(load_config(config))
    message = str(info.value)
    assert "--tie-decision 'George Gervin,Yinka Dare=NAME'" in message
    decision = OfficerDecision.parse("George Gervin,Yinka Dare=Yinka Dare")
    result = run_contest(load_config(config, decisions=(decision,)))
    ties = [t for r in result.counts[0].rounds for t in r.ties]
    assert ties and ties[0].rule == "officer" and ties[0].chosen == ("Yinka Dare",)
    out = CliRunner().invoke(
        main,
        [
            "rctab",
            str(config),
            "-o",
            str(tmp_path / "out"),
            "--tie-decision",
            "George Gervin,Yinka Dare=Yinka Dare",
        ],
    )
    assert out.exit_code == 0, out.output


def test_corrupt_cdf_xml_names_the_file(tmp_path: Path) -> None:
    config = _case(tmp_path, "nist_xml_cdf_2")
    (config.parent / "nist_xml_cdf_2.xml").write_text("<CastVoteRecordReport><CVR>")
    with pytest.raises(BallotFileError, match="nist_xml_cdf_2.xml"):
        run_contest(load_config(config))


def test_config_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "list_config.json"
    config.write_text("[1, 2]")
    with pytest.raises(BallotFileError, match="JSON object"):
        load_config(config)
