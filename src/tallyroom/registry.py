"""The one place where counting methods, ballot formats and report renderers are registered.

Built-in modules and third-party plugins use the same hooks. A plugin module
defines any of these functions:

* ``register_counting_methods() -> list[MethodSpec]``: counting methods and presets;
* ``register_ballot_formats() -> list[FormatSpec]``: ballot/CVR file readers and writers;
* ``register_report_renderers() -> list[ReportSpec]``: renderers of a :class:`Count`.

Built-ins are listed in :data:`BUILTIN_PLUGINS`; third-party packages declare an
entry point in the ``tallyroom.plugins`` group naming their module.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from .ballots.profile import Profile
from .count import Count
from .errors import RuleConfigError

__all__ = [
    "BUILTIN_PLUGINS",
    "FormatSpec",
    "MethodSpec",
    "ReportSpec",
    "formats",
    "get_format",
    "get_method",
    "get_report",
    "methods",
    "reports",
]

#: Modules holding the built-in hooks, in the order they are listed to users.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "tallyroom.methods.fptp",
    "tallyroom.methods.sv",
    "tallyroom.methods.irv",
    "tallyroom.methods.stv",
    "tallyroom.methods.condorcet",
    "tallyroom.methods.borda",
    "tallyroom.formats.sv_papers",
    "tallyroom.formats.cambridge",
    "tallyroom.formats.portland",
    "tallyroom.formats.csv_ranked",
    "tallyroom.formats.preflib",
    "tallyroom.formats.ess_xlsx",
    "tallyroom.formats.dominion",
    "tallyroom.formats.cdf",
    "tallyroom.formats.hart",
    "tallyroom.formats.clear_ballot",
    "tallyroom.formats.generic_csv",
    "tallyroom.formats.blt",
    "tallyroom.reports.native_json",
    "tallyroom.reports.text",
    "tallyroom.reports.declaration",
    "tallyroom.reports.stage_sheet",
    "tallyroom.reports.html_report",
    "tallyroom.reports.charts",
    "tallyroom.reports.csv_report",
    "tallyroom.reports.pdf",
    "tallyroom.reports.compare_report",
    "tallyroom.reports.rctab_report",
)


@dataclass(frozen=True, kw_only=True)
class MethodSpec:
    """A counting method (or a named preset of one).

    ``count(profile, rules, seats)`` returns the :class:`Count`; ``rules_class`` is
    the frozen dataclass of its options (``tallyroom.count`` only ever passes an
    instance of it) and ``default_rules`` the rules used when none are given (for a
    preset: the preset's rules).
    """

    name: str
    title: str
    summary: str
    rules_class: type
    default_rules: Any
    count: Callable[[Profile, Any, int], Count]
    source: str = ""
    multi_seat: bool = False
    preset_of: str | None = None
    #: The rules depend on the order of the papers (Irish last-filed papers, Cambridge's
    #: Cincinnati method): readers are asked to keep it (``keep_order``).
    needs_paper_order: bool = False


@dataclass(frozen=True, kw_only=True)
class FormatSpec:
    """A ballot file format. ``read(path, options) -> Profile``; ``write(profile, path, options)``."""

    name: str
    title: str
    extensions: tuple[str, ...]
    read: Callable[[Path, Mapping[str, Any]], Profile]
    write: Callable[[Profile, Path, Mapping[str, Any]], None] | None = None
    sniff: Callable[[Path, bytes], bool] | None = None
    options: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ReportSpec:
    """A report renderer: ``render(count, options) -> str | bytes``."""

    name: str
    title: str
    extension: str
    media_type: str
    render: Callable[[Count, Mapping[str, Any]], str | bytes]
    binary: bool = False


@dataclass
class _Registry:
    methods: dict[str, MethodSpec] = field(default_factory=dict)
    formats: dict[str, FormatSpec] = field(default_factory=dict)
    reports: dict[str, ReportSpec] = field(default_factory=dict)


_registry: _Registry | None = None


def _load_module(registry: _Registry, module: Any) -> None:
    for hook, table in (
        ("register_counting_methods", registry.methods),
        ("register_ballot_formats", registry.formats),
        ("register_report_renderers", registry.reports),
    ):
        fn = getattr(module, hook, None)
        if fn is None:
            continue
        for spec in fn():
            if spec.name in table:
                raise RuleConfigError(f"{hook}: {spec.name!r} is registered twice")
            table[spec.name] = spec


def _get() -> _Registry:
    global _registry
    if _registry is None:
        registry = _Registry()
        for name in BUILTIN_PLUGINS:
            _load_module(registry, importlib.import_module(name))
        for ep in sorted(entry_points(group="tallyroom.plugins"), key=lambda e: e.name):
            _load_module(registry, ep.load())
        _registry = registry
    return _registry


def methods() -> Mapping[str, MethodSpec]:
    return _get().methods


def formats() -> Mapping[str, FormatSpec]:
    return _get().formats


def reports() -> Mapping[str, ReportSpec]:
    return _get().reports


def _lookup(table: Mapping[str, Any], name: str, what: str) -> Any:
    try:
        return table[name]
    except KeyError:
        raise RuleConfigError(
            f"unknown {what} {name!r}; valid {what}s: {', '.join(table)}"
        ) from None


def get_method(name: str) -> MethodSpec:
    spec: MethodSpec = _lookup(methods(), name, "method")
    return spec


def get_format(name: str) -> FormatSpec:
    spec: FormatSpec = _lookup(formats(), name, "format")
    return spec


def get_report(name: str) -> ReportSpec:
    spec: ReportSpec = _lookup(reports(), name, "report format")
    return spec
