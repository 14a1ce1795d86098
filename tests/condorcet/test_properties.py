"""Property tests of the Condorcet methods and Borda (Hypothesis).

* a Condorcet winner, when there is one, wins under Schulze, ranked pairs,
  Copeland and minimax (winning votes and margins), and is the only member of
  the Smith and Schwartz sets;
* reversing every paper (unranked candidates become tied first) transposes the
  pairwise matrix, so the Condorcet winner becomes the Condorcet loser;
* relabelling the candidates (new names, new ballot order) does not change the
  winner, whenever the count needed no tie decision;
* the Schwartz set is inside the Smith set; Schulze and ranked pairs elect
  inside the Schwartz/Smith sets;
* Borda points add up (each paper awards exactly what its convention says).
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

import tallyroom
from tallyroom import Profile
from tallyroom.errors import TieDecisionRequired
from tallyroom.methods.condorcet.pairwise import PairwiseMatrix, pairwise_matrix
from tallyroom.methods.condorcet.sets import (
    condorcet_loser,
    condorcet_winner,
    schwartz_set,
    smith_set,
)

from .strategies import NAMES, profile_of, rankings

CONDORCET_METHODS = (
    ("schulze", {"strength": "winning-votes"}),
    ("schulze", {"strength": "margins"}),
    ("ranked-pairs", {"strength": "margins"}),
    ("ranked-pairs", {"strength": "winning-votes"}),
    ("copeland", {}),
    ("minimax", {"strength": "winning-votes"}),
    ("minimax", {"strength": "margins"}),
)

settings.register_profile("condorcet", max_examples=150, deadline=None)


@settings(max_examples=150, deadline=None)
@given(rankings())
def test_condorcet_winner_wins_under_every_condorcet_method(data: tuple) -> None:
    profile = profile_of(*data)
    m = pairwise_matrix(profile)
    cw = condorcet_winner(m)
    if cw is None:
        return
    assert smith_set(m) == (cw,)
    assert schwartz_set(m) == (cw,)
    for method, rules in CONDORCET_METHODS:
        # No tie rule is given: a Condorcet winner must win without one.
        count = tallyroom.count(profile, method, rules)
        assert count.elected == (cw,), (method, rules)
        assert count.extras["condorcet"]["winner"] == cw


def reversed_profile(cands: tuple[str, ...], rows: list[tuple[tuple[str, ...], int]]) -> Profile:
    out: list[tuple[list[object], int]] = []
    for ranking, n in rows:
        unranked = [c for c in cands if c not in ranking]
        head: list[object] = []
        if len(unranked) > 1:
            head = [unranked]  # an overvote read as a tie (the default overvote rule)
        elif unranked:
            head = [unranked[0]]
        out.append((head + list(reversed(ranking)), n))
    return Profile.from_rankings(list(cands), out)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(rankings())
def test_reversal_transposes_the_matrix_and_swaps_winner_and_loser(data: tuple) -> None:
    cands, rows = data
    m = pairwise_matrix(profile_of(cands, rows))
    r = pairwise_matrix(reversed_profile(cands, rows))
    assert r.d == tuple(zip(*m.d, strict=True))
    assert condorcet_loser(r) == condorcet_winner(m)
    assert condorcet_winner(r) == condorcet_loser(m)
    if condorcet_winner(m) is not None:
        count = tallyroom.count(reversed_profile(cands, rows), "schulze", tie_seed="r")
        assert count.extras["condorcet"]["loser"] == condorcet_winner(m)


@settings(max_examples=100, deadline=None)
@given(rankings(), st.randoms(use_true_random=False))
def test_relabelling_does_not_change_winners_outside_ties(data: tuple, rnd: object) -> None:
    cands, rows = data
    new_names = {c: f"X{c[::-1]}" for c in cands}
    order = list(cands)
    rnd.shuffle(order)  # type: ignore[attr-defined]
    relabelled = Profile.from_rankings(
        [new_names[c] for c in order], [([new_names[c] for c in r], n) for r, n in rows]
    )
    original = profile_of(cands, rows)
    for method in ("schulze", "ranked-pairs", "copeland", "minimax", "borda"):
        try:
            a = tallyroom.count(original, method)
        except TieDecisionRequired:
            continue
        b = tallyroom.count(relabelled, method)
        assert b.elected == tuple(new_names[c] for c in a.elected), method
        assert not a.ties and not b.ties


@settings(max_examples=150, deadline=None)
@given(rankings())
def test_sets_nest_and_methods_elect_inside_them(data: tuple) -> None:
    profile = profile_of(*data)
    m = pairwise_matrix(profile)
    smith, schwartz = set(smith_set(m)), set(schwartz_set(m))
    assert schwartz and schwartz <= smith
    schulze = tallyroom.count(profile, "schulze", tie_seed="p")
    assert set(schulze.extras["scores"]["potential_winners"]) <= schwartz
    rp = tallyroom.count(profile, "ranked-pairs", tie_seed="p")
    assert rp.elected[0] in smith


@settings(max_examples=150, deadline=None)
@given(
    rankings(),
    st.sampled_from(["unranked-zero", "ballot-completion", "modified", "modified-from-zero"]),
)
def test_borda_points_add_up(data: tuple, partial: str) -> None:
    cands, rows = data
    count = tallyroom.count(profile_of(cands, rows), "borda", {"partial": partial}, tie_seed="p")
    m = len(cands)
    awarded = Fraction(0)
    for ranking, n in rows:
        k = len(ranking)
        per = {
            "unranked-zero": sum(m - 1 - q for q in range(k)),
            "ballot-completion": m * (m - 1) // 2,
            "modified": k * (k + 1) // 2,
            "modified-from-zero": k * (k - 1) // 2,
        }[partial]
        awarded += per * n
    assert count.rounds[0].continuing_total == awarded


def test_names_strategy_is_in_ballot_order() -> None:
    assert list(NAMES) == sorted(NAMES)
    assert isinstance(
        PairwiseMatrix.from_dict(
            pairwise_matrix(profile_of(("Ash", "Birch"), [(("Ash",), 1)])).to_dict()
        ),
        PairwiseMatrix,
    )


@settings(max_examples=80, deadline=None)
@given(rankings(), st.randoms(use_true_random=False))
def test_paper_order_does_not_change_the_count(data: tuple, rnd: object) -> None:
    """Counts are functions of the multiset of papers: shuffled input, identical log."""
    from tallyroom.reports.native_json import dumps

    cands, rows = data
    shuffled = list(rows)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    for method in ("schulze", "ranked-pairs", "copeland", "minimax", "borda"):
        a = tallyroom.count(profile_of(cands, rows), method, tie_seed="order")
        b = tallyroom.count(profile_of(cands, shuffled), method, tie_seed="order")
        assert dumps(a) == dumps(b), method
