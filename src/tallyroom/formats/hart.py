"""Hart Verity cast vote records: a folder of XML files, one per ballot sheet
(RCTab provider ``hart``).

Each ``<Cvr>`` holds ``Contests/Contest`` (``Name``, ``Id``, ``Options/Option``),
``PrecinctSplit`` (``Name``, ``Id``), ``BatchNumber`` and ``CvrGuid``.

* ``contest_id`` (required) is the contest's ``Id`` (a GUID); each sheet holding the
  contest is one paper. Sheets without it are not papers of the contest; their
  number is kept in ``metadata["records_without_contest"]``.
* An ``Option``'s ``Value`` is a string of digits read left to right, one per
  rank: ``0100`` = ranked 2nd; ``0101`` = marked at ranks 2 and 4. Several options
  marked at one rank are an overvote; a rank no option marks is blank.
* Candidates: an option's ``Id`` is its code and ``Name`` its name. By default the
  candidates are the options met, in order of first appearance (files sorted by
  name); with a ``candidates`` list, the id must match a candidate's code or alias,
  or the option name a candidate's name. The option id equal to
  ``undeclared_write_in_label`` is the undeclared write-in. One id with two names
  is an error.
* Files ending ``.sig.xml`` (signatures) are not read; signatures are not verified.
* Strata: precinct = ``PrecinctSplit/Name``; batch = ``BatchNumber``; paper id =
  ``CvrGuid``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..ballots.marks import BLANK
from ..ballots.profile import Profile
from ..errors import BallotFileError
from ..registry import FormatSpec
from ._cvr_common import COMMON_OPTIONS, CodeBook, CvrOptions, PaperCollector

__all__ = ["read", "register_ballot_formats", "sniff"]

OPTIONS: dict[str, str] = {
    **COMMON_OPTIONS,
    "contest_id": "the contest's Id (GUID) in the CVR files (required)",
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(elem: ET.Element, name: str) -> ET.Element | None:
    for c in elem:
        if isinstance(c.tag, str) and _local(c.tag) == name:
            return c
    return None


def _children(elem: ET.Element | None, name: str) -> list[ET.Element]:
    if elem is None:
        return []
    return [c for c in elem if isinstance(c.tag, str) and _local(c.tag) == name]


def _text(elem: ET.Element | None, name: str) -> str | None:
    if elem is None:
        return None
    c = _child(elem, name)
    if c is None or c.text is None:
        return None
    return c.text.strip()


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise BallotFileError(path, "no such folder")
    files = sorted(
        p
        for p in path.iterdir()
        if p.is_file()
        and p.name.lower().endswith(".xml")
        and not p.name.lower().endswith(".sig.xml")
    )
    if not files:
        raise BallotFileError(path, "no Hart CVR .xml files in the folder")
    return files


def read(path: Path, options: Mapping[str, Any]) -> Profile:
    """Read one contest of a folder of Hart CVR XML files into a :class:`Profile`."""
    opts = CvrOptions.parse(path, options, OPTIONS, "hart")
    if opts.contest_id is None:
        raise BallotFileError(path, "option contest_id is required for Hart CVRs")
    files = _files(path)
    book = CodeBook(path, opts, open_list=opts.candidates is None)
    names_by_id: dict[str, str] = {}
    collector = PaperCollector()
    without = 0
    title: str | None = None
    for f in files:
        try:
            root = ET.parse(f).getroot()
        except ET.ParseError as exc:
            line = exc.position[0] if exc.position else None
            raise BallotFileError(f, f"corrupt XML: {exc}", line=line) from None
        except OSError as exc:
            raise BallotFileError(f, f"cannot read: {exc}") from None
        if _local(root.tag) != "Cvr":
            raise BallotFileError(f, f"not a Hart CVR: the root element is <{_local(root.tag)}>")
        contests = [
            c
            for c in _children(_child(root, "Contests"), "Contest")
            if _text(c, "Id") == opts.contest_id
        ]
        if not contests:
            without += 1
            continue
        for contest in contests:
            title = title or _text(contest, "Name")
            codes = _ranking(f, contest, opts, book, names_by_id)
            split = _child(root, "PrecinctSplit")
            collector.paper(
                codes,
                ballot_id=_text(root, "CvrGuid") or f.stem,
                keep_order=opts.keep_order,
                precinct=_text(split, "Name") if split is not None else None,
                batch=_text(root, "BatchNumber"),
            )
    if not collector.codes:
        raise BallotFileError(path, f"no CVR holds contest {opts.contest_id!r}")
    profile = collector.profile(book, files, keep_order=opts.keep_order, title=title)
    if without:
        profile = replace(
            profile, metadata={**profile.metadata, "records_without_contest": without}
        )
    return profile


def _ranking(
    f: Path, contest: ET.Element, opts: CvrOptions, book: CodeBook, names_by_id: dict[str, str]
) -> list[int]:
    by_rank: dict[int, list[int]] = {}
    for option in _children(_child(contest, "Options"), "Option"):
        oid = _text(option, "Id")
        if not oid:
            raise BallotFileError(f, "an Option has no Id")
        name = _text(option, "Name")
        value = _text(option, "Value") or ""
        if value.strip("01"):
            raise BallotFileError(f, f"option {oid}: Value {value!r} is not a string of 0s and 1s")
        if oid == opts.undeclared_write_in_label:
            code = book.undeclared_write_in()
        else:
            if name is not None:
                seen = names_by_id.setdefault(oid, name)
                if seen != name:
                    raise BallotFileError(
                        f, f"candidate id {oid} is named {seen!r} elsewhere and {name!r} here"
                    )
            code = _candidate(f, oid, name, book)
        for rank, digit in enumerate(value, start=1):
            if digit == "1":
                by_rank.setdefault(rank, []).append(code)
    depth = max(by_rank, default=0)
    codes = [BLANK] * depth
    for rank, members in by_rank.items():
        codes[rank - 1] = book.group(members)
    return codes


def _candidate(f: Path, oid: str, name: str | None, book: CodeBook) -> int:
    if oid in book.index:
        return book.index[oid]
    if name is not None and name in book.index:
        book.index[oid] = book.index[name]
        return book.index[oid]
    if book.open_list:
        if name is None:
            raise BallotFileError(
                f,
                f"option {oid} has no Name (a write-in?): set undeclared_write_in_label to its Id",
            )
        i = book.candidate(name, None)
        book.index[oid] = i
        return i
    raise BallotFileError(
        f,
        f"option {oid} ({name!r}) matches no candidate's name, code or alias "
        "(or set undeclared_write_in_label to its Id)",
    )


def sniff(path: Path, head: bytes) -> bool:
    """A folder of XML files whose first is a Hart ``<Cvr>``."""
    if not path.is_dir():
        return False
    for p in sorted(path.iterdir()):
        if p.name.lower().endswith(".xml") and not p.name.lower().endswith(".sig.xml"):
            with open(p, "rb") as fh:
                start = fh.read(400)
            return b"<Cvr" in start and b"CVRDesign" in start
    return False


def register_ballot_formats() -> list[FormatSpec]:
    return [
        FormatSpec(
            name="hart",
            title="Hart Verity CVR folder (one XML file per sheet; RCTab 'hart')",
            extensions=(),
            read=read,
            sniff=sniff,
            options=OPTIONS,
        )
    ]
