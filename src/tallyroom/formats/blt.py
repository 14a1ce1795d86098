"""BLT ballot files (Hill, Wichmann & Woodall 1987; the ERS / OpenSTV / Droop format).

::

    4 2                     <- candidates, seats
    -2                      <- optional: withdrawn candidates, each with a minus sign
    [tie 3 1 2 4]           <- optional option lines: [withdrawn ..], [tie ..], [nick ..], ...
    3 1 3 4 0               <- weight, then candidates in preference order, then 0
    4 1 3=2 0               <- '=' joins candidates ranked equally (an equal ranking)
    2 4 - 3 0               <- '-' marks a skipped preference
    0                       <- end of ballots
    "Adam"                  <- candidate names, one a line, in candidate-number order
    "Basil" "Party B"       <- a second quoted string on a name line is the description (party)
    "Charlotte"
    "Donald"
    "Title"                 <- the election's title

What the reader records (see ``docs/formats/blt.md``):

* ``Profile.seats``, ``Profile.title`` and ``Profile.withdrawn`` from the file;
* each ballot line as a row of mark codes with its weight: a candidate, a skipped
  preference (:data:`~tallyroom.ballots.marks.BLANK`), or an equal ranking (an
  overvote group listing the candidates ranked equally). How those are treated is
  the counting rule's business, never the reader's;
* paper order (``keep_order=True``): each line's weight papers, in file order;
* in ``Profile.metadata``: ``blt_tie_order`` (``[tie ...]``), ``blt_undeclared``
  (``[undeclared ...]``), ``blt_droop_options`` (``[droop ...]``, Droop's own
  settings, not used by tallyroom), ``blt_ballot_ids`` (OpenSTV ``(id)`` ballot ids,
  one per ballot line), ``blt_after_title`` (lines after the title: Wichmann's source
  and comment strings, or free text), ``blt_alternative_names``.

Tolerated as found in the shipped data (``docs/formats/blt.md``): a UTF-8 byte order
mark; ``#`` comment lines; a trailing comma at the end of a line; name lines quoted
CSV-style (``""`` for a quote inside) or bare; and, when a file names its candidates
only in ``# ALTERNATIVE NAME n: ...`` comments (Glasgow 2007), those names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..ballots.candidates import Candidate, CandidateList
from ..ballots.marks import BLANK, overvote_code
from ..ballots.profile import InputFile, Profile
from ..errors import BallotFileError, RuleConfigError
from ..registry import FormatSpec
from ._blt_plain import plain_ballots
from ._blt_write import write
from ._common import check_options, open_text

__all__ = ["read", "read_text", "register_ballot_formats", "sniff", "write"]

OPTIONS = {
    "keep_order": "keep the file order of papers (for order-dependent rules)",
}

#: Bracketed option lines the reader understands, and where each goes.
BRACKET_OPTIONS = ("withdrawn", "tie", "nick", "droop", "undeclared")

_ALT_NAME = re.compile(r"^#\s*ALTERNATIVE NAME\s+(\d+)\s*:\s*(.*?)\s*$")
_HEADER = re.compile(r"^\s*([0-9]+)\s+([0-9]+)\s*,?\s*$")
_QUOTED = re.compile(r'\s*"((?:[^"]|"")*)"\s*')


@dataclass
class _Ballots:
    """Ballot lines as parsed: mark codes, weights, and the line each began on."""

    rows: list[list[int]] = field(default_factory=list)
    weights: list[int] = field(default_factory=list)
    ids: list[str | None] = field(default_factory=list)
    groups: dict[tuple[int, ...], int] = field(default_factory=dict)


def _is_number(token: str) -> bool:
    """A whole number written in ASCII digits (``str.isdigit`` also accepts ``²``)."""
    return token.isascii() and token.isdigit()


def _strip_comment(line: str) -> str:
    """The numeric part of a header/ballot line: drop a ``#`` comment and a trailing comma."""
    hash_at = line.find("#")
    if hash_at >= 0:
        line = line[:hash_at]
    line = line.strip()
    if line.endswith(","):
        line = line[:-1].rstrip()
    return line


class _Reader:
    """One pass over the lines of a BLT file."""

    def __init__(self, path: Path, lines: Sequence[str]) -> None:
        self.path = path
        self.lines = lines
        self.pos = 0
        self.alt_names: dict[int, str] = {}
        self.last = 1  # the last line with content, for errors at the end of the file
        self.nicknames: dict[str, int] = {}

    def fail(self, problem: str, line: int | None = None) -> BallotFileError:
        return BallotFileError(self.path, problem, line=line if line is not None else self.pos)

    def next_content(self) -> tuple[int, str] | None:
        """The next line that is not blank and not a comment, with its 1-based number."""
        while self.pos < len(self.lines):
            raw = self.lines[self.pos]
            self.pos += 1
            stripped = raw.strip()
            if not stripped:
                continue
            if stripped.startswith("#"):
                m = _ALT_NAME.match(stripped)
                if m:
                    self.alt_names[int(m.group(1))] = m.group(2)
                continue
            self.last = self.pos
            return self.pos, raw
        return None

    # -- header --------------------------------------------------------------------
    def header(self) -> tuple[int, int]:
        first = self.next_content()
        if first is None:
            raise self.fail("empty file: a BLT file starts with '<candidates> <seats>'", 1)
        lineno, text = first
        m = _HEADER.match(text)
        if not m:
            raise self.fail(
                f"first line must be '<number of candidates> <number of seats>', found {text.strip()!r}",
                lineno,
            )
        n, seats = int(m.group(1)), int(m.group(2))
        if n < 1:
            raise self.fail("the file declares no candidates", lineno)
        if seats < 1:
            raise self.fail("the number of seats must be at least 1", lineno)
        return n, seats

    def candidate_number(self, token: str, n: int, lineno: int) -> int:
        """0-based index of a candidate token (a number 1..n or a nickname)."""
        if token in self.nicknames:
            return self.nicknames[token]
        if not _is_number(token):
            raise self.fail(f"{token!r} is not a candidate number (1..{n})", lineno)
        k = int(token)
        if not 1 <= k <= n:
            raise self.fail(f"candidate number {k} is out of range 1..{n}", lineno)
        return k - 1

    # -- withdrawn and option lines --------------------------------------------------
    def preamble(self, n: int, meta: dict[str, Any]) -> tuple[set[int], int, str]:
        """Withdrawn candidates and ``[...]`` options; returns them and the first ballot line."""
        withdrawn: set[int] = set()
        while True:
            item = self.next_content()
            if item is None:
                raise self.fail("no ballots and no end-of-ballots line '0'", self.last)
            lineno, text = item
            body = _strip_comment(text)
            if body.startswith("["):
                self.option(body, n, lineno, withdrawn, meta)
                continue
            tokens = body.split()
            if tokens and all(t.startswith("-") and _is_number(t[1:]) for t in tokens):
                for t in tokens:
                    withdrawn.add(self.candidate_number(t[1:], n, lineno))
                continue
            return withdrawn, lineno, text

    def option(
        self, body: str, n: int, lineno: int, withdrawn: set[int], meta: dict[str, Any]
    ) -> None:
        if not body.endswith("]"):
            raise self.fail(f"option line {body!r} does not end with ']'", lineno)
        words = body[1:-1].split()
        if not words or words[0] not in BRACKET_OPTIONS:
            raise self.fail(
                f"unknown option line {body!r}; valid options: "
                + ", ".join(f"[{o} ...]" for o in BRACKET_OPTIONS),
                lineno,
            )
        name, args = words[0], words[1:]
        if name == "nick":
            if len(args) != n or len(set(args)) != n:
                raise self.fail(f"[nick ...] must give {n} distinct nicknames", lineno)
            self.nicknames = {a: i for i, a in enumerate(args)}
        elif name == "droop":
            meta["blt_droop_options"] = " ".join(args)
        elif name == "withdrawn":
            withdrawn.update(self.candidate_number(a, n, lineno) for a in args)
        else:
            meta[f"blt_{name}"] = [self.candidate_number(a, n, lineno) for a in args]

    # -- ballots ---------------------------------------------------------------------
    def ballots(self, n: int, first: tuple[int, str]) -> _Ballots:
        """Ballot lines up to the end-of-ballots ``0``. Newlines are plain whitespace here,
        as in the original format: a ballot may span lines, a line may hold several."""
        out = _Ballots()
        pending: list[str] = []
        start = first[0]
        item: tuple[int, str] | None = first
        while item is not None:
            lineno, text = item
            tokens = _strip_comment(text).split()
            if not pending and len(tokens) >= 2 and tokens[-1] == "0" and tokens.count("0") == 1:
                self.ballot(tokens, n, lineno, out)  # the usual case: one ballot, one line
                item = self.next_content()
                continue
            for k, token in enumerate(tokens):
                if not pending:
                    start = lineno
                    if token == "0":
                        if k != len(tokens) - 1:
                            raise self.fail(
                                "text after the end-of-ballots '0' on the same line", lineno
                            )
                        return out
                    pending.append(token)
                elif token == "0" and not (len(pending) == 1 and pending[0].startswith("(")):
                    pending.append(token)
                    self.ballot(pending, n, start, out)
                    pending = []
                elif token.startswith('"'):
                    raise self.fail(
                        "ballot line does not end with 0 (the end-of-ballot marker): "
                        f"reached the quoted text {token!r} first",
                        start,
                    )
                else:
                    pending.append(token)
            item = self.next_content()
        if pending:
            raise self.fail(
                "ballot line does not end with 0 (the end-of-ballot marker) before the end of the file",
                start,
            )
        raise self.fail("missing the end-of-ballots line '0' after the last ballot", self.last)

    def ballot(self, tokens: list[str], n: int, lineno: int, out: _Ballots) -> None:
        ballot_id: str | None = None
        if tokens[0].startswith("("):
            if not tokens[0].endswith(")"):
                raise self.fail(f"ballot id {tokens[0]!r} must be one '(...)' word", lineno)
            ballot_id = tokens[0][1:-1]
            tokens = tokens[1:]
        weight_text = tokens[0]
        if not _is_number(weight_text):
            raise self.fail(
                f"ballot weight {weight_text!r} is not a whole number "
                "(tallyroom reads whole-paper weights only)",
                lineno,
            )
        weight = int(weight_text)
        if weight == 0:
            raise self.fail(
                "a ballot line with weight 0 (only the end-of-ballots line is '0')", lineno
            )
        body = tokens[1:-1]
        if not self.nicknames and all(map(_is_number, body)):
            row = [int(t) - 1 for t in body]  # the usual case: plain candidate numbers
            if not row or (min(row) >= 0 and max(row) < n):
                out.rows.append(row)
                out.weights.append(weight)
                out.ids.append(ballot_id)
                return
        row = []
        for token in body:
            if token == "-":
                row.append(BLANK)
            elif "=" in token:
                members = tuple(
                    sorted({self.candidate_number(t, n, lineno) for t in token.split("=")})
                )
                if len(members) == 1:
                    row.append(members[0])
                else:
                    row.append(overvote_code(out.groups.setdefault(members, len(out.groups))))
            else:
                if token == "0":
                    raise self.fail("0 inside a ballot line (0 ends a ballot)", lineno)
                row.append(self.candidate_number(token, n, lineno))
        out.rows.append(row)
        out.weights.append(weight)
        out.ids.append(ballot_id)

    # -- names and title -------------------------------------------------------------
    def names(self, n: int) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        """Candidate name lines and the lines after them (title first)."""
        rest: list[tuple[int, str]] = []
        item = self.next_content()
        while item is not None:
            rest.append(item)
            item = self.next_content()
        if len(rest) >= n:
            return rest[:n], rest[n:]
        if len(self.alt_names) == n and set(self.alt_names) == set(range(1, n + 1)):
            return [(0, f'"{_csv_escape(self.alt_names[k])}"') for k in range(1, n + 1)], rest
        raise self.fail(
            f"the file declares {n} candidates but names {len(rest)} after the ballots",
            rest[-1][0] if rest else self.last,
        )


def _csv_escape(text: str) -> str:
    return text.replace('"', '""')


def parse_name_line(text: str) -> tuple[str, list[str]]:
    '''A name line: one or more quoted strings (``""`` = a quote), or bare text.

    Returns the first string and the further ones. A trailing comma is dropped.

    >>> parse_name_line('"Pamela BARNES" "Scottish Green Party"')
    ('Pamela BARNES', ['Scottish Green Party'])
    >>> parse_name_line('"Gill AL-SAMARAI ""SNP"""')
    ('Gill AL-SAMARAI "SNP"', [])
    >>> parse_name_line('""" Ann SMITH"" ""Party"" "')
    ('Ann SMITH', ['Party'])
    >>> parse_name_line('Kathleen BAIRD,')
    ('Kathleen BAIRD', [])
    '''
    s = text.strip()
    if s.endswith(","):
        s = s[:-1].rstrip()
    if not s.startswith('"'):
        return s, []
    parts: list[str] = []
    pos = 0
    while pos < len(s):
        m = _QUOTED.match(s, pos)
        if not m:
            return s, []  # not a clean sequence of quoted strings: keep the text as written
        parts.append(m.group(1).replace('""', '"').strip())
        pos = m.end()
    if len(parts) == 1 and parts[0].startswith('"'):
        inner = parse_name_line(parts[0])  # quoted twice over (some 2022 Scottish files)
        if inner[0] != parts[0]:
            return inner
    return parts[0], parts[1:]


def read_text(path: Path, text: str, *, keep_order: bool = False) -> Profile:
    """Parse the text of a BLT file (``path`` only names it in errors and provenance)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    r = _Reader(path, lines)
    meta: dict[str, Any] = {}
    n, seats = r.header()
    withdrawn, first_line, first_text = r.preamble(n, meta)
    plain = None if r.nicknames else plain_ballots(lines, first_line - 1, n)
    if plain is not None:
        matrix, weights, end = plain
        parsed = _Ballots()
        r.pos = r.last = end + 1  # past the end-of-ballots line
    else:
        parsed = r.ballots(n, (first_line, first_text))
        weights = np.asarray(parsed.weights, dtype=np.int64)
        depth = max((len(row) for row in parsed.rows), default=0)
        matrix = np.full((len(parsed.rows), depth), BLANK, dtype=np.int32)
        for i, row in enumerate(parsed.rows):
            matrix[i, : len(row)] = row
    name_lines, after = r.names(n)
    candidates = _candidates(r, name_lines)
    if r.alt_names:
        meta["blt_alternative_names"] = [r.alt_names[k] for k in sorted(r.alt_names)]
    title: str | None = None
    if after:
        title = parse_name_line(after[0][1])[0] or None
        if len(after) > 1:
            meta["blt_after_title"] = [t.strip() for _, t in after[1:]]
    names = candidates.names
    for key in ("blt_tie", "blt_undeclared"):
        if key in meta:
            meta[key + ("_order" if key == "blt_tie" else "")] = [names[i] for i in meta.pop(key)]
    if any(i is not None for i in parsed.ids):
        meta["blt_ballot_ids"] = list(parsed.ids)
    standing = n - len(withdrawn)
    if seats > standing:
        raise BallotFileError(
            path,
            f"the file declares {seats} seats but only {standing} candidates"
            + (f" ({len(withdrawn)} withdrawn)" if withdrawn else ""),
            line=1,
        )
    if int(weights.sum()) == 0:
        raise BallotFileError(path, "the file holds no ballots (zero valid papers)")
    groups = tuple(g for g, _ in sorted(parsed.groups.items(), key=lambda kv: kv[1]))
    return Profile.from_rows(
        candidates,
        matrix,
        weights,
        keep_order=keep_order,
        overvote_groups=groups,
        title=title,
        seats=seats,
        withdrawn=frozenset(names[i] for i in withdrawn),
        metadata=meta,
    )


def _candidates(r: _Reader, name_lines: list[tuple[int, str]]) -> CandidateList:
    cands: list[Candidate] = []
    seen: dict[str, int] = {}
    for lineno, text in name_lines:
        name, more = parse_name_line(text)
        line = lineno or None
        if not name:
            raise r.fail("empty candidate name", line)
        if name in seen:
            raise r.fail(f"candidate name {name!r} appears twice (also line {seen[name]})", line)
        seen[name] = lineno
        party = " ".join(m for m in more if m) or None
        try:
            cands.append(Candidate(name, party))
        except RuleConfigError as exc:
            raise r.fail(exc.problems[0], line) from None
    return CandidateList(cands)


def read(path: Path, options: Mapping[str, Any]) -> Profile:
    """Read a ``.blt`` (or ``.blt.gz``) file into a :class:`Profile`."""
    check_options(path, options, OPTIONS, "blt")
    keep_order = options.get("keep_order", False)
    if not isinstance(keep_order, bool):
        raise BallotFileError(path, f"option keep_order must be true or false, not {keep_order!r}")
    try:
        with open_text(path, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError as exc:
        raise BallotFileError(path, f"not valid UTF-8 text ({exc.reason})") from exc
    except (OSError, EOFError) as exc:
        raise BallotFileError(path, f"cannot read: {exc}") from exc
    profile = read_text(path, text, keep_order=keep_order)
    from dataclasses import replace

    return replace(profile, inputs=(InputFile.of(path),))


def sniff(path: Path, head: bytes) -> bool:
    """A BLT file starts (after comments) with a line of two whole numbers."""
    text = head.decode("utf-8-sig", "replace")
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        return bool(_HEADER.match(s))
    return False


def register_ballot_formats() -> list[FormatSpec]:
    return [
        FormatSpec(
            name="blt",
            title="BLT (ERS / OpenSTV / Droop): weights, withdrawn candidates, seats, title",
            extensions=(".blt", ".blt.gz"),
            read=read,
            write=write,
            sniff=sniff,
            options=OPTIONS,
        )
    ]
