"""Shared look of tallyroom's charts: palette, status colours, exact short labels."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..count import EXHAUSTED, FRACTIONS, Count
from ..numbers import format_fixed

__all__ = [
    "DARK",
    "GREY",
    "PALETTE",
    "STATUS_COLOURS",
    "Spec",
    "colours",
    "schema",
    "short",
    "title_of",
]

Spec = dict[str, Any]

#: A qualitative palette (Tableau 20, reordered so neighbours differ); cycled.
PALETTE: tuple[str, ...] = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#a0cbe8",
    "#ffbe7d",
    "#ff9d9a",
    "#86bcb6",
    "#8cd17d",
    "#f1ce63",
    "#d4a6c8",
    "#fabfd2",
    "#d7b5a6",
    "#79706e",
    "#b6992d",
)
GREY = "#bab0ac"
DARK = "#555555"
STATUS_COLOURS = {"elected": "#2e7d32", "excluded": "#c62828", "continuing": "#4e79a7"}


def short(x: Fraction | int) -> str:
    """A vote figure for a label: whole numbers with thousands separators, else 2 decimals."""
    x = Fraction(x)
    if x.denominator == 1:
        return f"{x.numerator:,}"
    whole, _, frac = format_fixed(x, 2).partition(".")
    return f"{int(whole):,}.{frac}" if whole.lstrip("-").isdigit() else format_fixed(x, 2)


def schema() -> str:
    return "https://vega.github.io/schema/vega-lite/v6.json"


def colours(count: Count) -> tuple[list[str], list[str]]:
    domain = [*count.candidate_names, EXHAUSTED, FRACTIONS]
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(count.candidate_names))]
    return domain, [*colours, GREY, DARK]


def title_of(count: Count) -> str:
    return count.title or "Result"
