"""Rule options: frozen dataclasses with enum fields, read from and written to plain data.

Every method defines its options as a keyword-only frozen dataclass. This module
turns a mapping (from a TOML/JSON rules file, a web form or an API call) into such
a dataclass, collecting *every* problem before failing, and turns it back into a
mapping for the count log. Unknown keys and values are errors that list the valid
ones; nothing is defaulted silently or accepted by alias.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
import types
import typing
from collections.abc import Mapping
from enum import Enum
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

from .errors import RuleConfigError
from .numbers import format_exact, parse_exact
from .ties import OfficerDecision, TieBreak, TieRule

__all__ = ["load_rules_file", "rules_from_mapping", "rules_to_mapping"]

T = TypeVar("T")


def load_rules_file(path: str | Path) -> dict[str, Any]:
    """Read a rules file (``.toml`` or ``.json``) into a mapping."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise RuleConfigError(f"cannot read rules file: {exc.strerror}", source=str(p)) from exc
    try:
        if p.suffix.lower() == ".json":
            data = json.loads(raw)
        else:
            data = tomllib.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise RuleConfigError(
            f"not valid {p.suffix.lstrip('.') or 'TOML'}: {exc}", source=str(p)
        ) from exc
    if not isinstance(data, dict):
        raise RuleConfigError("a rules file holds a table of options", source=str(p))
    return data


def _type_name(tp: Any) -> str:
    if isinstance(tp, type) and issubclass(tp, Enum):
        return "one of " + ", ".join(repr(m.value) for m in tp)
    return getattr(tp, "__name__", str(tp))


def _convert(tp: Any, value: Any, key: str, problems: list[str]) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args: tuple[Any, ...] | list[Any] = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        if len(args) == 1:
            return _convert(args[0], value, key, problems)
        for a in args:
            sub: list[str] = []
            out = _convert(a, value, key, sub)
            if not sub:
                return out
        problems.append(f"{key}: {value!r} is not valid")
        return None
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(value, list | tuple):
            problems.append(f"{key}: expected a list, got {value!r}")
            return ()
        inner = args[0] if args else Any
        return tuple(_convert(inner, v, f"{key}[{i}]", problems) for i, v in enumerate(value))
    if isinstance(tp, type) and issubclass(tp, Enum):
        for member in tp:
            if value == member.value:
                return member
        problems.append(
            f"{key}: unknown value {value!r}; valid values: " + ", ".join(repr(m.value) for m in tp)
        )
        return None
    if tp is bool:
        if not isinstance(value, bool):
            problems.append(f"{key}: expected true or false, got {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, str) and value.strip().lstrip("-").isdigit():
                return int(value)
            problems.append(f"{key}: expected a whole number, got {value!r}")
            return 0
        return value
    if tp is Fraction:
        try:
            return parse_exact(value if isinstance(value, str | int) else str(value))
        except RuleConfigError:
            problems.append(f"{key}: expected an exact number, got {value!r}")
            return Fraction(0)
    if tp is str:
        if not isinstance(value, str):
            problems.append(f"{key}: expected text, got {value!r}")
        return value
    if tp is TieBreak:
        return _tiebreak(value, key, problems)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, Mapping):
            problems.append(f"{key}: expected a table of options")
            return None
        return _build(tp, value, problems, prefix=f"{key}.")
    return value


def _tiebreak(value: Any, key: str, problems: list[str]) -> TieBreak:
    if not isinstance(value, Mapping):
        problems.append(f"{key}: expected a table with steps, seed, decisions")
        return TieBreak()
    allowed = {"steps", "seed", "decisions"}
    for k in value:
        if k not in allowed:
            problems.append(
                f"{key}.{k}: unknown option; valid options: {', '.join(sorted(allowed))}"
            )
    steps = _convert(tuple[TieRule, ...], value.get("steps", ["lot"]), f"{key}.steps", problems)
    seed = value.get("seed")
    if seed is not None and not isinstance(seed, str | int):
        problems.append(f"{key}.seed: expected text or a number")
    decisions: list[OfficerDecision] = []
    for i, d in enumerate(value.get("decisions", [])):
        where = f"{key}.decisions[{i}]"
        if isinstance(d, str):
            try:
                decisions.append(OfficerDecision.parse(d))
            except RuleConfigError as exc:
                problems.extend(f"{where}: {p}" for p in exc.problems)
            continue
        if not isinstance(d, Mapping) or "tied" not in d or "chosen" not in d:
            problems.append(f"{where}: expected {{tied = [...], chosen = [...]}}")
            continue
        extra = set(d) - {"tied", "chosen", "kind", "round"}
        if extra:
            problems.append(
                f"{where}: unknown keys {sorted(extra)}; valid: tied, chosen, kind, round"
            )
        chosen = d["chosen"]
        chosen_t = (chosen,) if isinstance(chosen, str) else tuple(chosen)
        decisions.append(
            OfficerDecision(
                tied=frozenset(d["tied"]), chosen=chosen_t, kind=d.get("kind"), round=d.get("round")
            )
        )
    return TieBreak(
        steps=steps or (), seed=None if seed is None else str(seed), decisions=tuple(decisions)
    )


def _build(cls: type[T], data: Mapping[str, Any], problems: list[str], prefix: str = "") -> T:
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        name = key
        if name not in fields:
            problems.append(f"{prefix}{key}: unknown option; valid options: " + ", ".join(fields))
            continue
        kwargs[name] = _convert(hints[name], value, prefix + key, problems)
    if problems:
        return None  # type: ignore[return-value]
    try:
        return cls(**kwargs)
    except (TypeError, ValueError, RuleConfigError) as exc:
        problems.append(f"{prefix.rstrip('.') or cls.__name__}: {exc}")
        return None  # type: ignore[return-value]


def rules_from_mapping(cls: type[T], data: Mapping[str, Any], *, source: str | None = None) -> T:
    """Build the rules dataclass ``cls`` from ``data``; raise listing every problem."""
    problems: list[str] = []
    result = _build(cls, data, problems)
    if problems:
        raise RuleConfigError(problems, source=source)
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Fraction):
        return format_exact(value)
    if isinstance(value, TieBreak):
        out: dict[str, Any] = {"steps": [s.value for s in value.steps]}
        if value.seed is not None:
            out["seed"] = value.seed
        if value.decisions:
            out["decisions"] = [d.to_dict() for d in value.decisions]
        return out
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return rules_to_mapping(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    return value


def rules_to_mapping(rules: Any) -> dict[str, Any]:
    """The plain-data form of a rules dataclass (enum values, exact numbers as strings)."""
    return {f.name: _plain(getattr(rules, f.name)) for f in dataclasses.fields(rules)}
