"""Adapters for the peer libraries, run in a child process of the peers' virtualenv.

Each adapter takes a workload (see :mod:`benchmarks.workloads`) and returns
``{"winners": {contest: [names]}, "read_s": ..., "count_s": ..., "notes": [...]}``.
"read" is the peer's own way of getting ballots into its data structure (its
loader where it has one, else :mod:`benchmarks.peer_input` plus its
constructor); "count" is its counting call. Imports are local, so that a peer
that is not installed only fails its own rows.

Methods each peer claims (the harness compares winners with tallyroom's):

* ``irv``: VoteKit ``IRV`` and ``FastIRV``, pref_voting
  ``instant_runoff_for_truncated_linear_orders``, pyrankvote
  ``instant_runoff_voting``, rcv-cruncher ``SingleWinner``;
* ``stv`` (Scottish rules in tallyroom): pref_voting ``stv_scottish`` claims the
  same rules (SSI 2007/42); VoteKit ``STV``/``FastSTV`` (Droop quota, fractional
  transfers in binary floats), pyrankvote ``single_transferable_vote`` and
  rcv-cruncher ``STVFractionalBallot`` are related but different STV variants,
  so their differences are reported, not failed.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .peer_input import Contest, Progress, read_contest

Result = dict[str, Any]
SEED = 20260101


def _contests(workload: dict[str, Any]) -> list[tuple[str, Path]]:
    return [(Path(f).name, Path(f)) for f in workload["files"]]


def _run_contests(
    workload: dict[str, Any],
    load: Callable[[Path, dict[str, Any]], Any],
    count: Callable[[Any, int], list[str]],
) -> Result:
    """Time ``load`` and ``count`` over every contest of the workload."""
    read_s = count_s = read_cpu = count_cpu = 0.0
    winners: dict[str, list[str]] = {}
    progress = Progress(workload)
    for name, path in _contests(workload):
        t0, c0 = time.perf_counter(), time.process_time()
        loaded, seats = load(path, workload)
        t1, c1 = time.perf_counter(), time.process_time()
        elected = [str(w) for w in count(loaded, seats)]
        if workload["kind"] in BY_POSITION:
            order = _PLAIN_CANDIDATES[path]
            elected = [str(order.index(w) + 1) for w in elected]
        winners[name] = sorted(elected)
        t2, c2 = time.perf_counter(), time.process_time()
        read_s += t1 - t0
        count_s += t2 - t1
        read_cpu += c1 - c0
        count_cpu += c2 - c1
        progress.done(len(winners))
    return {
        "winners": winners,
        "read_s": read_s,
        "count_s": count_s,
        "read_cpu_s": read_cpu,
        "count_cpu_s": count_cpu,
    }


#: kinds whose winners are compared by ballot position (names are normalised differently)
BY_POSITION = ("blt", "soi")
_PLAIN_CANDIDATES: dict[Path, list[str]] = {}


def _plain(path: Path, workload: dict[str, Any]) -> tuple[Contest, int]:
    c = read_contest(workload["kind"], path, int(workload.get("seats") or 1))
    _PLAIN_CANDIDATES[path] = list(c.candidates)
    return c, c.seats if workload["kind"] == "blt" else int(workload.get("seats") or 1)


# -- VoteKit -------------------------------------------------------------------------


def _votekit_profile(path: Path, workload: dict[str, Any]) -> tuple[Any, int]:
    if workload["kind"] == "csv":
        from votekit.cvr_loaders import load_ranking_csv  # type: ignore[import-not-found, import-untyped, unused-ignore]

        n = int(workload["n_candidates"])
        prof = load_ranking_csv(path, list(range(n)), header_row=0, print_profile=False)
        return prof.group_ballots(), int(workload["seats"])
    from votekit import RankBallot, RankProfile  # type: ignore[import-not-found, import-untyped, unused-ignore]

    c, seats = _plain(path, workload)
    ballots = [
        RankBallot(ranking=tuple(frozenset({x}) for x in r), weight=n)
        for r, n in zip(c.rankings, c.counts, strict=True)
    ]
    return RankProfile(ballots=ballots, candidates=c.candidates), seats


def _import_votekit() -> None:
    """Import VoteKit before the clock starts (its imports take about 0.5 s)."""
    import votekit  # type: ignore[import-not-found, import-untyped, unused-ignore] # noqa: F401
    import votekit.cvr_loaders  # type: ignore[import-not-found, import-untyped, unused-ignore] # noqa: F401
    import votekit.elections  # type: ignore[import-not-found, import-untyped, unused-ignore] # noqa: F401


def _elected(election: Any) -> list[str]:
    return [c for s in election.get_elected() for c in s]


def votekit_irv(workload: dict[str, Any]) -> Result:
    _import_votekit()
    from votekit.elections import IRV  # type: ignore[import-not-found, import-untyped, unused-ignore]

    return _run_contests(
        workload, _votekit_profile, lambda p, s: _elected(IRV(p, tiebreak="random", rng_seed=SEED))
    )


def votekit_fast_irv(workload: dict[str, Any]) -> Result:
    _import_votekit()
    from votekit.elections.election_types.ranking.stv.stv import FastIRV  # type: ignore[import-not-found, import-untyped, unused-ignore]

    return _run_contests(
        workload,
        _votekit_profile,
        lambda p, s: _elected(FastIRV(p, tiebreak="random", rng_seed=SEED)),
    )


def votekit_stv(workload: dict[str, Any]) -> Result:
    _import_votekit()
    from votekit.elections import STV  # type: ignore[import-not-found, import-untyped, unused-ignore]

    return _run_contests(
        workload,
        _votekit_profile,
        lambda p, s: _elected(STV(p, n_seats=s, tiebreak="random", rng_seed=SEED)),
    )


def votekit_fast_stv(workload: dict[str, Any]) -> Result:
    _import_votekit()
    from votekit.elections.election_types.ranking.stv.stv import FastSTV  # type: ignore[import-not-found, import-untyped, unused-ignore]

    return _run_contests(
        workload,
        _votekit_profile,
        lambda p, s: _elected(FastSTV(p, n_seats=s, tiebreak="random", rng_seed=SEED)),
    )


# -- pref_voting --------------------------------------------------------------------


def _pv_profile(path: Path, workload: dict[str, Any]) -> tuple[Any, int]:
    from pref_voting.profiles_with_ties import ProfileWithTies  # type: ignore[import-not-found, import-untyped, unused-ignore]

    c, seats = _plain(path, workload)
    rankings = [{x: i + 1 for i, x in enumerate(r)} for r in c.rankings]
    prof = ProfileWithTies(rankings, rcounts=list(c.counts), candidates=list(c.candidates))
    return prof, seats


def pref_voting_irv(workload: dict[str, Any]) -> Result:
    import pref_voting.profiles_with_ties  # type: ignore[import-not-found, import-untyped, unused-ignore] # noqa: F401
    from pref_voting.iterative_methods import instant_runoff_for_truncated_linear_orders  # type: ignore[import-not-found, import-untyped, unused-ignore]

    return _run_contests(
        workload, _pv_profile, lambda p, s: instant_runoff_for_truncated_linear_orders(p)
    )


def pref_voting_stv_scottish(workload: dict[str, Any]) -> Result:
    import pref_voting.profiles_with_ties  # type: ignore[import-not-found, import-untyped, unused-ignore] # noqa: F401
    from pref_voting.proportional_methods import stv_scottish  # type: ignore[import-not-found, import-untyped, unused-ignore]

    return _run_contests(
        workload,
        _pv_profile,
        lambda p, s: stv_scottish(p, num_seats=s, rng=random.Random(SEED)),
    )


# -- pyrankvote --------------------------------------------------------------------


def _pyrankvote_ballots(path: Path, workload: dict[str, Any]) -> tuple[Any, int]:
    from pyrankvote import Ballot, Candidate  # type: ignore[import-not-found, import-untyped, unused-ignore]

    c, seats = _plain(path, workload)
    cands = {n: Candidate(n) for n in c.candidates}
    # pyrankvote takes one Ballot object per paper (it has no weights).
    ballots = [Ballot(ranked_candidates=[cands[x] for x in r]) for r in c.papers()]
    return (list(cands.values()), ballots), seats


def pyrankvote_irv(workload: dict[str, Any]) -> Result:
    import pyrankvote  # type: ignore[import-not-found, import-untyped, unused-ignore]

    return _run_contests(
        workload,
        _pyrankvote_ballots,
        lambda p, s: [c.name for c in pyrankvote.instant_runoff_voting(p[0], p[1]).get_winners()],
    )


def pyrankvote_stv(workload: dict[str, Any]) -> Result:
    import pyrankvote  # type: ignore[import-not-found, import-untyped, unused-ignore]

    return _run_contests(
        workload,
        _pyrankvote_ballots,
        lambda p, s: [
            c.name
            for c in pyrankvote.single_transferable_vote(
                p[0], p[1], number_of_seats=s
            ).get_winners()
        ],
    )


# -- rcv-cruncher -------------------------------------------------------------------


def _cruncher_cvr(path: Path, workload: dict[str, Any]) -> tuple[Any, int]:
    from rcv_cruncher.marks import BallotMarks  # type: ignore[import-not-found, import-untyped, unused-ignore]

    c, seats = _plain(path, workload)
    depth = max((len(r) for r in c.rankings), default=1)
    ranks = [list(r) + [BallotMarks.SKIPPED] * (depth - len(r)) for r in c.rankings]
    return {"ranks": ranks, "weight": list(c.counts)}, seats


def _cruncher_winners(rcv: Any) -> list[str]:
    return [o["name"] for o in rcv.get_candidate_outcomes() if o.get("round_elected") is not None]


def rcv_cruncher_irv(workload: dict[str, Any]) -> Result:
    import rcv_cruncher  # type: ignore[import-not-found, import-untyped, unused-ignore]
    import rcv_cruncher.marks  # type: ignore[import-not-found, import-untyped, unused-ignore] # noqa: F401

    return _run_contests(
        workload,
        _cruncher_cvr,
        lambda p, s: _cruncher_winners(rcv_cruncher.SingleWinner(parsed_cvr=p)),
    )


def rcv_cruncher_stv(workload: dict[str, Any]) -> Result:
    import rcv_cruncher  # type: ignore[import-not-found, import-untyped, unused-ignore]
    import rcv_cruncher.marks  # type: ignore[import-not-found, import-untyped, unused-ignore] # noqa: F401

    return _run_contests(
        workload,
        _cruncher_cvr,
        lambda p, s: _cruncher_winners(rcv_cruncher.STVFractionalBallot(parsed_cvr=p, n_winners=s)),
    )


#: tool name -> (adapter, method it runs, whether it claims tallyroom's exact rules)
PEERS: dict[str, tuple[Callable[[dict[str, Any]], Result], str, bool]] = {
    "votekit IRV": (votekit_irv, "irv", True),
    "votekit FastIRV": (votekit_fast_irv, "irv", True),
    "votekit STV": (votekit_stv, "stv", False),
    "votekit FastSTV": (votekit_fast_stv, "stv", False),
    "pref_voting IRV": (pref_voting_irv, "irv", True),
    "pref_voting STV-Scottish": (pref_voting_stv_scottish, "stv", True),
    "pyrankvote IRV": (pyrankvote_irv, "irv", True),
    "pyrankvote STV": (pyrankvote_stv, "stv", False),
    "rcv-cruncher IRV": (rcv_cruncher_irv, "irv", True),
    "rcv-cruncher STV": (rcv_cruncher_stv, "stv", False),
}
