"""The IRV engine's vectorised reading gives exactly what RCTab's row-by-row loop gives.

``irv_engine._FORCE_REFERENCE`` sends every row through ``_Tabulator.next_choice``
and the original per-row transfer loop; the default path reads clean rows with
numpy. Both must give byte-identical native JSON, and identical engine rounds
(including the per-precinct slices RCTab's reports use), across rule options and
profiles with and without blanks, overvotes, uncertain marks and repeated candidates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tallyroom
from tallyroom.ballots.profile import Profile
from tallyroom.errors import CountError
from tallyroom.methods import irv, irv_engine
from tallyroom.methods.irv_engine import Tabulation, tabulate
from tallyroom.methods.irv_rules import IRVRules, OvervoteRule, Threshold, WinnerMode
from tallyroom.methods.irv_vector import KeptShares, clean_rows
from tallyroom.rctab.ties import TiebreakMode

NAMES = "ABCDEF"


@contextmanager
def reference_path() -> Iterator[None]:
    saved = irv_engine._FORCE_REFERENCE
    irv_engine._FORCE_REFERENCE = True
    try:
        yield
    finally:
        irv_engine._FORCE_REFERENCE = saved


@st.composite
def profiles(draw: st.DrawFn, defects: bool = True) -> Profile:
    n = draw(st.integers(2, 6))
    names = NAMES[:n]
    options: list[st.SearchStrategy[str | tuple[str, ...] | None]] = [st.sampled_from(names)]
    if defects:
        group = st.lists(st.sampled_from(names), min_size=2, max_size=3, unique=True)
        options += [st.none(), st.just("*"), st.just("?"), group.map(lambda g: tuple(g))]
    position = st.one_of(*options)
    ranking = st.lists(position, min_size=0, max_size=n + 2)
    rows = draw(st.lists(st.tuples(ranking, st.integers(1, 40)), min_size=1, max_size=25))
    profile = Profile.from_rankings(names, [(tuple(r), w) for r, w in rows])
    precincts = draw(
        st.lists(st.integers(-1, 3), min_size=profile.n_distinct, max_size=profile.n_distinct)
    )
    return replace(profile, metadata={"precinct": np.array(precincts, dtype=np.int64)})


SINGLE = st.builds(
    IRVRules,
    overvote_rule=st.sampled_from(list(OvervoteRule)),
    max_skipped_ranks=st.one_of(st.none(), st.integers(0, 2)),
    exhaust_on_duplicate_candidate=st.booleans(),
    batch_elimination=st.booleans(),
    continue_until_two_candidates_remain=st.booleans(),
    threshold=st.sampled_from(list(Threshold)),
    minimum_vote_threshold=st.sampled_from([Fraction(0), Fraction(5)]),
    tiebreak_mode=st.just(TiebreakMode.RANDOM),
    random_seed=st.integers(-(2**40), 2**40),
)

MULTI = st.builds(
    IRVRules,
    winner_mode=st.sampled_from(
        [
            WinnerMode.MULTI_WINNER_MULTIPLE_PER_ROUND,
            WinnerMode.MULTI_WINNER_ONE_PER_ROUND,
            WinnerMode.BOTTOMS_UP,
            WinnerMode.MULTI_PASS_IRV,
        ]
    ),
    overvote_rule=st.sampled_from(list(OvervoteRule)),
    max_skipped_ranks=st.one_of(st.none(), st.integers(0, 2)),
    exhaust_on_duplicate_candidate=st.booleans(),
    batch_elimination=st.booleans(),
    threshold=st.sampled_from(list(Threshold)),
    decimal_places=st.integers(1, 6),
    tiebreak_mode=st.just(TiebreakMode.USE_CANDIDATE_ORDER),
)


def _native(profile: Profile, rules: IRVRules, seats: int) -> bytes | str:
    try:
        return tallyroom.render(irv.count(profile, rules, seats), "json")
    except CountError as exc:  # e.g. exhaustIfMultipleContinuing with unrecorded overvotes
        return f"CountError: {exc}"  # the same refusal both ways


def _engine(profile: Profile, rules: IRVRules, seats: int) -> Tabulation | str:
    try:
        return tabulate(profile, rules, seats, slices=("precinct",))
    except CountError as exc:
        return f"CountError: {exc}"


def _same_both_ways(profile: Profile, rules: IRVRules, seats: int) -> None:
    fast = _native(profile, rules, seats)
    fast_engine = _engine(profile, rules, seats)
    with reference_path():
        slow = _native(profile, rules, seats)
        slow_engine = _engine(profile, rules, seats)
    assert fast == slow
    # dataclass equality compares every round, transfer and slice, in order
    assert fast_engine == slow_engine
    if isinstance(fast_engine, Tabulation) and isinstance(slow_engine, Tabulation):
        for a, b in zip(fast_engine.rounds, slow_engine.rounds, strict=True):
            assert list(a.transfers.items()) == list(b.transfers.items())
            for src in a.transfers:
                assert list(a.transfers[src]) == list(b.transfers[src])


@settings(max_examples=150, deadline=None)
@given(profiles(), SINGLE)
def test_single_winner_fast_path_matches_the_reference(p: Profile, rules: IRVRules) -> None:
    _same_both_ways(p, rules, 1)


@settings(max_examples=100, deadline=None)
@given(profiles(), MULTI, st.integers(2, 3))
def test_multi_winner_fast_path_matches_the_reference(
    p: Profile, rules: IRVRules, seats: int
) -> None:
    _same_both_ways(p, rules, seats)


@settings(max_examples=50, deadline=None)
@given(profiles(defects=False), SINGLE)
def test_clean_profiles_match_the_reference(p: Profile, rules: IRVRules) -> None:
    _same_both_ways(p, rules, 1)


def test_clean_rows_follow_the_rule_options() -> None:
    p = Profile.from_rankings(
        "ABC",
        [
            (("A", "B"), 1),  # clean under every option
            (("A", None, "B"), 1),  # a gap of one skipped ranking
            ((None, None, "C"), 1),  # two skipped rankings before the first mark
            (("A", "B", "A"), 1),  # a repeated candidate
            (("A", "*"), 1),  # an overvote mark
            (("?", "B"), 1),  # an uncertain mark
            ((("A", "B"), "C"), 1),  # an overvote group
            ((), 1),  # no rankings
        ],
    )
    b = p.ballots
    assert clean_rows(b, IRVRules()).tolist() == [1, 1, 1, 1, 0, 0, 0, 0]
    assert clean_rows(b, IRVRules(max_skipped_ranks=1)).tolist() == [1, 1, 0, 1, 0, 0, 0, 0]
    assert clean_rows(b, IRVRules(max_skipped_ranks=0)).tolist() == [1, 0, 0, 1, 0, 0, 0, 0]
    dup = IRVRules(exhaust_on_duplicate_candidate=True)
    assert clean_rows(b, dup).tolist() == [1, 1, 1, 0, 0, 0, 0, 0]


def test_sums_beyond_int64_stay_exact() -> None:
    """10^18 units per vote times 100 papers exceeds 2^63: Python integers take over."""
    p = Profile.from_rankings("ABC", [(("A", "B"), 40), (("B", "C"), 35), (("C", "A"), 25)])
    rules = IRVRules(decimal_places=18)
    tab = tabulate(p, rules, 1)
    assert tab.rounds[0].tally == {0: 40, 1: 35, 2: 25}
    assert tab.rounds[0].transfers == {2: {0: 25}}
    with reference_path():
        assert tabulate(p, rules, 1) == tab
    stv = IRVRules(winner_mode=WinnerMode.MULTI_WINNER_MULTIPLE_PER_ROUND, decimal_places=18)
    fast = tallyroom.render(irv.count(p, stv, 2), "json")
    with reference_path():
        assert tallyroom.render(irv.count(p, stv, 2), "json") == fast


@pytest.mark.parametrize("rule", list(OvervoteRule))
def test_each_overvote_rule_on_a_mixed_profile(rule: OvervoteRule) -> None:
    p = Profile.from_rankings(
        "ABCD",
        [
            (("A", "B"), 30),
            (("B", "C"), 25),
            (("C", ("A", "B"), "D"), 20),
            (("D", None, None, "B"), 15),
            (("D", "D", "C"), 12),
        ],
    )
    rules = IRVRules(overvote_rule=rule, max_skipped_ranks=1)
    _same_both_ways(p, rules, 1)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 10**4), min_size=1, max_size=20),
    st.integers(0, 10**4 - 1),
    st.integers(1, 12),
)
def test_kept_shares_follow_the_per_paper_formula(
    values: list[int], frac_units: int, places: int
) -> None:
    """Each paper keeps ``v - trunc(v * f)`` with the winner (RCTab), one winner after another."""
    unit = 10**places
    values = [v * unit // 10**4 for v in values]
    fraction = frac_units * unit // 10**4
    n = len(values)
    shares = KeptShares(n, unit)
    ftv = np.array(values, dtype=np.int64)
    rows = np.arange(n, dtype=np.int64)
    ftv[rows] = shares.keep(0, rows, ftv[rows], fraction)
    ftv[rows[::2]] = shares.keep(1, rows[::2], ftv[rows[::2]], fraction)
    for r, v in enumerate(values):
        first = v - v * fraction // unit
        left = unit - first
        expected = [(0, first)]
        if r % 2 == 0:
            expected.append((1, left - left * fraction // unit))
        assert shares.allocations(r) == expected
        assert ftv[r] == unit - sum(k for _, k in expected)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 12).flatmap(
        lambda depth: st.lists(
            st.lists(
                st.one_of(st.integers(-12, 6), st.integers(120, 300), st.integers(-300, -120)),
                min_size=depth,
                max_size=depth,
            ),
            min_size=1,
            max_size=30,
        )
    )
)
def test_row_summaries_match_a_plain_loop(rows: list[list[int]]) -> None:
    """Byte-wide and wide codes alike: clean rows and marked lengths, as a loop over rows says."""
    from tallyroom.ballots.marks import BLANK
    from tallyroom.methods.irv_vector import marked_length

    b = np.array(rows, dtype=np.int32)
    clean = [all(c >= 0 or c == BLANK for c in r) and any(c != BLANK for c in r) for r in rows]
    length = [max((j + 1 for j, c in enumerate(r) if c != BLANK), default=0) for r in rows]
    assert clean_rows(b, IRVRules()).tolist() == clean
    assert marked_length(b).tolist() == length


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 25), st.integers(-1, 25), st.integers(0, 10**6), st.booleans()),
        min_size=1,
        max_size=200,
    )
)
def test_transfer_sums_int64_and_python_integers_agree(
    moves: list[tuple[int, int, int, bool]],
) -> None:
    """The dense int64 sums and the sorted Python-integer sums: same totals, flags and order."""
    from tallyroom.methods.irv_vector import aggregate

    src, dst, values, scaled = (np.array(col) for col in zip(*moves, strict=True))
    fast = aggregate(src, dst, values.astype(np.int64), scaled.astype(bool), "exhausted")
    exact = aggregate(src, dst, values.astype(object), scaled.astype(bool), "exhausted")
    assert [(s, list(d.items())) for s, d in fast.items()] == [
        (s, list(d.items())) for s, d in exact.items()
    ]
