"""Read and validate an RCTab contest config (``*_config.json``), reporting every problem.

The config's ``rules`` map onto :class:`~tallyroom.methods.irv_rules.IRVRules`
(RCTab's option names are the enum values); each ``cvrFileSources`` entry maps to
a ballot reader and its options (RCTab's per-source settings in snake_case).
Values may be JSON strings or numbers, as RCTab writes them; unknown option
values are errors that list the valid ones, and all problems are collected
before failing (as RCTab's ``ContestConfig.validate`` does).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..ballots.candidates import Candidate, CandidateList
from ..errors import BallotFileError, RuleConfigError
from ..methods.irv_rules import IRVRules, OvervoteRule, Threshold, WinnerMode
from ..numbers import parse_exact
from ..ties import OfficerDecision, TieBreak
from .ties import TiebreakMode

__all__ = ["PROVIDERS", "ContestConfig", "CvrSource", "load_config"]

#: RCTab provider name -> tallyroom ballot format.
PROVIDERS: dict[str, str] = {
    "cdf": "cdf",
    "clearBallot": "clearballot",
    "dominion": "dominion",
    "ess": "ess",
    "hart": "hart",
    "genericCsv": "generic-csv",
}

_SOURCE_KEYS = {
    "filePath",
    "provider",
    "contestId",
    "firstVoteColumnIndex",
    "firstVoteRowIndex",
    "idColumnIndex",
    "precinctColumnIndex",
    "batchColumnIndex",
    "overvoteDelimiter",
    "overvoteLabel",
    "skippedRankLabel",
    "undervoteLabel",
    "undeclaredWriteInLabel",
    "treatBlankAsUndeclaredWriteIn",
}
_RULE_KEYS = {
    "tiebreakMode",
    "overvoteRule",
    "winnerElectionMode",
    "randomSeed",
    "numberOfWinners",
    "multiSeatBottomsUpPercentageThreshold",
    "decimalPlacesForVoteArithmetic",
    "minimumVoteThreshold",
    "maxSkippedRanksAllowed",
    "maxRankingsAllowed",
    "nonIntegerWinningThreshold",
    "doesFirstRoundDetermineThreshold",
    "hareQuota",
    "batchElimination",
    "continueUntilTwoCandidatesRemain",
    "stopTabulationEarlyAfterRound",
    "exhaustOnDuplicateCandidate",
    "rulesDescription",
    "treatBlankAsUndeclaredWriteIn",
    "cutoffElimination",
    "overvoteLabel",
    "skippedRankLabel",
    "undervoteLabel",
    "undeclaredWriteInLabel",
}
_OUTPUT_KEYS = {
    "contestName",
    "outputDirectory",
    "contestDate",
    "contestJurisdiction",
    "contestOffice",
    "tabulateByPrecinct",
    "tabulateByBatch",
    "generateCdfJson",
}
_CANDIDATE_KEYS = {"name", "code", "excluded", "aliases"}


@dataclass(frozen=True)
class CvrSource:
    """One ``cvrFileSources`` entry: the file, tallyroom's format and the reader options."""

    path: Path
    raw_path: str
    provider: str
    format: str
    options: Mapping[str, Any]
    undeclared_write_in_label: str | None = None


@dataclass(frozen=True)
class ContestConfig:
    """A validated RCTab contest config."""

    path: Path
    contest_name: str
    jurisdiction: str
    office: str
    date: str
    output_directory: Path
    tabulate_by_precinct: bool
    tabulate_by_batch: bool
    generate_cdf_json: bool
    candidates: CandidateList
    sources: tuple[CvrSource, ...]
    rules: IRVRules
    seats: int
    uwi_enabled: bool
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def single_winner(self) -> bool:
        return self.rules.winner_mode is WinnerMode.SINGLE_WINNER_MAJORITY


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, text: str) -> None:
        self.items.append(text)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def _int(
    p: _Problems,
    where: str,
    v: Any,
    *,
    low: int | None = None,
    high: int | None = None,
    words: Mapping[str, int | None] | None = None,
    required: bool = True,
) -> int | None:
    if _blank(v):
        if required:
            p.add(f"{where} is required")
        return None
    if isinstance(v, str) and words and v.strip().lower() in words:
        return words[v.strip().lower()]
    if isinstance(v, bool):
        p.add(f"{where}: expected a whole number, got {v!r}")
        return None
    try:
        n = int(v) if isinstance(v, int) else int(str(v).strip())
    except ValueError:
        extra = f" or one of {', '.join(repr(w) for w in words)}" if words else ""
        p.add(f"{where}: expected a whole number{extra}, got {v!r}")
        return None
    if (low is not None and n < low) or (high is not None and n > high):
        rng = f"{low if low is not None else '-inf'}..{high if high is not None else 'inf'}"
        p.add(f"{where}: {n} is out of range ({rng})")
        return None
    return n


def _bool(p: _Problems, where: str, v: Any, default: bool = False) -> bool:
    if v is None:
        return default
    if isinstance(v, bool):
        return v
    p.add(f"{where}: expected true or false, got {v!r}")
    return default


def _text(v: Any) -> str:
    return "" if v is None else str(v)


def _enum(p: _Problems, where: str, v: Any, enum: Any, exclude: tuple[Any, ...] = ()) -> Any:
    valid = [m for m in enum if m not in exclude]
    for m in valid:
        if v == m.value:
            return m
    p.add(f"{where}: unknown value {v!r}; valid values: " + ", ".join(repr(m.value) for m in valid))
    return None


def _unknown(p: _Problems, where: str, data: Mapping[str, Any], allowed: set[str]) -> None:
    for k in data:
        if k not in allowed:
            p.add(f"{where}.{k}: unknown option; valid options: {', '.join(sorted(allowed))}")


def load_config(path: str | Path, *, decisions: tuple[OfficerDecision, ...] = ()) -> ContestConfig:
    """Read and validate an RCTab contest config; raise listing every problem."""
    cfg_path = Path(path)
    try:
        data = json.loads(cfg_path.read_bytes())
    except OSError as exc:
        raise BallotFileError(cfg_path, f"cannot read the config: {exc.strerror}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BallotFileError(cfg_path, f"not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BallotFileError(cfg_path, "an RCTab config is a JSON object")
    p = _Problems()
    base = cfg_path.parent
    _unknown(
        p,
        "config",
        data,
        {"tabulatorVersion", "outputSettings", "cvrFileSources", "candidates", "rules"},
    )
    if _blank(data.get("tabulatorVersion")):
        p.add("tabulatorVersion is missing")
    out = data.get("outputSettings") or {}
    rules_raw = data.get("rules") or {}
    if not isinstance(out, dict) or not isinstance(rules_raw, dict):
        raise RuleConfigError("outputSettings and rules must be JSON objects", source=str(cfg_path))
    _unknown(p, "outputSettings", out, _OUTPUT_KEYS)
    _unknown(p, "rules", rules_raw, _RULE_KEYS)
    if _blank(out.get("contestName")):
        p.add("outputSettings.contestName is required")
    by_precinct = _bool(p, "outputSettings.tabulateByPrecinct", out.get("tabulateByPrecinct"))
    by_batch = _bool(p, "outputSettings.tabulateByBatch", out.get("tabulateByBatch"))
    cdf_json = _bool(p, "outputSettings.generateCdfJson", out.get("generateCdfJson"))

    candidates, excluded, aliases = _candidates(p, data.get("candidates"))
    sources = _sources(p, data.get("cvrFileSources"), rules_raw, base, by_precinct, by_batch)
    rules, seats = _rules(p, rules_raw, excluded, decisions)
    if p.items:
        raise RuleConfigError(p.items, source=str(cfg_path))
    uwi = any(
        s.undeclared_write_in_label or s.options.get("treat_blank_as_undeclared_write_in")
        for s in sources
    )
    assert rules is not None and seats is not None
    final_sources = []
    for s in sources:
        opts = dict(s.options)
        opts["candidates"] = candidates
        if aliases:
            opts["aliases"] = dict(aliases)
        final_sources.append(
            CvrSource(s.path, s.raw_path, s.provider, s.format, opts, s.undeclared_write_in_label)
        )
    return ContestConfig(
        path=cfg_path,
        contest_name=_text(out.get("contestName")),
        jurisdiction=_text(out.get("contestJurisdiction")),
        office=_text(out.get("contestOffice")),
        date=_text(out.get("contestDate")),
        output_directory=base / _text(out.get("outputDirectory") or "output"),
        tabulate_by_precinct=by_precinct,
        tabulate_by_batch=by_batch,
        generate_cdf_json=cdf_json,
        candidates=candidates,
        sources=tuple(final_sources),
        rules=rules,
        seats=seats,
        uwi_enabled=uwi,
        raw=data,
    )


def _candidates(p: _Problems, raw: Any) -> tuple[CandidateList, tuple[str, ...], dict[str, str]]:
    if not isinstance(raw, list) or not raw:
        p.add("candidates: no candidates specified")
        return CandidateList([]), (), {}
    seen: set[str] = set()
    cands: list[Candidate] = []
    excluded: list[str] = []
    aliases: dict[str, str] = {}
    for i, c in enumerate(raw):
        where = f"candidates[{i}]"
        if not isinstance(c, dict):
            p.add(f"{where}: expected an object with a name")
            continue
        _unknown(p, where, c, _CANDIDATE_KEYS)
        name = _text(c.get("name")).strip()
        if not name:
            p.add(f"{where}: name is missing")
            continue
        if name in seen:
            p.add(f"{where}: duplicate candidate name {name!r}")
            continue
        seen.add(name)
        code = _text(c.get("code")).strip() or None
        try:
            cands.append(Candidate(name, code=code))
        except RuleConfigError as exc:
            p.add(f"{where}: {exc.problems[0]}")
            continue
        if _bool(p, f"{where}.excluded", c.get("excluded")):
            excluded.append(name)
        for a in c.get("aliases") or []:
            a = _text(a)
            if a in aliases and aliases[a] != name:
                p.add(f"{where}: alias {a!r} is also an alias of {aliases[a]!r}")
            elif a and a != name:
                aliases[a] = name
    if cands and len(excluded) == len(cands):
        p.add("candidates: every candidate is excluded")
    try:
        return CandidateList(cands), tuple(excluded), aliases
    except RuleConfigError as exc:
        p.add(f"candidates: {exc.problems[0]}")
        return CandidateList([]), (), {}


def _sources(
    p: _Problems,
    raw: Any,
    rules_raw: Mapping[str, Any],
    base: Path,
    by_precinct: bool,
    by_batch: bool,
) -> list[CvrSource]:
    if not isinstance(raw, list) or not raw:
        p.add("cvrFileSources: no CVR files specified")
        return []
    out: list[CvrSource] = []
    paths: set[str] = set()
    for i, s in enumerate(raw):
        where = f"cvrFileSources[{i}]"
        if not isinstance(s, dict):
            p.add(f"{where}: expected an object")
            continue
        _unknown(p, where, s, _SOURCE_KEYS)
        raw_path = _text(s.get("filePath")).strip()
        provider = _text(s.get("provider"))
        fmt = PROVIDERS.get(provider)
        if fmt is None:
            p.add(
                f"{where}.provider: unknown provider {provider!r}; valid providers: "
                + ", ".join(PROVIDERS)
            )
        if not raw_path:
            p.add(f"{where}.filePath is required")
            continue
        if raw_path in paths:
            p.add(f"{where}.filePath: {raw_path!r} is listed twice")
        paths.add(raw_path)

        def label(key: str, s: Mapping[str, Any] = s) -> str | None:
            v = s.get(key)
            if _blank(v):
                v = rules_raw.get(key)  # RCTab 1.x kept these labels in the rules
            return None if _blank(v) else str(v)

        opts: dict[str, Any] = {}
        for key, opt in (
            ("overvoteLabel", "overvote_label"),
            ("overvoteDelimiter", "overvote_delimiter"),
            ("skippedRankLabel", "skipped_rank_label"),
            ("undervoteLabel", "skipped_rank_label"),
            ("undeclaredWriteInLabel", "undeclared_write_in_label"),
            ("contestId", "contest_id"),
        ):
            v = label(key)
            if v is not None:
                opts[opt] = v
        for key, opt in (
            ("firstVoteColumnIndex", "first_vote_column_index"),
            ("firstVoteRowIndex", "first_vote_row_index"),
            ("idColumnIndex", "id_column_index"),
            ("precinctColumnIndex", "precinct_column_index"),
            ("batchColumnIndex", "batch_column_index"),
        ):
            if not _blank(s.get(key)):
                n = _int(p, f"{where}.{key}", s.get(key), low=1, high=1000)
                if n is not None:
                    opts[opt] = n
        blank_uwi = _bool(
            p, f"{where}.treatBlankAsUndeclaredWriteIn", s.get("treatBlankAsUndeclaredWriteIn")
        )
        if blank_uwi:
            opts["treat_blank_as_undeclared_write_in"] = True
        if "overvote_label" in opts and "overvote_delimiter" in opts:
            p.add(f"{where}: overvoteLabel and overvoteDelimiter cannot both be given")
        delim = opts.get("overvote_delimiter")
        if delim is not None and (delim.strip() == "" or "\\" in delim):
            p.add(f"{where}.overvoteDelimiter {delim!r} is not a valid delimiter")
        if provider in ("ess", "genericCsv") and "first_vote_column_index" not in opts:
            p.add(f"{where}.firstVoteColumnIndex is required for provider {provider!r}")
        if provider == "ess" and "first_vote_row_index" not in opts:
            p.add(f"{where}.firstVoteRowIndex is required for provider 'ess'")
        if (
            by_precinct
            and provider in ("ess", "genericCsv")
            and "precinct_column_index" not in opts
        ):
            p.add(
                f"{where}: tabulateByPrecinct needs precinctColumnIndex for provider {provider!r}"
            )
        if by_batch and provider in ("ess", "genericCsv") and "batch_column_index" not in opts:
            p.add(f"{where}: tabulateByBatch needs batchColumnIndex for provider {provider!r}")
        out.append(
            CvrSource(
                base / raw_path,
                raw_path,
                provider,
                fmt or "",
                opts,
                opts.get("undeclared_write_in_label"),
            )
        )
    return out


def _rules(
    p: _Problems,
    r: Mapping[str, Any],
    excluded: tuple[str, ...],
    decisions: tuple[OfficerDecision, ...],
) -> tuple[IRVRules | None, int | None]:
    tiebreak = _enum(
        p,
        "rules.tiebreakMode",
        r.get("tiebreakMode"),
        TiebreakMode,
        exclude=(TiebreakMode.TIE_RULES,),
    )
    overvote = _enum(p, "rules.overvoteRule", r.get("overvoteRule"), OvervoteRule)
    mode = _enum(
        p,
        "rules.winnerElectionMode",
        r.get("winnerElectionMode", "singleWinnerMajority"),
        WinnerMode,
    )
    seats = _int(p, "rules.numberOfWinners", r.get("numberOfWinners"), low=0, high=10000)
    places = _int(
        p,
        "rules.decimalPlacesForVoteArithmetic",
        r.get("decimalPlacesForVoteArithmetic"),
        low=1,
        high=20,
    )
    max_rank = _int(
        p,
        "rules.maxRankingsAllowed",
        r.get("maxRankingsAllowed"),
        low=1,
        high=100000,
        words={"max": None},
    )
    max_skip = _int(
        p,
        "rules.maxSkippedRanksAllowed",
        r.get("maxSkippedRanksAllowed"),
        low=0,
        high=100000,
        words={"unlimited": None},
    )
    stop = _int(
        p,
        "rules.stopTabulationEarlyAfterRound",
        r.get("stopTabulationEarlyAfterRound"),
        low=1,
        high=100000,
        required=False,
    )
    seed: int | None = None
    if tiebreak is not None and tiebreak.needs_seed:
        seed = _int(p, "rules.randomSeed", r.get("randomSeed"), low=-(2**63), high=2**63 - 1)
    elif not _blank(r.get("randomSeed")):
        seed = _int(p, "rules.randomSeed", r.get("randomSeed"), low=-(2**63), high=2**63 - 1)
    minimum = Fraction(0)
    if not _blank(r.get("minimumVoteThreshold")):
        try:
            minimum = parse_exact(str(r.get("minimumVoteThreshold")))
            if minimum < 0:
                raise RuleConfigError("negative")
        except RuleConfigError:
            p.add(
                f"rules.minimumVoteThreshold: expected a number of 0 or more, "
                f"got {r.get('minimumVoteThreshold')!r}"
            )
    pct: Fraction | None = None
    if not _blank(r.get("multiSeatBottomsUpPercentageThreshold")):
        try:
            pct = parse_exact(str(r.get("multiSeatBottomsUpPercentageThreshold")))
            if not 0 < pct <= 100:
                raise RuleConfigError("range")
        except RuleConfigError:
            p.add(
                "rules.multiSeatBottomsUpPercentageThreshold: expected a percentage in (0, 100], "
                f"got {r.get('multiSeatBottomsUpPercentageThreshold')!r}"
            )
            pct = None
    flags = {
        k: _bool(p, f"rules.{k}", r.get(k))
        for k in (
            "nonIntegerWinningThreshold",
            "doesFirstRoundDetermineThreshold",
            "hareQuota",
            "batchElimination",
            "continueUntilTwoCandidatesRemain",
            "exhaustOnDuplicateCandidate",
            "cutoffElimination",
        )
    }
    if mode is not None and seats is not None:
        multi = mode in (
            WinnerMode.MULTI_WINNER_ONE_PER_ROUND,
            WinnerMode.MULTI_WINNER_MULTIPLE_PER_ROUND,
            WinnerMode.BOTTOMS_UP,
            WinnerMode.MULTI_PASS_IRV,
        )
        if seats == 0 and mode is not WinnerMode.BOTTOMS_UP_PERCENTAGE:
            p.add(
                "rules.numberOfWinners is 0: winnerElectionMode must be "
                "'bottomsUpUsingPercentageThreshold'"
            )
        if seats == 1 and multi:
            p.add(f"rules.winnerElectionMode {mode.value!r} needs numberOfWinners above 1")
        if seats > 1 and mode is WinnerMode.SINGLE_WINNER_MAJORITY:
            p.add("rules.winnerElectionMode 'singleWinnerMajority' needs numberOfWinners = 1")
        if (
            seats > 1
            and flags["continueUntilTwoCandidatesRemain"]
            and mode is not WinnerMode.MULTI_PASS_IRV
        ):
            p.add("rules.continueUntilTwoCandidatesRemain applies only to single-winner contests")
        if mode is WinnerMode.BOTTOMS_UP_PERCENTAGE and pct is None:
            p.add(
                "rules.multiSeatBottomsUpPercentageThreshold is required for "
                "'bottomsUpUsingPercentageThreshold'"
            )
        if mode is WinnerMode.BOTTOMS_UP_PERCENTAGE and flags["batchElimination"]:
            p.add("rules.batchElimination cannot be used with 'bottomsUpUsingPercentageThreshold'")
        surplus = mode in (
            WinnerMode.MULTI_WINNER_ONE_PER_ROUND,
            WinnerMode.MULTI_WINNER_MULTIPLE_PER_ROUND,
        )
        if not surplus and flags["nonIntegerWinningThreshold"]:
            p.add(f"rules.nonIntegerWinningThreshold cannot be used with {mode.value!r}")
        if not surplus and flags["hareQuota"]:
            p.add(f"rules.hareQuota cannot be used with {mode.value!r}")
    if flags["nonIntegerWinningThreshold"] and flags["hareQuota"]:
        p.add("rules.nonIntegerWinningThreshold and rules.hareQuota cannot both be true")
    if flags["cutoffElimination"] and mode is not WinnerMode.BOTTOMS_UP_PERCENTAGE:
        p.add("rules.cutoffElimination applies only to 'bottomsUpUsingPercentageThreshold'")
    if (
        p.items
        or tiebreak is None
        or overvote is None
        or mode is None
        or seats is None
        or places is None
    ):
        return None, None
    threshold = (
        Threshold.HARE
        if flags["hareQuota"]
        else Threshold.DROOP_NON_INTEGER
        if flags["nonIntegerWinningThreshold"]
        else Threshold.DROOP
    )
    try:
        rules = IRVRules(
            winner_mode=mode,
            overvote_rule=overvote,
            max_skipped_ranks=max_skip,
            max_rankings=max_rank,
            exhaust_on_duplicate_candidate=flags["exhaustOnDuplicateCandidate"],
            batch_elimination=flags["batchElimination"],
            continue_until_two_candidates_remain=flags["continueUntilTwoCandidatesRemain"],
            first_round_determines_threshold=flags["doesFirstRoundDetermineThreshold"],
            stop_after_round=stop,
            minimum_vote_threshold=minimum,
            threshold=threshold,
            decimal_places=places,
            bottoms_up_percentage=pct,
            cutoff_elimination=flags["cutoffElimination"],
            tiebreak_mode=tiebreak,
            random_seed=seed,
            excluded=excluded,
            ties=TieBreak(decisions=decisions),
        )
    except RuleConfigError as exc:
        p.items.extend(f"rules: {x}" for x in exc.problems)
        return None, None
    return rules, seats
