"""Maine 2018, U.S. House District 2: the 8 ES&S CVR workbooks reproduce the official
RCV summary report (tests/data/maine_cd2_2018/official.json, transcribed from the
Secretary of State's ``updated-summary-report-CD2.xls``; see SOURCE.md there).

Maine's rules (21-A M.R.S. §723-A; 29-250 C.M.R. ch. 535): an overvote exhausts the
ballot when reached; two consecutive skipped rankings exhaust it; a repeated
candidate is skipped; candidates who cannot win are eliminated together.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import tallyroom
from tallyroom.ballots.candidates import Candidate
from tallyroom.ballots.marks import BLANK, is_overvote
from tallyroom.ballots.profile import Profile
from tallyroom.count import Count

DATA = Path(__file__).parent.parent / "data" / "maine_cd2_2018"
OFFICIAL: dict[str, Any] = json.loads((DATA / "official.json").read_text())

CANDIDATES = ["Bond, Tiffany L.", "Golden, Jared F.", "Hoar, William R.S.", "Poliquin, Bruce"]
#: Candidate labels differ between the workbooks (see SOURCE.md); map each to one name.
ALIASES = {
    "REP Poliquin, Bruce (5931)": "Poliquin, Bruce",
    "REP Poliquin, Bruce": "Poliquin, Bruce",
    "DEM Golden, Jared F. (5471)": "Golden, Jared F.",
    "DEM Golden, Jared F.": "Golden, Jared F.",
}
MAINE_RULES = {
    "overvote_rule": "exhaustImmediately",
    "max_skipped_ranks": 1,
    "exhaust_on_duplicate_candidate": False,
    "batch_elimination": True,
    "continue_until_two_candidates_remain": True,
}
RANKS = 5


@pytest.fixture(scope="module")
def profile() -> Profile:
    files = sorted(DATA.glob("*.xlsx"))
    assert len(files) == 8
    return tallyroom.read_ballots(
        files,
        format="ess",
        candidates=[Candidate(n) for n in CANDIDATES],
        aliases=ALIASES,
        first_vote_column_index=4,
        id_column_index=1,
        precinct_column_index=2,
        overvote_label="overvote",
        skipped_rank_label="undervote",
    )


@pytest.fixture(scope="module")
def count(profile: Profile) -> Count:
    return tallyroom.count(profile, method="irv", rules=MAINE_RULES)


def test_every_ballot_is_read(profile: Profile) -> None:
    assert profile.total == OFFICIAL["total_ballots"] == 296_077
    assert profile.depth == RANKS


def test_rounds_reproduce_official_tallies(count: Count) -> None:
    assert len(count.rounds) == OFFICIAL["num_rounds"] == 2
    for rnd, official in zip(count.rounds, OFFICIAL["rounds"], strict=True):
        assert dict(rnd.tally) == {k: Fraction(v) for k, v in official["votes"].items()}
        assert rnd.threshold == official["winning_threshold"]
        assert rnd.continuing_total == official["continuing_ballots"]
    assert sorted(d.candidate for d in count.rounds[0].excluded) == sorted(
        OFFICIAL["eliminated_round1_batch"]
    )
    assert count.elected == ("Golden, Jared F.",)
    assert OFFICIAL["winner"].startswith(count.elected[0])


def test_round_two_transfers_match_official(count: Count) -> None:
    official = OFFICIAL["rounds"][1]["transfers"]
    moved: Counter[str] = Counter()
    for flows in count.rounds[0].transfers.values():
        for dest, amount in flows.items():
            moved[dest] += int(amount)
    assert moved["Golden, Jared F."] == official["Golden, Jared F."]
    assert moved["Poliquin, Bruce"] == official["Poliquin, Bruce"]
    assert moved["exhausted"] == (
        official["exhausted_by_overvotes"]
        + official["exhausted_by_undervotes"]
        + official["exhausted_choices"]
    )
    for source in ("Bond, Tiffany L.", "Hoar, William R.S."):
        assert sum(count.rounds[0].transfers[source].values()) == -official[source]


def _maine_category(row: Sequence[int], continuing: set[int]) -> str:
    """Where a ballot stands when only ``continuing`` candidates remain (Maine's report
    categories): with a continuing candidate, exhausted by an overvote, by undervotes
    (two consecutive skipped rankings, or no further ranking), or "exhausted choices"
    (every ranking used, all for eliminated candidates)."""
    cells = list(row) + [BLANK] * (RANKS - len(row))
    skipped = 0
    seen: set[int] = set()
    for code in cells:
        if code == BLANK:
            skipped += 1
            if skipped >= 2:
                return "undervotes"
            continue
        skipped = 0
        if is_overvote(code):
            return "overvotes"
        if code in seen:
            continue
        seen.add(code)
        if code in continuing:
            return "continuing"
    return "exhausted choices" if BLANK not in cells else "undervotes"


@pytest.mark.parametrize("round_index", [0, 1])
def test_inactive_ballots_by_category(profile: Profile, count: Count, round_index: int) -> None:
    rnd = count.rounds[round_index]
    official = OFFICIAL["rounds"][round_index]
    ex = {k: int(v) for k, v in rnd.exhausted.items()}
    # The count's own categories: overvotes map one to one.
    assert ex.get("overvote", 0) == official["exhausted_by_overvotes"]
    # Maine's report splits the rest into "by undervotes" and "exhausted choices";
    # classify each paper independently and check both the split and its total.
    continuing = {profile.candidates.index_of(n) for n in rnd.tally}
    by_category: Counter[str] = Counter()
    for row, weight in profile.rows():
        by_category[_maine_category(row, continuing)] += weight
    assert by_category["continuing"] == rnd.continuing_total
    assert by_category["overvotes"] == official["exhausted_by_overvotes"]
    assert by_category["undervotes"] == official["exhausted_by_undervotes"]
    assert by_category["exhausted choices"] == official["exhausted_choices"]
    others = sum(v for k, v in ex.items() if k != "overvote")
    assert others == official["exhausted_by_undervotes"] + official["exhausted_choices"]
    if round_index == 0:
        # Round 1: every inactive non-overvote ballot had no usable first ranking.
        assert ex.get("no rankings", 0) + ex.get("skipped rankings", 0) == 6018
        assert official["exhausted_choices"] == 0
