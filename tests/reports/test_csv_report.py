"""CSV tables: golden structure, published figures, determinism."""

from __future__ import annotations

import csv
import io

import pytest

import tallyroom
from tallyroom.count import Count
from tallyroom.errors import ReportError
from tallyroom.reports.native_json import dumps, loads

from .test_analysis import NO_VALID, published_table


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_rounds_csv_structure(any_count: Count) -> None:
    text = tallyroom.render(any_count, "csv")
    table = rows(text)
    assert table[0] == ["candidate", "party", *(f"round {r.number}" for r in any_count.rounds)]
    labels = [r[0] for r in table[1:]]
    in_tally = [n for n in any_count.candidate_names if any(n in r.tally for r in any_count.rounds)]
    assert labels[: len(in_tally)] == in_tally
    assert labels[-1] == "valid total"
    assert "loss to fractions" in labels
    assert all(len(r) == len(table[0]) for r in table)
    assert "\r" not in text


def test_rounds_csv_london_figures(london_count: Count, london_official: dict[str, object]) -> None:
    table = {r[0]: r for r in rows(tallyroom.render(london_count, "csv"))}
    firsts = london_official["first_preferences"]
    assert isinstance(firsts, dict)
    for name, n in firsts.items():
        assert table[name][2] == str(n)
    assert table["Sadiq Aman KHAN"][3] == "1206034"
    assert table["Shaun BAILEY"][3] == "977601"


def test_crosstab_csv_reproduces_the_published_table(london_count: Count) -> None:
    table = rows(tallyroom.render(london_count, "csv", table="crosstab"))
    header = table[0]
    assert header[0] == "first preference" and header[-1] == "total"
    published = published_table()
    for row in table[1:-1]:
        first = row[0]
        cells = dict(zip(header[1:-1], (int(x) for x in row[1:-1]), strict=True))
        for name in london_count.candidate_names:
            assert cells[name] == published[(first, name)], (first, name)
        assert (
            cells["no second preference"] + cells["second preference void"]
            == published[(first, NO_VALID)]
        )
    assert table[-1][0] == "total" and table[-1][-1] == "2531357"


def test_transfers_csv(stv_count: Count) -> None:
    table = rows(tallyroom.render(stv_count, "csv", table="transfers"))
    assert table[0][0] == "from" and table[0][-1] == "total"
    assert table[0][-3:-1] == ["exhausted", "loss to fractions"]
    mackay = next(r for r in table if r[0] == "Craig Mackay (SNP)")
    assert mackay[-1] == "251"
    assert table[-1][0] == "total"


def test_crosstab_csv_needs_the_table(stv_count: Count) -> None:
    bare = loads(dumps(stv_count).replace('"first_second_crosstab"', '"something_else"'))
    with pytest.raises(ReportError, match="--save"):
        tallyroom.render(bare, "csv", table="crosstab")


def test_unknown_table_and_option(london_count: Count) -> None:
    with pytest.raises(ReportError, match="valid tables: rounds, transfers, crosstab"):
        tallyroom.render(london_count, "csv", table="nope")
    with pytest.raises(ReportError, match="valid options: table"):
        tallyroom.render(london_count, "csv", colour="red")


@pytest.mark.parametrize("table", ["rounds", "transfers", "crosstab"])
def test_csv_is_deterministic(london_count: Count, table: str) -> None:
    first = tallyroom.render(london_count, "csv", table=table)
    again = tallyroom.render(loads(dumps(london_count)), "csv", table=table)
    assert first == again
