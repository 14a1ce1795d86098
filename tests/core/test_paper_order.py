"""Methods whose rules depend on paper order get the papers in file order automatically."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import tallyroom
from tallyroom.cli import main
from tallyroom.registry import get_method


def test_order_dependent_methods_are_flagged() -> None:
    assert get_method("irish-stv").needs_paper_order
    assert get_method("cambridge").needs_paper_order
    assert not get_method("scottish-stv").needs_paper_order


def test_read_for_an_order_dependent_method_keeps_order(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text("rank1,rank2\nA,B\nB,A\nA,B\nC,A\n")
    assert tallyroom.read_ballots(path).paper_order is None
    kept = tallyroom.read_ballots(path, for_method="irish-stv")
    assert kept.paper_order is not None and kept.paper_order.tolist() == [0, 1, 0, 2]


def test_count_command_counts_irish_rules_without_extra_options(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text("rank1,rank2,count\nA,B,5\nB,C,3\nC,A,2\n")
    result = CliRunner().invoke(
        main, ["count", str(path), "--method", "irish-stv", "--seats", "1", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert '"elected": [\n    "A"\n  ]' in result.output
