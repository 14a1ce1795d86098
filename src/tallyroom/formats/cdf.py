"""NIST SP 1500-103 cast vote records (the Common Data Format), JSON or XML,
including Unisyn's XML export (RCTab provider ``cdf``).

A ``CastVoteRecordReport`` holds ``Election[]`` (with ``Candidate[]`` and
``Contest[]``, each contest with its ``ContestSelection[]``), ``GpUnit[]`` and
``CVR[]``. For the contest named by ``contest_id`` (its ``Name``, as RCTab matches
it, or its object id):

* each CVR's *current* snapshot (``CurrentSnapshotId``) is read; a CVR whose
  current snapshot has no entry for the contest is not a paper of the contest
  (multi-contest files) and is counted in ``metadata["records_without_contest"]``;
* each ``CVRContestSelection`` names a ``ContestSelectionId`` of the contest;
  its rank is the selection's ``Rank`` or the ``Rank`` of each
  ``SelectionPosition``; a position with ``HasIndication`` = ``no`` or
  ``IsAllocable`` = ``no`` is no mark; a selection with ``Status`` =
  ``needs-adjudication`` is no mark (as RCTab);
* a selection with ``IsWriteIn`` true, or a position with a ``CVRWriteIn``, is the
  undeclared write-in; a candidate whose name equals ``overvote_label`` is an
  overvote; several candidates at one rank are an overvote of them;
* candidates: by default the contest's selections in file order (name =
  ``Candidate.Name``, code = candidate object id); with a ``candidates`` list, the
  CDF candidate name must match a candidate's name, code or alias;
* precinct = the ``Name`` of the CVR's ``BallotStyleUnitId`` GpUnit; paper id =
  ``BallotPrePrintedId`` else ``UniqueId``.

Unknown selection, candidate or GpUnit ids are errors naming the file and the CVR.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..ballots.candidates import Candidate, CandidateList
from ..ballots.marks import BLANK, OVERVOTE
from ..ballots.profile import Profile
from ..errors import BallotFileError, RuleConfigError
from ..registry import FormatSpec
from ._cvr_common import COMMON_OPTIONS, CodeBook, CvrOptions, PaperCollector

__all__ = ["read", "register_ballot_formats", "sniff"]

OPTIONS: dict[str, str] = {
    **COMMON_OPTIONS,
    "overvote_label": "name of a CDF candidate that stands for an overvote",
    "contest_id": "the contest's Name (as RCTab) or object id (required)",
}

_OVERVOTE_NAME = "\x00overvote"


def _many(node: Any, key: str) -> list[Any]:
    v = node.get(key) if isinstance(node, dict) else None
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def _one(node: Any, key: str) -> Any:
    items = _many(node, key)
    return items[0] if items else None


def _text(node: Any, key: str) -> str | None:
    v = _one(node, key)
    return None if v is None or isinstance(v, dict | list) else str(v).strip()


def _oid(node: Any) -> str | None:
    v = node.get("@id") if isinstance(node, dict) else None
    return None if v is None else str(v)


def _xml_to_dict(elem: ET.Element) -> Any:
    """An XML element as JSON-like data: every child element in a list under its tag."""
    children = list(elem)
    if not children and not elem.attrib:
        return (elem.text or "").strip()
    out: dict[str, Any] = {}
    for k, v in elem.attrib.items():
        name = k.rsplit("}", 1)[-1]
        out["@id" if name == "ObjectId" else f"@{name}"] = v
    for child in children:
        if not isinstance(child.tag, str):  # comments, processing instructions
            continue
        tag = child.tag.rsplit("}", 1)[-1]
        out.setdefault(tag, []).append(_xml_to_dict(child))
    return out


def _load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise BallotFileError(path, "no such file" if not path.exists() else "not a file")
    with open(path, "rb") as fh:
        head = fh.read(64).lstrip()
    try:
        if head.startswith(b"<") or path.suffix.lower() == ".xml":
            root = ET.parse(path).getroot()
            if root.tag.rsplit("}", 1)[-1] != "CastVoteRecordReport":
                raise BallotFileError(
                    path, "not a NIST CDF file: the root is not CastVoteRecordReport"
                )
            data = _xml_to_dict(root)
        else:
            with open(path, "rb") as f:
                data = json.load(f)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise BallotFileError(path, f"corrupt XML: {exc}", line=line) from None
    except json.JSONDecodeError as exc:
        raise BallotFileError(path, f"corrupt JSON: {exc.msg}", line=exc.lineno) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BallotFileError(path, f"cannot read: {exc}") from None
    if not isinstance(data, dict) or "CVR" not in data or "Election" not in data:
        raise BallotFileError(path, "not a NIST CDF cast vote record report (no CVR / Election)")
    return data


class _Contest:
    """The static election data of one contest."""

    def __init__(self, path: Path, data: Mapping[str, Any], contest_id: str) -> None:
        candidates: dict[str, str] = {}
        contest: Any = None
        matches = []
        for election in _many(data, "Election"):
            for cand in _many(election, "Candidate"):
                cid = _oid(cand)
                if cid is None:
                    raise BallotFileError(path, "a Candidate has no object id")
                if cid in candidates:
                    raise BallotFileError(path, f"candidate id {cid!r} appears twice")
                candidates[cid] = _text(cand, "Name") or cid
            for c in _many(election, "Contest"):
                if _text(c, "Name") == contest_id or _oid(c) == contest_id:
                    matches.append(c)
        if not matches:
            names = [
                _text(c, "Name") or _oid(c)
                for e in _many(data, "Election")
                for c in _many(e, "Contest")
            ]
            raise BallotFileError(
                path, f"no contest named {contest_id!r}; contests: {', '.join(map(str, names))}"
            )
        if len(matches) > 1:
            raise BallotFileError(path, f"several contests match {contest_id!r}")
        contest = matches[0]
        self.id = _oid(contest) or ""
        self.name = _text(contest, "Name") or self.id
        #: selection id -> candidate name, or None for a write-in selection
        self.selections: dict[str, str | None] = {}
        for sel in _many(contest, "ContestSelection"):
            sid = _oid(sel)
            if sid is None:
                raise BallotFileError(path, f"a ContestSelection of {self.name!r} has no id")
            if sid in self.selections:
                raise BallotFileError(path, f"contest selection id {sid!r} appears twice")
            if str(_text(sel, "IsWriteIn") or "").lower() in ("true", "1", "yes"):
                self.selections[sid] = None
                continue
            ids = _many(sel, "CandidateIds")
            if not ids:
                raise BallotFileError(path, f"contest selection {sid!r} has no CandidateIds")
            first = str(ids[0]).strip()
            if first not in candidates:
                raise BallotFileError(
                    path, f"contest selection {sid!r} names unknown candidate id {first!r}"
                )
            self.selections[sid] = candidates[first]
        self.gp_units = {_oid(u): (_text(u, "Name") or str(_oid(u))) for u in _many(data, "GpUnit")}


def read(path: Path, options: Mapping[str, Any]) -> Profile:
    """Read one contest of a NIST CDF cast vote record report (JSON or XML)."""
    opts = CvrOptions.parse(path, options, OPTIONS, "cdf")
    if opts.contest_id is None:
        raise BallotFileError(path, "option contest_id is required for CDF files")
    data = _load(path)
    contest = _Contest(path, data, opts.contest_id)
    if opts.candidates is None:
        names: list[str] = []
        for n in contest.selections.values():
            if n is not None and n not in names and n != opts.overvote_label:
                names.append(n)
        try:
            opts = replace(opts, candidates=CandidateList(Candidate(n) for n in names))
        except RuleConfigError as exc:
            raise BallotFileError(path, exc.problems[0]) from None
    book = CodeBook(path, opts, open_list=False)
    collector = PaperCollector()
    without = 0
    for number, cvr in enumerate(_many(data, "CVR"), start=1):
        try:
            if not _paper(path, number, cvr, contest, book, collector, opts):
                without += 1
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BallotFileError(
                path, f"CVR {number}: malformed record ({type(exc).__name__}: {exc})"
            ) from None
    profile = collector.profile(book, [path], keep_order=opts.keep_order, title=contest.name)
    if without:
        profile = replace(
            profile, metadata={**profile.metadata, "records_without_contest": without}
        )
    return profile


def _paper(
    path: Path,
    number: int,
    cvr: Any,
    contest: _Contest,
    book: CodeBook,
    collector: PaperCollector,
    opts: CvrOptions,
) -> bool:
    """Add the CVR's paper for the contest; False if the CVR has none."""
    ident = _text(cvr, "BallotPrePrintedId") or _text(cvr, "UniqueId") or f"{path.name}({number})"
    where = f"CVR {number} (id {ident})"
    current = _text(cvr, "CurrentSnapshotId")
    snapshots = _many(cvr, "CVRSnapshot")
    snapshot = next((s for s in snapshots if _oid(s) == current), None)
    if snapshot is None:
        if current is None and len(snapshots) == 1:
            snapshot = snapshots[0]
        else:
            raise BallotFileError(
                path, f"{where}: no snapshot with the CurrentSnapshotId {current!r}"
            )
    entry = next(
        (c for c in _many(snapshot, "CVRContest") if _text(c, "ContestId") == contest.id), None
    )
    if entry is None:
        return False
    by_rank: dict[int, list[int]] = {}
    explicit_overvote: set[int] = set()
    for sel in _many(entry, "CVRContestSelection"):
        if (_text(sel, "Status") or "") == "needs-adjudication":
            continue
        sid = _text(sel, "ContestSelectionId")
        if sid is None or sid not in contest.selections:
            raise BallotFileError(path, f"{where}: unknown ContestSelectionId {sid!r}")
        name = contest.selections[sid]
        rank_text = _text(sel, "Rank")
        marks: list[tuple[int, bool]] = []
        if rank_text is not None:
            marks.append((int(rank_text), False))
        else:
            for pos in _many(sel, "SelectionPosition"):
                if (_text(pos, "HasIndication") or "") == "no":
                    continue
                if (_text(pos, "IsAllocable") or "") == "no":
                    continue
                r = _text(pos, "Rank")
                if r is None:
                    raise BallotFileError(path, f"{where}: a selection position has no Rank")
                marks.append((int(r), _one(pos, "CVRWriteIn") is not None))
        for rank, write_in in marks:
            if rank < 1:
                raise BallotFileError(path, f"{where}: rank {rank} is not 1 or more")
            if name is None or write_in:
                code = book.undeclared_write_in()
            elif name == opts.overvote_label:
                explicit_overvote.add(rank)
                continue
            else:
                code = book.candidate(name, None)
            by_rank.setdefault(rank, []).append(code)
    depth = max([*by_rank, *explicit_overvote], default=0)
    codes = [BLANK] * depth
    for rank, members in by_rank.items():
        codes[rank - 1] = book.group(members)
    for rank in explicit_overvote:
        codes[rank - 1] = OVERVOTE
    unit = _text(cvr, "BallotStyleUnitId")
    precinct = None
    if unit is not None:
        if unit not in contest.gp_units:
            raise BallotFileError(path, f"{where}: unknown GpUnit {unit!r} (BallotStyleUnitId)")
        precinct = contest.gp_units[unit]
    collector.paper(codes, ballot_id=ident, keep_order=opts.keep_order, precinct=precinct)
    return True


def sniff(path: Path, head: bytes) -> bool:
    """A JSON or XML CastVoteRecordReport."""
    text = head[:4096]
    return b"CastVoteRecordReport" in text or (
        text.lstrip().startswith(b"{") and b'"CVR"' in text and b'"Election"' in head
    )


def register_ballot_formats() -> list[FormatSpec]:
    return [
        FormatSpec(
            name="cdf",
            title="NIST SP 1500-103 cast vote records, JSON or XML (incl. Unisyn; RCTab 'cdf')",
            extensions=(".json", ".xml"),
            read=read,
            sniff=sniff,
            options=OPTIONS,
        )
    ]
