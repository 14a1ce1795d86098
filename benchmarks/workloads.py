"""The benchmark workloads: seeded synthetic ballots and the real elections.

A workload is a plain dict (it is sent to the child processes as JSON):

``name``, ``kind`` (``csv``, ``blt``, ``soi``, ``ess``, ``sv``), ``files``,
``method`` (``irv``, ``stv``, ``sv``), ``seats``, ``series`` (workloads of one
series differ only in size; a peer too slow at one size is not run at the next),
``n_ballots`` and, for synthetic ones, ``n_candidates`` and ``seed``;
``one_contest`` when all files are one contest (an election's CVR split in
several files), else each file is its own contest.

Real data is read from ``--data-root`` (default ``../shared`` next to the repo):
those files are large and not in the repository.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .generate import synthetic_path

SEED = 7

FULL_SIZES = (10_000, 100_000, 1_000_000, 10_000_000)
QUICK_SIZES = (2_000,)

Workload = dict[str, Any]

#: Maine's ES&S layout and rules, as in tests/elections/test_maine_cd2_2018.py
MAINE_READ: dict[str, Any] = {
    "candidates": ["Bond, Tiffany L.", "Golden, Jared F.", "Hoar, William R.S.", "Poliquin, Bruce"],
    "aliases": {
        "REP Poliquin, Bruce (5931)": "Poliquin, Bruce",
        "REP Poliquin, Bruce": "Poliquin, Bruce",
        "DEM Golden, Jared F. (5471)": "Golden, Jared F.",
        "DEM Golden, Jared F.": "Golden, Jared F.",
    },
    "first_vote_column_index": 4,
    "id_column_index": 1,
    "precinct_column_index": 2,
    "overvote_label": "overvote",
    "skipped_rank_label": "undervote",
}
MAINE_RULES: dict[str, Any] = {
    "overvote_rule": "exhaustImmediately",
    "max_skipped_ranks": 1,
    "exhaust_on_duplicate_candidate": False,
    "batch_elimination": True,
    "continue_until_two_candidates_remain": True,
}


def synthetic(data_dir: Path, quick: bool) -> list[Workload]:
    """IRV over 10 and 20 candidates at every size; 3- and 5-seat STV up to 10**6."""
    sizes = QUICK_SIZES if quick else FULL_SIZES
    out: list[Workload] = []
    for n_c in (10, 20):
        for n in sizes:
            for method, seats in (("irv", 1), ("stv", 3), ("stv", 5)):
                if method == "stv" and n > 1_000_000:
                    continue
                label = "IRV" if method == "irv" else f"STV{seats}"
                out.append(
                    {
                        "name": f"synthetic {label} {n_c}c {n:,}",
                        "series": f"synthetic {label} {n_c}c",
                        "kind": "csv",
                        "files": [str(synthetic_path(data_dir, n, n_c, SEED))],
                        "method": method,
                        "seats": seats,
                        "n_ballots": n,
                        "n_candidates": n_c,
                        "seed": SEED,
                    }
                )
    return out


def real(data_root: Path, quick: bool) -> list[Workload]:
    """The real elections; in quick mode only a few small contests of each."""
    shared = data_root
    out: list[Workload] = []
    scale = shared / "conformance/rctab/test_data/2013_minneapolis_mayor_scale"
    if scale.is_dir() and not quick:
        out.append(
            {
                "name": "RCTab scale case (Minneapolis 2013 x 13, ES&S xlsx)",
                "series": "rctab-scale",
                "kind": "ess",
                "files": sorted(str(p) for p in scale.glob("*.xlsx")),
                "rctab_config": str(scale / "2013_minneapolis_mayor_scale_config.json"),
                "one_contest": True,
                "method": "irv",
                "seats": 1,
                "n_ballots": 1_041_313,
            }
        )
    maine = shared / "data/maine_cd2_2018"
    if maine.is_dir() and not quick:
        out.append(
            {
                "name": "Maine CD2 2018 (8 ES&S xlsx)",
                "series": "maine",
                "kind": "ess",
                "files": sorted(str(p) for p in maine.glob("*.xlsx")),
                "one_contest": True,
                "read_options": MAINE_READ,
                "tallyroom_rules": MAINE_RULES,
                "n_ballots": 296_077,
                "method": "irv",
                "seats": 1,
            }
        )
    scot = shared / "data/scotland_local_stv/blt"
    if scot.is_dir():
        files = sorted(str(p) for p in scot.rglob("*.blt"))
        if quick:
            files = files[:5]
        out.append(
            {
                "name": f"Scotland councils, {len(files)} ward contests (BLT)",
                "series": "scotland",
                "kind": "blt",
                "files": files,
                "method": "stv",
                "seats": None,
            }
        )
    nsw = shared / "data/nsw_la_2015_2023/preflib"
    if nsw.is_dir():
        files = sorted(str(p) for p in nsw.glob("*.soi"))
        if quick:
            files = files[:3]
        out.append(
            {
                "name": f"NSW Legislative Assembly, {len(files)} districts (PrefLib)",
                "series": "nsw",
                "kind": "soi",
                "files": files,
                "method": "irv",
                "seats": 1,
            }
        )
    london = shared / "data/london_mayor_2021_sv"
    if london.is_dir() and not quick:
        out.append(
            {
                "name": "London Mayor 2021 (SV, first x second table)",
                "series": "london",
                "kind": "sv",
                "files": [str(london / "first_second_choice_matrix.csv")],
                "tallyroom_format": "csv",
                "read_options": {"candidates": str(london / "candidates.csv")},
                "method": "sv",
                "seats": 1,
                "n_ballots": 2_531_357,
            }
        )
    return out


def all_workloads(data_dir: Path, data_root: Path, quick: bool) -> list[Workload]:
    return synthetic(data_dir, quick) + real(data_root, quick)
