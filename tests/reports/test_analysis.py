"""Transfer matrix and first x second table: against published figures and as invariants."""

from __future__ import annotations

import csv
from dataclasses import replace
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tallyroom
from tallyroom.analysis import (
    CROSSTAB_KEY,
    crosstab_of,
    first_second_crosstab,
    transfer_matrix,
    with_crosstab,
)
from tallyroom.analysis.crosstab import NO_SECOND, VOID_SECOND, Crosstab
from tallyroom.ballots.profile import Profile
from tallyroom.count import EXHAUSTED, Count
from tallyroom.errors import IntegrityError
from tallyroom.reports.native_json import dumps, loads

from .conftest import LONDON

NO_VALID = "(no valid second choice)"


def published_table() -> dict[tuple[str, str], int]:
    with open(LONDON / "first_second_choice_matrix.csv", newline="", encoding="utf-8") as f:
        return {
            (r["first_choice"], r["second_choice"]): int(r["ballots"]) for r in csv.DictReader(f)
        }


def test_london_crosstab_reproduces_the_published_table(london_count: Count) -> None:
    table = crosstab_of(london_count)
    assert table is not None
    published = published_table()
    names = london_count.candidate_names
    assert len(published) == len(names) * (len(names) + 1)
    for (first, second), n in published.items():
        if second == NO_VALID:
            assert table.get(first, NO_SECOND) + table.get(first, VOID_SECOND) == n, first
        else:
            assert table.get(first, second) == n, (first, second)
    assert table.total == 2_531_357


def test_london_crosstab_gives_the_declared_totals(
    london_count: Count, london_official: dict[str, Any]
) -> None:
    table = crosstab_of(london_count)
    assert table is not None
    for name, n in london_official["second_preference_votes_declared"].items():
        assert table.column_total(name) == n, name
    diagonal = sum(table.get(n, n) for n in table.firsts)
    assert diagonal == london_official["second_preference_same_as_first"]
    for name, n in london_official["first_preferences"].items():
        assert table.row_total(name) == n


def test_london_transfer_matrix(london_count: Count, london_official: dict[str, Any]) -> None:
    m = transfer_matrix(london_count)
    remaining = london_official["second_round"]["candidates"]
    excluded = [n for n in london_count.candidate_names if n not in remaining]
    assert list(m.sources) == excluded
    assert m.destinations == ("Shaun BAILEY", "Sadiq Aman KHAN", EXHAUSTED)
    for name, added in london_official["second_round"]["second_preference_votes_added"].items():
        assert m.destination_total(name) == added
    # Every paper of an excluded candidate moves: to a remaining candidate or to exhausted.
    for name in excluded:
        assert m.source_total(name) == london_official["first_preferences"][name]
    # The matrix is the crosstab's second preferences for the two remaining candidates.
    table = crosstab_of(london_count)
    assert table is not None
    assert (
        m.get("Sian BERRY", "Sadiq Aman KHAN")
        == table.get("Sian BERRY", "Sadiq Aman KHAN")
        == 93_745
    )


def test_stv_transfer_matrix_adds_up(stv_count: Count) -> None:
    m = transfer_matrix(stv_count)
    logged = sum(
        (v for r in stv_count.rounds for flows in r.transfers.values() for v in flows.values()),
        Fraction(0),
    )
    assert m.total == logged
    assert m.source_total("Craig Mackay (SNP)") == 251  # the surplus 1632 - 1381
    assert [f.round for f in m.flows] == sorted(f.round for f in m.flows)


def test_crosstab_survives_a_save(london_count: Count) -> None:
    again = loads(dumps(london_count))
    assert crosstab_of(again) == crosstab_of(london_count)


def test_tampered_crosstab_is_refused(london_count: Count) -> None:
    data = dict(london_count.extras[CROSSTAB_KEY])
    counts = [list(row) for row in data["counts"]]
    counts[0][0] += 1
    bad = replace(
        london_count, extras={**london_count.extras, CROSSTAB_KEY: {**data, "counts": counts}}
    )
    with pytest.raises(IntegrityError, match="first preferences"):
        crosstab_of(bad)


def test_malformed_crosstab_is_refused() -> None:
    with pytest.raises(IntegrityError):
        Crosstab.from_data(
            {"firsts": ["A"], "seconds": ["A", NO_SECOND, VOID_SECOND], "counts": [[1, 2]]}
        )


def test_crosstab_columns_for_void_and_missing_seconds() -> None:
    p = Profile.from_rankings(
        "ABC",
        [
            (("A", "B"), 3),
            (("A",), 2),
            (("A", ("B", "C")), 4),
            (("B", "?"), 1),
            ((None, "A"), 7),
            ((("A", "B"),), 5),
        ],
    )
    t = first_second_crosstab(p)
    assert t.seconds == ("A", "B", "C", NO_SECOND, VOID_SECOND)
    assert t.counts[0] == (0, 3, 0, 2, 4)
    assert t.counts[1] == (0, 0, 0, 0, 1)
    assert t.total == 10  # papers without a single first mark are not in the table


def test_with_crosstab_needs_the_counted_profile(london_count: Count) -> None:
    other = Profile.from_rankings("AB", [(("A", "B"), 3)])
    with pytest.raises(IntegrityError):
        with_crosstab(london_count, other)


rankings = st.lists(
    st.tuples(
        st.lists(st.sampled_from(["A", "B", "C", "D", None, "?"]), min_size=0, max_size=4).map(
            tuple
        ),
        st.integers(min_value=1, max_value=50),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(rankings)
def test_crosstab_rows_are_the_first_preferences(
    data: list[tuple[tuple[str | None, ...], int]],
) -> None:
    p = Profile.from_rankings("ABCD", data)
    t = first_second_crosstab(p)
    firsts = p.first_preferences()
    assert [t.row_total(n) for n in t.firsts] == [int(x) for x in firsts]
    assert t.total == int(firsts.sum())


@settings(max_examples=40, deadline=None)
@given(rankings)
def test_transfer_matrix_is_the_logged_transfers(
    data: list[tuple[tuple[str | None, ...], int]],
) -> None:
    p = Profile.from_rankings("ABCD", data)
    if p.total == 0:
        return
    try:
        c = tallyroom.count(p, "irv", tie_seed="property")
    except tallyroom.errors.TallyroomError:
        return
    m = transfer_matrix(c)
    for r in c.rounds:
        for src, flows in r.transfers.items():
            for dst, v in flows.items():
                assert v == sum(
                    (
                        f.votes
                        for f in m.flows
                        if (f.round, f.source, f.destination) == (r.number, src, dst)
                    ),
                    Fraction(0),
                )
    assert m.total == sum((f.votes for f in m.flows), Fraction(0))
    # what a candidate received plus kept is what the final round shows, for survivors
    first = c.rounds[0].tally
    for name, final in c.final_round.tally.items():
        received = m.destination_total(name) if name in m.destinations else Fraction(0)
        sent = m.source_total(name) if name in m.sources else Fraction(0)
        assert first.get(name, Fraction(0)) + received - sent == final
