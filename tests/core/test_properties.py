"""Property tests (Hypothesis): conservation, ballot-order independence, CSV round trips."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tallyroom
from tallyroom import Profile
from tallyroom.formats import csv_ranked
from tallyroom.reports.native_json import dumps, loads

NAMES = ["Ash", "Birch", "Cedar", "Damson", "Elm"]

mark = st.one_of(
    st.none(),
    st.sampled_from(NAMES),
    st.just("?"),
    st.lists(st.sampled_from(NAMES), min_size=2, max_size=3, unique=True).map(tuple),
)
paper = st.tuples(st.lists(mark, min_size=1, max_size=2).map(tuple), st.integers(1, 50))
profiles = st.lists(paper, min_size=1, max_size=25)


@settings(max_examples=150, deadline=None)
@given(profiles, st.sampled_from(["sv", "fptp"]))
def test_every_paper_is_accounted_for(rankings, method) -> None:
    profile = Profile.from_rankings(NAMES, rankings)
    result = tallyroom.count(profile, method, tie_seed="prop")
    assert result.valid_papers + result.rejected_total == profile.total
    for r in result.rounds:
        assert r.continuing_total + r.exhausted_total + r.loss_to_fractions == result.valid_total
    # The saved form reloads into the same log (and re-runs the checks).
    assert dumps(loads(dumps(result))) == dumps(result)


@settings(max_examples=100, deadline=None)
@given(profiles, st.randoms(use_true_random=False), st.sampled_from(["sv", "fptp"]))
def test_ballot_order_does_not_matter(rankings, rnd: random.Random, method) -> None:
    shuffled = list(rankings)
    rnd.shuffle(shuffled)
    a = tallyroom.count(Profile.from_rankings(NAMES, rankings), method, tie_seed="prop")
    b = tallyroom.count(Profile.from_rankings(NAMES, shuffled), method, tie_seed="prop")
    assert dumps(a) == dumps(b)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    profiles,
    st.dictionaries(st.sampled_from(["want of official mark", "unmarked"]), st.integers(1, 9)),
)
def test_csv_write_then_read_round_trip(tmp_path: Path, rankings, rejected) -> None:
    p = Profile.from_rankings(NAMES, rankings, rejected=rejected)
    out = tmp_path / "round_trip.csv"
    csv_ranked.write(p, out, {})
    q = tallyroom.read_ballots(out, format="csv", overvote_delimiter="+", candidates=NAMES)
    assert sorted(q.rankings()) == sorted(p.rankings())
    assert dict(q.rejected) == dict(p.rejected)
