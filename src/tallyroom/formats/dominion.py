"""Dominion cast vote records: a folder of JSON manifests and CvrExport files
(RCTab provider ``dominion``).

The folder holds ``ContestManifest.json``, ``CandidateManifest.json``,
``PrecinctPortionManifest.json`` (optionally ``PrecinctManifest.json``) and either
``CvrExport.json`` or several ``CvrExport_<n>.json`` (read in order of ``n``).

* ``contest_id`` (required) picks the contest; each ``Sessions[]`` record holds an
  ``Original`` and, after adjudication, a ``Modified`` record: the ``Original`` is
  used when ``IsCurrent`` is true, else the ``Modified``. A record that is not
  current and has no ``Modified`` version has no valid marks: it is not read, and
  the number of such records is kept in ``metadata["unadjudicated_records"]``.
* A contest entry carrying the outstack condition ``InvalidContest`` (id 7, or as
  named in ``OutstackConditionManifest.json``) was cast by a voter not entitled to
  vote in the contest (e.g. Alaska's partial-count ballots): it is not a paper of the
  contest (RCTab does the same, BrightSpots/rcv#909); the number of such entries is
  kept in ``metadata["invalid_contest_records"]``.
* Each ``Cards[].Contests[]`` entry for the contest is one paper. Its ``Marks``
  give ``CandidateId`` and ``Rank``; marks with ``IsAmbiguous`` true are not votes
  and are left out (as RCTab does); several candidates at one rank are an overvote.
  A rank with no mark is blank.
* Candidates: by default the manifest's candidates of the contest (name =
  ``Description``, code = ``Id``). With a ``candidates`` list, an id must match a
  candidate's code or alias (or its manifest name must be a candidate's name);
  the id equal to ``undeclared_write_in_label`` is the undeclared write-in.
  Every id must belong to the contest in the candidate manifest.
* Strata: precinct = the ``Description`` in ``PrecinctManifest.json`` of the record's
  ``PrecinctId``, or else of its precinct portion's ``PrecinctId``; without a precinct
  manifest the papers have no precinct (as in RCTab, which cannot tabulate such data by
  precinct). Batch = ``BatchId``; paper id ``<TabulatorId>-<BatchId>-<RecordId>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..ballots.candidates import Candidate, CandidateList
from ..ballots.marks import BLANK
from ..ballots.profile import Profile
from ..errors import BallotFileError
from ..registry import FormatSpec
from ._cvr_common import COMMON_OPTIONS, CodeBook, CvrOptions, PaperCollector

__all__ = ["RECORD_FIELDS", "cvr_export_files", "read", "register_ballot_formats", "sniff"]

OPTIONS: dict[str, str] = {
    **COMMON_OPTIONS,
    "contest_id": "the contest's Id in ContestManifest.json (required)",
}

#: With ``keep_order``: ``metadata["paper_records"]`` holds, per paper in file order, these
#: fields of its Dominion record (the precinct as the record names it, without deriving it
#: from the portion), for exports that list every CVR as RCTab's does.
RECORD_FIELDS = (
    "TabulatorId",
    "BatchId",
    "RecordId",
    "Precinct",
    "PrecinctPortion",
    "BallotTypeId",
)

_EXPORT = re.compile(r"CvrExport(?:_(\d+))?\.json$", re.IGNORECASE)


def _load(path: Path) -> Any:
    if not path.is_file():
        raise BallotFileError(path, "no such file (a Dominion CVR folder needs it)")
    try:
        with open(path, "rb") as f:
            return json.load(f)
    except json.JSONDecodeError as exc:
        raise BallotFileError(path, f"corrupt JSON: {exc.msg}", line=exc.lineno) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BallotFileError(path, f"cannot read: {exc}") from None


def _manifest(path: Path) -> list[dict[str, Any]]:
    data = _load(path)
    items = data.get("List") if isinstance(data, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BallotFileError(path, "not a Dominion manifest: no 'List' of records")
    for k, item in enumerate(items, start=1):
        if "Id" not in item or "Description" not in item:
            raise BallotFileError(path, f"manifest record {k} has no Id or Description")
    return items


def cvr_export_files(folder: Path) -> list[Path]:
    """The CvrExport files of a folder, in order (``CvrExport.json`` or ``_<n>`` by n)."""
    found: list[tuple[int, Path]] = []
    for p in folder.iterdir():
        m = _EXPORT.fullmatch(p.name)
        if m:
            found.append((int(m.group(1)) if m.group(1) else -1, p))
    if not found:
        raise BallotFileError(folder, "no CvrExport.json or CvrExport_<n>.json in the folder")
    return [p for _, p in sorted(found)]


def _contest_candidates(folder: Path, contest: str) -> tuple[str, dict[str, str]]:
    contests = {str(c["Id"]): c for c in _manifest(folder / "ContestManifest.json")}
    if contest not in contests:
        listed = ", ".join(f"{k} ({v['Description']})" for k, v in list(contests.items())[:20])
        raise BallotFileError(
            folder / "ContestManifest.json", f"no contest with Id {contest!r}; contests: {listed}"
        )
    names: dict[str, str] = {}
    for c in _manifest(folder / "CandidateManifest.json"):
        if str(c.get("ContestId")) == contest:
            names[str(c["Id"])] = str(c["Description"]).strip()
    return str(contests[contest]["Description"]), names


def _places(folder: Path) -> tuple[dict[int, tuple[str, int | None]], dict[int, str]]:
    """Precinct portions (id -> name, their precinct's id) and precincts (id -> name)."""
    portions: dict[int, tuple[str, int | None]] = {}
    for p in _manifest(folder / "PrecinctPortionManifest.json"):
        pid = p.get("PrecinctId")
        portions[int(p["Id"])] = (str(p["Description"]), None if pid is None else int(pid))
    precinct_file = folder / "PrecinctManifest.json"
    precincts = (
        {int(p["Id"]): str(p["Description"]) for p in _manifest(precinct_file)}
        if precinct_file.exists()
        else {}
    )
    return portions, precincts


def _invalid_contest_id(folder: Path) -> int:
    path = folder / "OutstackConditionManifest.json"
    if path.exists():
        for item in _manifest(path):
            if str(item["Description"]).strip().lower() == "invalidcontest":
                return int(item["Id"])
    return 7


def read(path: Path, options: Mapping[str, Any]) -> Profile:
    """Read one contest of a Dominion CVR export folder into a :class:`Profile`."""
    opts = CvrOptions.parse(path, options, OPTIONS, "dominion")
    folder = path if path.is_dir() else path.parent
    if not folder.is_dir():
        raise BallotFileError(path, "no such folder")
    if opts.contest_id is None:
        raise BallotFileError(path, "option contest_id is required for Dominion CVRs")
    contest = opts.contest_id
    title, manifest_names = _contest_candidates(folder, contest)
    portions, precincts = _places(folder)
    exports = [path] if path.is_file() else cvr_export_files(folder)

    if opts.candidates is None:
        listed = [
            Candidate(name, code=cid)
            for cid, name in manifest_names.items()
            if cid != opts.undeclared_write_in_label
        ]
        try:
            cands = CandidateList(listed)
        except Exception as exc:
            raise BallotFileError(folder / "CandidateManifest.json", str(exc)) from None
        opts = _with_candidates(opts, cands)
    book = CodeBook(path, opts, open_list=False)
    for cid, name in manifest_names.items():
        if cid not in book.index and name in book.index:
            book.index[cid] = book.index[name]

    collector = PaperCollector()
    skipped = {"unadjudicated_records": 0, "invalid_contest_records": 0}
    invalid = _invalid_contest_id(folder)
    records: list[tuple[str, ...]] | None = [] if opts.keep_order else None
    for export in exports:
        data = _load(export)
        sessions = data.get("Sessions") if isinstance(data, dict) else None
        if not isinstance(sessions, list):
            raise BallotFileError(export, "not a Dominion CVR export: no 'Sessions' list")
        for number, session in enumerate(sessions, start=1):
            try:
                outcome = _session(
                    export,
                    number,
                    session,
                    contest,
                    manifest_names,
                    book,
                    collector,
                    opts,
                    portions,
                    precincts,
                    invalid,
                    records,
                )
                if outcome:
                    skipped[outcome] += 1
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise BallotFileError(
                    export, f"malformed session record: {type(exc).__name__} {exc}", line=number
                ) from None
    manifests = [
        folder / name
        for name in (
            "ContestManifest.json",
            "CandidateManifest.json",
            "PrecinctPortionManifest.json",
            "PrecinctManifest.json",
            "OutstackConditionManifest.json",
        )
        if (folder / name).exists()
    ]
    profile = collector.profile(
        book, [*manifests, *exports], keep_order=opts.keep_order, title=title
    )
    extra: dict[str, Any] = {k: v for k, v in skipped.items() if v}
    if records is not None:
        extra["paper_fields"] = RECORD_FIELDS
        extra["paper_records"] = tuple(records)
    return _with_metadata(profile, **extra) if extra else profile


def _with_candidates(opts: CvrOptions, cands: CandidateList) -> CvrOptions:
    from dataclasses import replace

    return replace(opts, candidates=cands)


def _with_metadata(profile: Profile, **extra: Any) -> Profile:
    from dataclasses import replace

    return replace(profile, metadata={**profile.metadata, **extra})


def _session(
    export: Path,
    number: int,
    session: Mapping[str, Any],
    contest: str,
    manifest_names: Mapping[str, str],
    book: CodeBook,
    collector: PaperCollector,
    opts: CvrOptions,
    portions: Mapping[int, tuple[str, int | None]],
    precincts: Mapping[int, str],
    invalid: int,
    records: list[tuple[str, ...]] | None,
) -> str | None:
    """Read one session; name the reason if it holds no paper of the contest."""
    record = session["Original"]
    if not record.get("IsCurrent", True):
        record = session.get("Modified")
        if record is None:
            return "unadjudicated_records"
    where = (
        f"record {number} (TabulatorId {session.get('TabulatorId')}, RecordId "
        f"{session.get('RecordId')})"
    )
    portion = record.get("PrecinctPortionId")
    if portion is not None and int(portion) not in portions:
        raise BallotFileError(
            export, f"{where}: PrecinctPortionId {portion} is not in the manifest", line=number
        )
    pid = record.get("PrecinctId")
    listed = pid
    if pid is None and portion is not None:
        pid = portions[int(portion)][1]  # the portion's precinct
    precinct: str | None = None
    if pid is not None and precincts:
        if int(pid) not in precincts:
            raise BallotFileError(
                export, f"{where}: PrecinctId {pid} is not in PrecinctManifest.json", line=number
            )
        precinct = precincts[int(pid)]
    cards = record["Cards"] if "Cards" in record else [record]
    ballot_id = f"{session.get('TabulatorId')}-{session.get('BatchId')}-{session.get('RecordId')}"
    batch = None if session.get("BatchId") is None else str(session["BatchId"])
    outcome: str | None = None
    for card in cards:
        for entry in card.get("Contests", []):
            if str(entry["Id"]) != contest:
                continue
            if invalid in entry.get("OutstackConditionIds", ()):
                outcome = "invalid_contest_records"
                continue
            by_rank: dict[int, list[int]] = {}
            for mark in entry.get("Marks", []):
                if mark.get("IsAmbiguous", False):
                    continue
                cid = str(mark["CandidateId"])
                if cid not in manifest_names and cid != opts.undeclared_write_in_label:
                    raise BallotFileError(
                        export,
                        f"{where}: candidate id {cid} is not a candidate of contest {contest} "
                        "in CandidateManifest.json",
                        line=number,
                    )
                rank = int(mark["Rank"])
                if rank < 1:
                    raise BallotFileError(
                        export, f"{where}: rank {rank} is not 1 or more", line=number
                    )
                if cid not in book.index and cid != opts.undeclared_write_in_label:
                    raise BallotFileError(
                        export,
                        f"{where}: candidate id {cid} ({manifest_names[cid]!r} in the manifest) "
                        "matches no candidate's name, code or alias",
                        line=number,
                    )
                by_rank.setdefault(rank, []).append(book.candidate(cid, number))
            depth = max(by_rank, default=0)
            codes = [BLANK] * depth
            for rank, members in by_rank.items():
                codes[rank - 1] = book.group(members)
            collector.paper(
                codes,
                ballot_id=ballot_id,
                keep_order=opts.keep_order,
                precinct=precinct,
                batch=batch,
            )
            if records is not None:
                records.append(
                    (
                        str(session.get("TabulatorId", "")),
                        str(session.get("BatchId", "")),
                        str(session.get("RecordId", "")),
                        precincts.get(int(listed), "") if listed is not None else "",
                        portions[int(portion)][0] if portion is not None else "",
                        str(record.get("BallotTypeId", "")),
                    )
                )
    return outcome


def sniff(path: Path, head: bytes) -> bool:
    """A folder holding a Dominion candidate manifest and CVR export(s)."""
    return (
        path.is_dir()
        and (path / "CandidateManifest.json").is_file()
        and ((path / "ContestManifest.json").is_file())
    )


def register_ballot_formats() -> list[FormatSpec]:
    return [
        FormatSpec(
            name="dominion",
            title="Dominion CVR export folder (manifests + CvrExport*.json; RCTab 'dominion')",
            extensions=(),
            read=read,
            sniff=sniff,
            options=OPTIONS,
        )
    ]
