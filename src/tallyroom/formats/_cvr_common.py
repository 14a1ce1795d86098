"""What the cast-vote-record readers share: RCTab's per-source options, the code book
that turns CVR marks into mark codes, and the collector that groups papers as they
are read.

Options (RCTab's ``cvrFileSources`` settings, snake_case; see ``docs/formats/cvr.md``):

* ``candidates``: the contest's :class:`CandidateList` (a candidate's ``code`` is
  its id in the CVR, e.g. a Dominion or CDF candidate id, or an ES&S label);
* ``aliases``: ``{cvr text: candidate name}``;
* ``overvote_label``, ``skipped_rank_label`` (RCTab's older name for it:
  ``undervote_label``), ``undeclared_write_in_label``, ``overvote_delimiter``,
  ``treat_blank_as_undeclared_write_in``;
* ``first_vote_column_index``, ``first_vote_row_index``, ``id_column_index``,
  ``precinct_column_index``, ``batch_column_index`` (1-based, as RCTab);
  ``max_rankings``: how many rank columns to read;
* ``contest_id``: which contest of a multi-contest CVR;
* ``keep_order``: keep each paper's file order and id, and how the file spells each
  candidate (``metadata["cvr_spellings"]``, for RCTab's CDF export).

Encoding: one candidate at a rank → its index; nothing, or the skipped-rank
label → :data:`BLANK`; the overvote label → :data:`OVERVOTE`; several candidates at
one rank → an overvote group; the undeclared write-in label → the candidate
:data:`UNDECLARED_WRITE_IN` (``write_in=True``). Unknown candidates are errors
naming the file and the record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..ballots.candidates import Candidate, CandidateList
from ..ballots.marks import BLANK, OVERVOTE, overvote_code
from ..ballots.profile import InputFile, Profile
from ..errors import BallotFileError, RuleConfigError
from ._common import check_options, resolve_candidates

__all__ = [
    "COMMON_OPTIONS",
    "LABEL_OPTIONS",
    "MISSING_BATCH",
    "MISSING_PRECINCT",
    "UNDECLARED_WRITE_IN",
    "CodeBook",
    "CvrOptions",
    "PaperCollector",
    "TABLE_OPTIONS",
    "opt_bool",
]

#: The name RCTab gives undeclared write-ins in its outputs.
UNDECLARED_WRITE_IN = "Undeclared Write-ins"
#: RCTab's precinct name for papers whose precinct is empty (ES&S reader).
MISSING_PRECINCT = "missing_precinct_id"
#: The batch name for papers whose batch is empty.
MISSING_BATCH = "missing_batch_id"

#: Options every CVR reader takes.
COMMON_OPTIONS: dict[str, str] = {
    "candidates": "the contest's candidates (a candidate's code is its id in the CVR)",
    "aliases": "{cvr text: candidate name}: other spellings of candidates in the CVR",
    "undeclared_write_in_label": "CVR text (or id) of an undeclared write-in",
    "keep_order": "keep the file order of papers and their ids (metadata['ballot_ids'])",
}
#: Options of readers whose cells hold text labels (ES&S).
LABEL_OPTIONS: dict[str, str] = {
    "overvote_label": "cell text meaning an overvote (several candidates marked at a rank)",
    "overvote_delimiter": "text separating several candidates in one cell (e.g. '|')",
    "skipped_rank_label": "cell text meaning no mark at this rank (RCTab: skippedRankLabel)",
    "undervote_label": "older RCTab name of skipped_rank_label",
    "treat_blank_as_undeclared_write_in": "read an empty rank as an undeclared write-in",
}
#: Options of readers laid out as a table with a row per paper (ES&S, generic CSV).
TABLE_OPTIONS: dict[str, str] = {
    "first_vote_column_index": "1-based column of the first ranking (required)",
    "first_vote_row_index": "1-based row of the first paper (default 2: after a header row)",
    "id_column_index": "1-based column of the paper id",
    "precinct_column_index": "1-based column of the precinct",
    "batch_column_index": "1-based column of the batch",
}


def _opt_str(options: Mapping[str, Any], key: str) -> str | None:
    v = options.get(key)
    if v is None:
        return None
    s = str(v)
    return s if s != "" else None


def opt_bool(path: Path, options: Mapping[str, Any], key: str) -> bool:
    v = options.get(key, False)
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in ("true", "false"):
        return v.lower() == "true"
    raise BallotFileError(path, f"option {key} must be true or false, not {v!r}")


def _opt_index(path: Path, options: Mapping[str, Any], key: str) -> int | None:
    """A 1-based index option ("" or None: not set); returned 0-based."""
    v = options.get(key)
    if v is None or v == "":
        return None
    try:
        i = int(v)
    except (TypeError, ValueError):
        raise BallotFileError(path, f"option {key} must be a whole number, not {v!r}") from None
    if i < 1:
        raise BallotFileError(path, f"option {key} is 1-based: {i} is not a valid index")
    return i - 1


@dataclass(frozen=True, kw_only=True)
class CvrOptions:
    """The validated per-source options of a CVR reader (indices 0-based)."""

    candidates: CandidateList | None = None
    aliases: Mapping[str, str]
    overvote_label: str | None = None
    skipped_rank_label: str | None = None
    undeclared_write_in_label: str | None = None
    overvote_delimiter: str | None = None
    treat_blank_as_undeclared_write_in: bool = False
    first_vote_column: int | None = None
    first_vote_row: int | None = None
    id_column: int | None = None
    precinct_column: int | None = None
    batch_column: int | None = None
    max_rankings: int | None = None
    contest_id: str | None = None
    keep_order: bool = False

    @classmethod
    def parse(
        cls, path: Path, options: Mapping[str, Any], allowed: Mapping[str, str], fmt: str
    ) -> CvrOptions:
        check_options(path, options, allowed, fmt)
        skipped = _opt_str(options, "skipped_rank_label")
        older = _opt_str(options, "undervote_label")
        if skipped is not None and older is not None and skipped != older:
            raise BallotFileError(
                path, f"skipped_rank_label {skipped!r} and undervote_label {older!r} disagree"
            )
        aliases = options.get("aliases") or {}
        if not isinstance(aliases, Mapping):
            raise BallotFileError(path, "option aliases must map CVR text to a candidate name")
        try:
            candidates = resolve_candidates(options.get("candidates"))
        except RuleConfigError as exc:
            raise BallotFileError(path, f"candidates: {exc.problems[0]}") from None
        max_rankings = _opt_index(path, options, "max_rankings")
        return cls(
            candidates=candidates,
            aliases={str(k): str(v) for k, v in aliases.items()},
            overvote_label=_opt_str(options, "overvote_label"),
            skipped_rank_label=skipped if skipped is not None else older,
            undeclared_write_in_label=_opt_str(options, "undeclared_write_in_label"),
            overvote_delimiter=_opt_str(options, "overvote_delimiter"),
            treat_blank_as_undeclared_write_in=opt_bool(
                path, options, "treat_blank_as_undeclared_write_in"
            ),
            first_vote_column=_opt_index(path, options, "first_vote_column_index"),
            first_vote_row=_opt_index(path, options, "first_vote_row_index"),
            id_column=_opt_index(path, options, "id_column_index"),
            precinct_column=_opt_index(path, options, "precinct_column_index"),
            batch_column=_opt_index(path, options, "batch_column_index"),
            max_rankings=None if max_rankings is None else max_rankings + 1,
            contest_id=_opt_str(options, "contest_id"),
            keep_order=opt_bool(path, options, "keep_order"),
        )


class CodeBook:
    """Turns CVR marks (cell texts or candidate ids) into mark codes.

    With a candidate list, a mark must name a candidate (by name, code or alias);
    without one (text formats only), candidates are added in order of first
    appearance.
    """

    def __init__(self, path: Path, opts: CvrOptions, *, open_list: bool = True) -> None:
        self.path = path
        self.opts = opts
        self.fixed = opts.candidates
        self.open_list = open_list and opts.candidates is None
        self.cands: list[Candidate] = list(opts.candidates) if opts.candidates is not None else []
        self.index: dict[str, int] = {}
        for i, c in enumerate(self.cands):
            self.index.setdefault(c.name, i)
        for i, c in enumerate(self.cands):
            if c.code is not None:
                self.index.setdefault(c.code, i)
        for text, name in opts.aliases.items():
            target = self.index.get(name)
            if target is None and self.fixed is not None:
                raise BallotFileError(path, f"alias {text!r} names unknown candidate {name!r}")
            if target is None:
                target = self._add(Candidate(name))
            clash = self.index.get(text)
            if clash is not None and clash != target:
                raise BallotFileError(
                    path,
                    f"alias {text!r} of {name!r} is also the name or code of "
                    f"{self.cands[clash].name!r}",
                )
            self.index[text] = target
        self.groups: dict[tuple[int, ...], int] = {}
        self._uwi: int | None = None
        self._cache: dict[str, int] = {}
        #: candidate index -> the CVR text first seen for it (a name, code or alias)
        self.spellings: dict[int, str] = {}
        #: candidates the file names by more than one text
        self.mixed: set[int] = set()
        #: cell text -> the (candidate, text) pairs it names, for :meth:`cell_spellings`
        self._cell_spellings: dict[str, tuple[tuple[int, str], ...]] = {}
        self._current: list[tuple[int, str]] | None = None

    def _add(self, cand: Candidate) -> int:
        self.cands.append(cand)
        i = len(self.cands) - 1
        self.index.setdefault(cand.name, i)
        return i

    def undeclared_write_in(self) -> int:
        if self._uwi is None:
            existing = self.index.get(UNDECLARED_WRITE_IN)
            self._uwi = (
                existing
                if existing is not None
                else self._add(
                    Candidate(
                        UNDECLARED_WRITE_IN, code=self.opts.undeclared_write_in_label, write_in=True
                    )
                )
            )
        return self._uwi

    def candidate(self, text: str, line: int | None) -> int:
        """The index of the candidate a CVR text or id names."""
        if text == self.opts.undeclared_write_in_label:
            return self.undeclared_write_in()
        i = self.index.get(text)
        if i is not None:
            seen = self.spellings.setdefault(i, text)
            if seen != text:
                self.mixed.add(i)
            if self._current is not None:
                self._current.append((i, text))
            return i
        if not self.open_list:
            known = ", ".join(c.name for c in self.cands[:12])
            raise BallotFileError(
                self.path,
                f"unknown candidate {text!r} (not a candidate name, code or alias; candidates: "
                f"{known}{', …' if len(self.cands) > 12 else ''})",
                line=line,
            )
        try:
            i = self._add(Candidate(text))
            self.spellings[i] = text
            return i
        except RuleConfigError as exc:
            raise BallotFileError(self.path, exc.problems[0], line=line) from None

    def group(self, members: Iterable[int]) -> int:
        """The code for several candidates marked at one rank."""
        ms = tuple(sorted(set(members)))
        if len(ms) == 1:
            return ms[0]
        return overvote_code(self.groups.setdefault(ms, len(self.groups)))

    def cell(self, raw: str, line: int | None) -> int:
        """The code of one rank cell of a text CVR (ES&S, CSV, Clear Ballot-like)."""
        hit = self._cache.get(raw)
        if hit is not None:
            return hit
        self._current = []
        try:
            code = self._cell(raw, line)
        finally:
            named, self._current = tuple(self._current), None
        self._cache[raw] = code
        self._cell_spellings[raw] = named
        return code

    def cell_spellings(self, raw: str) -> tuple[tuple[int, str], ...]:
        """The (candidate, CVR text) pairs a cell read by :meth:`cell` names."""
        return self._cell_spellings.get(raw, ())

    def _cell(self, raw: str, line: int | None) -> int:
        text = raw.strip()
        o = self.opts
        if text == "":
            return self.undeclared_write_in() if o.treat_blank_as_undeclared_write_in else BLANK
        parts = [text]
        if o.overvote_delimiter and o.overvote_delimiter in text:
            parts = [p.strip() for p in text.split(o.overvote_delimiter)]
            if any(p == "" or p == o.skipped_rank_label for p in parts):
                raise BallotFileError(
                    self.path,
                    f"cell {text!r}: a cell holding several candidates (split by "
                    f"{o.overvote_delimiter!r}) cannot hold a blank or a skipped-rank label",
                    line=line,
                )
        if len(parts) == 1:
            t = parts[0]
            if t == o.skipped_rank_label:
                return BLANK
            if t == o.overvote_label:
                return OVERVOTE
            return self.candidate(t, line)
        if o.overvote_label in parts:
            raise BallotFileError(
                self.path, f"cell {text!r}: an overvote label among several candidates", line=line
            )
        return self.group(self.candidate(p, line) for p in parts)

    def candidate_list(self) -> CandidateList:
        return CandidateList(self.cands)

    def spelling_metadata(self) -> dict[str, Any]:
        """How the file spells each candidate it names (RCTab's CDF export uses it).

        ``cvr_spellings``: ``(candidate name, CVR text)`` pairs in candidate order, the
        text first seen; ``mixed_spellings``: names of candidates the file spells in
        more than one way (present only then).
        """
        out: dict[str, Any] = {
            "cvr_spellings": tuple(
                (self.cands[i].name, self.spellings[i]) for i in sorted(self.spellings)
            )
        }
        if self.mixed:
            out["mixed_spellings"] = tuple(self.cands[i].name for i in sorted(self.mixed))
        return out

    def paper_spelling_metadata(
        self, per_paper: Sequence[tuple[tuple[tuple[int, str], ...], ...]]
    ) -> dict[str, Any]:
        """Each paper's own spelling of candidates, when the file mixes spellings.

        ``per_paper``: for each paper in file order, per rank, its (candidate, text)
        pairs. Kept only for the candidates in ``mixed_spellings``:
        ``metadata["spelling_variants"]`` lists distinct per-rank spellings (a tuple,
        per rank, of ``(candidate name, text)`` pairs) and ``metadata["paper_spellings"]``
        gives each paper's variant (an index into it).
        """
        if not self.mixed:
            return {}
        table: dict[tuple[tuple[tuple[str, str], ...], ...], int] = {}
        index: list[int] = []
        for ranks in per_paper:
            variant = tuple(
                tuple((self.cands[i].name, t) for i, t in pairs if i in self.mixed)
                for pairs in ranks
            )
            index.append(table.setdefault(variant, len(table)))
        return {
            "spelling_variants": tuple(table),
            "paper_spellings": np.asarray(index, dtype=np.int32),
        }

    def overvote_groups(self) -> tuple[tuple[int, ...], ...]:
        return tuple(g for g, _ in sorted(self.groups.items(), key=lambda kv: kv[1]))


def strip_blanks(codes: Sequence[int]) -> tuple[int, ...]:
    """A ranking with its trailing blanks removed."""
    end = len(codes)
    while end and codes[end - 1] == BLANK:
        end -= 1
    return tuple(codes[:end])


class PaperCollector:
    """Groups papers on (ranking, precinct, batch) as they are read.

    An empty precinct or batch is named ``missing_precinct`` / ``missing_batch`` (RCTab's
    names differ by reader: ``missing_precinct_id`` for ES&S, ``no precinct id`` and
    ``no batch id`` for generic CSV).
    """

    def __init__(
        self, *, missing_precinct: str = MISSING_PRECINCT, missing_batch: str = MISSING_BATCH
    ) -> None:
        self.missing_precinct = missing_precinct
        self.missing_batch = missing_batch
        self.rows: dict[tuple[Any, ...], int] = {}
        self.codes: list[tuple[int, ...]] = []
        self.weights: list[int] = []
        self.precincts: list[int] = []
        self.batches: list[int] = []
        self.precinct_names: dict[str, int] = {}
        self.batch_names: dict[str, int] = {}
        self.order: list[int] = []
        self.ids: list[str] = []

    def add(
        self,
        codes: Sequence[int],
        *,
        weight: int = 1,
        precinct: str | None = None,
        batch: str | None = None,
    ) -> int:
        """Add ``weight`` papers; return their row."""
        ranking = strip_blanks(codes)
        if precinct is not None and precinct.strip() == "":
            precinct = self.missing_precinct
        if batch is not None and batch.strip() == "":
            batch = self.missing_batch
        p = (
            -1
            if precinct is None
            else self.precinct_names.setdefault(precinct, len(self.precinct_names))
        )
        b = -1 if batch is None else self.batch_names.setdefault(batch, len(self.batch_names))
        key = (ranking, p, b)
        row = self.rows.get(key)
        if row is None:
            row = len(self.codes)
            self.rows[key] = row
            self.codes.append(ranking)
            self.weights.append(0)
            self.precincts.append(p)
            self.batches.append(b)
        self.weights[row] += weight
        return row

    def paper(
        self, codes: Sequence[int], *, ballot_id: str | None, keep_order: bool, **strata: Any
    ) -> None:
        """Add one paper; with ``keep_order`` remember its row and id in file order."""
        row = self.add(codes, **strata)
        if keep_order:
            self.order.append(row)
            self.ids.append("" if ballot_id is None else ballot_id)

    def profile(
        self,
        book: CodeBook,
        inputs: Sequence[Path],
        *,
        keep_order: bool,
        order: Sequence[int] | None = None,
        ids: Sequence[str] | None = None,
        title: str | None = None,
    ) -> Profile:
        """The grouped :class:`Profile` (candidates from ``book``)."""
        if not self.codes:
            raise BallotFileError(inputs[0] if inputs else None, "no cast vote records found")
        depth = max((len(c) for c in self.codes), default=0)
        matrix = np.full((len(self.codes), depth), BLANK, dtype=np.int32)
        for i, c in enumerate(self.codes):
            matrix[i, : len(c)] = c
        metadata: dict[str, Any] = {}
        if self.precinct_names:
            metadata["precinct"] = np.asarray(self.precincts, dtype=np.int32)
            metadata["precinct_names"] = tuple(self.precinct_names)
        if self.batch_names:
            metadata["batch"] = np.asarray(self.batches, dtype=np.int32)
            metadata["batch_names"] = tuple(self.batch_names)
        paper_order = None
        if keep_order:
            paper_order = np.asarray(self.order if order is None else order, dtype=np.int64)
            metadata["ballot_ids"] = tuple(self.ids if ids is None else ids)
            metadata.update(book.spelling_metadata())
        return Profile(
            book.candidate_list(),
            matrix,
            np.asarray(self.weights, dtype=np.int64),
            overvote_groups=book.overvote_groups(),
            inputs=tuple(InputFile.of(p) for p in inputs),
            paper_order=paper_order,
            title=title,
            metadata=metadata,
        )
