"""RCTab's NIST CDF cast-vote-record export (``generateCdfJson``): every paper with
its original marks and, for each round, which candidate its vote counted for.

Layout as RCTab 2.0's ``ResultsWriter.generateCdfJson``: ids ``ballot-<id>`` and
``ballot-<id>-round-<n>``, selections ``cs-<name>``, candidates ``c-<name>``
(on each paper the candidate as its CVR spells it, in the election section the
config's name; a round's allocation is matched on the spelling, as RCTab does),
precincts ``gpu-<n>`` in Java hash order. ``GeneratedDate`` is the contest date
(RCTab writes the wall-clock time; tallyroom keeps reruns byte-identical).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..ballots.marks import BLANK, OVERVOTE, UNCERTAIN, group_of
from .javaorder import hash_order
from .run import RCTabResult

__all__ = ["cdf_json"]

_OVERVOTE_LABEL = "overvote"


def _sanitize(text: str) -> str:
    import re

    return re.sub(r"[^a-zA-Z0-9_\-.]", "_", text)


def _selection_id(name: str) -> str:
    return "cs-" + _sanitize(name).lower()


def _candidate_id(name: str) -> str:
    return "c-" + _sanitize(name).lower()


def spelling_maps(result: RCTabResult) -> list[dict[str, str]]:
    """Per source: candidate name -> the text its CVR names the candidate by.

    RCTab keeps each CVR's own text (a name, code or alias) on the record and writes
    it in the CDF export; the reader records the text it saw (``cvr_spellings``). For a
    candidate a file spells in several ways, readers that keep each paper's own
    spelling (ES&S: ``paper_spellings``) give it per paper; others the first seen.
    """
    return [dict(meta.get("cvr_spellings", ())) for meta in result.source_metadata]


def _rankings(
    result: RCTabResult,
    row: int,
    spelling: dict[str, str] | None = None,
    per_rank: tuple[tuple[tuple[str, str], ...], ...] = (),
) -> list[tuple[str, list[int]]]:
    """A paper's candidates (as spelled) with the ranks they got, RCTab's order.

    ``spelling``: the file's spelling of each candidate; ``per_rank``: the paper's own
    spelling at each rank of candidates the file spells in several ways."""
    profile = result.profile
    canonical = profile.candidates.names
    names = [spelling.get(n, n) for n in canonical] if spelling else list(canonical)
    ranks: dict[str, list[int]] = {}
    for pos, code in enumerate(profile.ballots[row].tolist(), start=1):
        if code == BLANK:
            continue
        if code >= 0:
            indices = [code]
        elif code in (OVERVOTE, UNCERTAIN):
            indices = []
        else:
            indices = list(profile.overvote_groups[group_of(code)])
        own = dict(per_rank[pos - 1]) if pos <= len(per_rank) else {}
        members = [own.get(canonical[i], names[i]) for i in indices] or [_OVERVOTE_LABEL]
        for m in members:
            ranks.setdefault(m, []).append(pos)
    return sorted(ranks.items(), key=lambda kv: (kv[1][0], kv[0].encode("utf-16-be")))


def _snapshot(
    sid: str,
    rankings: list[tuple[str, list[int]]],
    alloc: list[tuple[str, Decimal]] | None,
    round_no: int | None,
) -> dict[str, Any]:
    selections = []
    for name, ranks in rankings:
        allocable, votes = "unknown", Decimal(1)
        if alloc is not None:
            allocable = "no"
            for cand, value in alloc:
                if cand == name:
                    allocable, votes = "yes", value
                    break
        fractional = None
        if votes != Decimal(1) or votes.as_tuple().exponent != 0:
            remainder = votes % 1
            if remainder > 0:
                fractional = str(remainder)[1:]
        positions = []
        for rank in ranks:
            pos: dict[str, Any] = {
                "HasIndication": "yes",
                "IsAllocable": allocable,
                "NumberVotes": int(votes),
                "Rank": rank,
                "@type": "CVR.SelectionPosition",
            }
            if fractional is not None:
                pos["FractionalVotes"] = fractional
            positions.append(pos)
            if allocable == "yes":
                allocable = "no"
        selections.append(
            {
                "ContestSelectionId": _selection_id(name),
                "SelectionPosition": positions,
                "@type": "CVR.CVRContestSelection",
            }
        )
    return {
        "@id": f"ballot-{sid}" + (f"-round-{round_no}" if round_no else ""),
        "CVRContest": [
            {
                "ContestId": "contest-001",
                "CVRContestSelection": selections,
                "@type": "CVR.CVRContest",
            }
        ],
        "Type": "interpreted" if round_no else "original",
        "@type": "CVR.CVRSnapshot",
    }


def cdf_json(result: RCTabResult, pass_index: int | None = 0) -> dict[str, Any]:
    """The CDF CVR report of one pass as a plain mapping.

    ``pass_index`` None: RCTab's conversion mode (``--convert-to-cdf``): the papers
    as read, with no round snapshots.
    """
    config = result.config
    profile = result.profile
    names = profile.candidates.names
    if pass_index is None:
        snapshots: list[dict[int, list[tuple[int, Decimal]]]] = []
        n_rounds = 0
    else:
        tab = result.passes[pass_index]
        snapshots = tab.snapshots or []
        n_rounds = len(tab.rounds)
    order = profile.paper_order
    ids = profile.metadata.get("ballot_ids", ())
    if order is None or len(ids) != len(order):
        raise ValueError("the CDF export needs the papers in file order with their ids")
    precincts = profile.metadata.get("precinct")
    precinct_names = profile.metadata.get("precinct_names", ())
    gpu: dict[str, str] = {}
    if config.tabulate_by_precinct and precincts is not None:
        seen = [precinct_names[int(precincts[int(r)])] for r in order if precincts[int(r)] >= 0]
        for k, name in enumerate(hash_order(seen), start=1):
            gpu[name] = f"gpu-{k}"
    cvrs = []
    row_rankings: dict[tuple[int, int], list[tuple[str, list[int]]]] = {}
    sources = result.paper_sources
    spellings = spelling_maps(result)
    within_all: dict[int, int] = {}  # source -> its first paper's position in file order
    within: dict[int, int] = {}
    for paper, row in enumerate(order.tolist()):
        raw_id = str(ids[paper])
        if sources:
            k = sources[paper]
            within[k] = within.get(k, 0) + 1
            if config.sources[k].provider == "cdf":
                # RCTab's CDF reader names each record "<file name>(<n>)", n counting from 1
                raw_id = f"{config.sources[k].path.name}({within[k]})"
            elif raw_id == "":
                # a file without record ids: RCTab's computed id "<file name>-<n>"
                raw_id = f"{config.sources[k].path.name}-{within[k]}"
        sid = _sanitize(raw_id)
        # a row holds papers of one source; a file mixing spellings gives variants
        variant, per_rank = -1, ()
        meta = result.source_metadata[sources[paper]] if sources and spellings else {}
        if "paper_spellings" in meta:
            first = within_all.setdefault(sources[paper], paper)
            variant = int(meta["paper_spellings"][paper - first])
            per_rank = meta["spelling_variants"][variant]
        if (row, variant) not in row_rankings:
            spelling = spellings[sources[paper]] if sources and spellings else None
            row_rankings[(row, variant)] = _rankings(result, row, spelling, per_rank)
        rankings = row_rankings[(row, variant)]
        snaps = [_snapshot(sid, rankings, None, None)]
        previous: list[tuple[str, Decimal]] | None = None
        for rnd in range(1, n_rounds + 1):
            data = snapshots[row].get(rnd) if snapshots else None
            if data is None:
                current = previous or []
            else:
                current = [(names[c], v) for c, v in data]
            snaps.append(_snapshot(sid, rankings, current, rnd))
            previous = current
        entry: dict[str, Any] = {
            "BallotPrePrintedId": sid,
            "CurrentSnapshotId": f"ballot-{sid}" + (f"-round-{n_rounds}" if n_rounds else ""),
            "CVRSnapshot": snaps,
            "ElectionId": "election-001",
            "@type": "CVR",
        }
        if gpu and precincts is not None and precincts[row] >= 0:
            entry["BallotStyleUnitId"] = gpu[precinct_names[int(precincts[row])]]
        cvrs.append(entry)
    cand_names = list(names)
    if any(s.options.get("overvote_label") for s in config.sources):
        cand_names.append(_OVERVOTE_LABEL)
    cand_names.sort(key=lambda n: n.encode("utf-16-be"))
    election = {
        "@id": "election-001",
        "Candidate": [{"@id": _candidate_id(n), "Name": n} for n in cand_names],
        "Contest": [
            {
                "@id": "contest-001",
                "@type": "CandidateContest",
                "ContestSelection": [
                    {
                        "@id": _selection_id(n),
                        "@type": "ContestSelection",
                        "CandidateIds": [_candidate_id(n)],
                    }
                    for n in cand_names
                ],
                "Name": config.contest_name,
            }
        ],
        "ElectionScopeId": "gpu-election",
        "@type": "Election",
    }
    units: list[dict[str, Any]] = [
        {
            "@id": "gpu-election",
            "Type": "other",
            "OtherType": "Election Scope Jurisdiction",
            "Name": config.jurisdiction,
            "@type": "GpUnit",
        }
    ]
    for name, gid in gpu.items():
        units.append({"@id": gid, "Type": "precinct", "Name": name, "@type": "GpUnit"})
    return {
        "CVR": cvrs,
        "Election": [election],
        "GeneratedDate": f"{config.date}T00:00:00Z" if config.date else "",
        "GpUnit": units,
        "ReportGeneratingDeviceIds": ["rd-001"],
        "ReportingDevice": [
            {
                "@id": "rd-001",
                "@type": "CVR.ReportingDevice",
                "Application": "RCTab",
                "Manufacturer": "Bright Spots",
            }
        ],
        "Version": "1.0.0",
        "@type": "CVR.CastVoteRecordReport",
    }
