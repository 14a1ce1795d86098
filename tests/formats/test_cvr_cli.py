"""The command line reads CVR folders and files through the readers' options."""

from __future__ import annotations

from click.testing import CliRunner

from tallyroom.cli import main
from tests.formats.cvr_samples import SAMPLES


def test_count_a_dominion_folder() -> None:
    result = CliRunner().invoke(
        main,
        [
            "count",
            str(SAMPLES / "dominion_alaska_2024" / "partial_cvr"),
            "--method",
            "irv",
            "--read-option",
            "contest_id=7",
            "--read-option",
            "undeclared_write_in_label=476",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Valid papers: 124" in result.output
    assert "Elected: Begich, Nick" in result.output
    assert "CvrExport_1730.json" in result.output  # inputs are listed with their hashes


def test_ess_needs_its_layout_options() -> None:
    path = SAMPLES / "ess" / "test_set_overvote_delimiter_cvr.xlsx"
    result = CliRunner().invoke(main, ["count", str(path), "--method", "irv"])
    assert result.exit_code != 0
    assert "first_vote_column_index is required" in result.output
    assert "test_set_overvote_delimiter_cvr.xlsx" in result.output
    result = CliRunner().invoke(
        main,
        [
            "count",
            str(path),
            "--method",
            "irv",
            "--read-option",
            "first_vote_column_index=2",
            "--read-option",
            "overvote_delimiter=|",
            "--tie-seed",
            "cli-test",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Valid papers: 9" in result.output
