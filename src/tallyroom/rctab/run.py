"""Run an RCTab contest config: read every CVR source, tabulate, keep what the reports need."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..ballots.candidates import Candidate, CandidateList
from ..ballots.marks import BLANK, overvote_code
from ..ballots.profile import Profile
from ..count import Count
from ..errors import BallotFileError, RuleConfigError
from ..methods.irv import count_passes, to_count
from ..methods.irv_engine import Tabulation, tabulate
from ..methods.irv_rules import WinnerMode
from ..registry import formats
from .config import ContestConfig

__all__ = [
    "RCTabResult",
    "UNDECLARED_WRITE_INS",
    "convert_contest",
    "read_contest",
    "read_sources",
    "run_contest",
]

UNDECLARED_WRITE_INS = "Undeclared Write-ins"


@dataclass(frozen=True)
class RCTabResult:
    """A tabulated contest: one tabulation per pass (one unless multi-pass IRV)."""

    config: ContestConfig
    profile: Profile
    passes: tuple[Tabulation, ...]
    counts: tuple[Count, ...]
    #: source index of each paper in file order (for the CDF and CSV CVR exports)
    paper_sources: tuple[int, ...] = ()
    #: each source's own reader metadata (per-paper records, CVR spellings of candidates)
    source_metadata: tuple[Mapping[str, Any], ...] = ()


def _candidates(config: ContestConfig) -> CandidateList:
    cands = list(config.candidates)
    if config.uwi_enabled:
        label = next(
            (s.undeclared_write_in_label for s in config.sources if s.undeclared_write_in_label),
            None,
        )
        cands.append(Candidate(UNDECLARED_WRITE_INS, code=label, write_in=True))
    return CandidateList(cands)


def _read_one(config: ContestConfig, index: int, keep_order: bool) -> Profile:
    source = config.sources[index]
    spec = formats().get(source.format)
    if spec is None:
        raise RuleConfigError(
            f"cvrFileSources[{index}]: no reader for provider {source.provider!r} is installed "
            f"(tallyroom format {source.format!r}); available formats: {', '.join(formats())}",
            source=str(config.path),
        )
    if not source.path.exists():
        raise BallotFileError(
            source.path,
            f"no such file or folder (cvrFileSources[{index}].filePath "
            f"{source.raw_path!r} in {config.path.name})",
        )
    allowed = set(spec.options)
    options: dict[str, Any] = {k: v for k, v in source.options.items() if k in allowed}
    dropped = sorted(
        k for k in source.options if k not in allowed and k not in ("candidates", "aliases")
    )
    if dropped:
        raise RuleConfigError(
            f"cvrFileSources[{index}]: provider {source.provider!r} does not take "
            f"{', '.join(dropped)}",
            source=str(config.path),
        )
    if "max_rankings" in allowed:
        # RCTab's ES&S reader reads maxRankingsAllowed rank columns ("max": one per candidate).
        limit = config.rules.max_rankings
        options["max_rankings"] = limit if limit is not None else len(config.candidates)
    if "count_empty_rows" in allowed:
        # RCTab's ES&S reader reads every <row> element of the sheet, an empty one as a
        # paper with no marks (an undervote); so does the ES&S reader with this option.
        options["count_empty_rows"] = True
    if keep_order and "keep_order" in allowed:
        options["keep_order"] = True
    return spec.read(source.path, options)


def _merge(profiles: Sequence[Profile], cands: CandidateList) -> tuple[Profile, tuple[int, ...]]:
    """Stack the sources' papers (candidates by name), keeping precinct/batch strata and ids."""
    depth = max((p.depth for p in profiles), default=0)
    blocks, weights, groups = [], [], {}  # type: ignore[var-annotated]
    strata: dict[str, list[np.ndarray]] = {"precinct": [], "batch": []}
    names: dict[str, dict[str, int]] = {"precinct": {}, "batch": {}}
    orders, ids, sources = [], [], []
    offset = 0
    have_order = all(p.paper_order is not None for p in profiles)
    for k, p in enumerate(profiles):
        q = p.with_candidates(cands)
        block = np.full((q.n_distinct, depth), BLANK, dtype=np.int32)
        block[:, : q.depth] = q.ballots
        if q.overvote_groups:
            remap = np.array(
                [groups.setdefault(g, len(groups)) for g in q.overvote_groups], dtype=np.int32
            )
            is_group = block <= overvote_code(0)
            block[is_group] = overvote_code(0) - remap[overvote_code(0) - block[is_group]]
        blocks.append(block)
        weights.append(q.weights)
        for kind in ("precinct", "batch"):
            local = q.metadata.get(kind)
            local_names = q.metadata.get(f"{kind}_names", ())
            table = names[kind]
            mapping = np.array(
                [table.setdefault(n, len(table)) for n in local_names] + [-1], dtype=np.int64
            )
            arr = (
                np.full(q.n_distinct, -1, dtype=np.int64)
                if local is None
                else mapping[np.asarray(local, dtype=np.int64)]
            )
            strata[kind].append(arr)
        if have_order:
            assert q.paper_order is not None
            orders.append(q.paper_order + offset)
            ids.extend(q.metadata.get("ballot_ids", ()))
            sources.extend([k] * len(q.paper_order))
        offset += q.n_distinct
    rows = np.concatenate(blocks) if blocks else np.zeros((0, depth), dtype=np.int32)
    metadata: dict[str, Any] = {}
    for kind in ("precinct", "batch"):
        if names[kind]:
            metadata[kind] = np.concatenate(strata[kind])
            metadata[f"{kind}_names"] = tuple(names[kind])
    if have_order:
        metadata["ballot_ids"] = tuple(ids)
    merged = Profile(
        cands,
        np.ascontiguousarray(rows, dtype=np.int32),
        np.concatenate(weights) if weights else np.zeros(0, dtype=np.int64),
        overvote_groups=tuple(g for g, _ in sorted(groups.items(), key=lambda kv: kv[1])),
        rejected={},
        inputs=tuple(i for p in profiles for i in p.inputs),
        paper_order=np.concatenate(orders) if have_order and orders else None,
        metadata=metadata,
    )
    return merged, tuple(sources)


def read_sources(config: ContestConfig, *, keep_order: bool = False) -> list[Profile]:
    """Read every CVR source of the contest, one profile each (in config order)."""
    return [_read_one(config, i, keep_order) for i in range(len(config.sources))]


def read_contest(
    config: ContestConfig, *, keep_order: bool = False
) -> tuple[Profile, tuple[int, ...]]:
    """Read every CVR source of the contest into one profile."""
    return _merge(read_sources(config, keep_order=keep_order), _candidates(config))


def convert_contest(config: ContestConfig) -> RCTabResult:
    """Read the contest's CVRs in file order without tabulating (RCTab's conversion mode)."""
    sources = read_sources(config, keep_order=True)
    profile, paper_sources = _merge(sources, _candidates(config))
    return RCTabResult(
        config=config,
        profile=replace(profile, title=config.contest_name or None),
        passes=(),
        counts=(),
        paper_sources=paper_sources,
        source_metadata=tuple(p.metadata for p in sources),
    )


def run_contest(config: ContestConfig, *, keep_order: bool = False) -> RCTabResult:
    """Read and tabulate an RCTab contest as RCTab does.

    ``keep_order`` keeps every paper in file order with its record (needed for the
    ``rctab_cvr.csv`` export); the CDF export (``generateCdfJson``) implies it.
    """
    keep = config.generate_cdf_json or keep_order
    source_profiles = read_sources(config, keep_order=keep)
    profile, sources = _merge(source_profiles, _candidates(config))
    profile = replace(profile, title=config.contest_name or None)
    slices = tuple(
        k
        for k, on in (
            ("precinct", config.tabulate_by_precinct),
            ("batch", config.tabulate_by_batch),
        )
        if on
    )
    for kind in slices:
        if kind not in profile.metadata:
            raise RuleConfigError(
                f'"Tabulate by {kind}" is enabled, but the CVRs don\'t list {kind}s',
                source=str(config.path),
            )
    permutation = [c.name for c in config.candidates]
    rules = config.rules
    options: dict[str, Any] = {
        "slices": slices,
        "snapshots": config.generate_cdf_json,
        "permutation": permutation,
    }
    if rules.winner_mode is WinnerMode.MULTI_PASS_IRV:
        passes = tuple(count_passes(profile, rules, config.seats, **options))
        counts = tuple(
            to_count(profile, replace(rules, winner_mode=WinnerMode.SINGLE_WINNER_MAJORITY), 1, t)
            for t in passes
        )
    else:
        tab = tabulate(profile, rules, config.seats, **options)
        passes = (tab,)
        counts = (to_count(profile, rules, config.seats, tab),)
    return RCTabResult(
        config=config,
        profile=profile,
        passes=passes,
        counts=counts,
        paper_sources=sources,
        source_metadata=tuple(p.metadata for p in source_profiles),
    )
