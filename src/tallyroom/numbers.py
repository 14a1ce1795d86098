"""Exact arithmetic for counts.

Votes are held as :class:`fractions.Fraction` (integers are Fractions with
denominator 1). No binary float ever enters a count. A rule set that truncates
(the Scottish rules truncate transfer values to 5 decimal places; Northern
Ireland and ERS97 to 2) calls :func:`truncate` exactly where its text says so;
the number of places is a field of that rule set's options, never a global.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .errors import RuleConfigError

__all__ = [
    "Fraction",
    "ceil_places",
    "format_exact",
    "format_fixed",
    "parse_exact",
    "truncate",
]


def truncate(value: Fraction, places: int) -> Fraction:
    """Drop the digits after ``places`` decimals, rounding towards zero.

    >>> truncate(Fraction(19, 40), 5)
    Fraction(19, 40)
    >>> truncate(Fraction(625, 2725), 5)
    Fraction(22935, 100000)
    """
    scale = 10**places
    numerator = value.numerator * scale
    whole = abs(numerator) // value.denominator
    return Fraction(whole if numerator >= 0 else -whole, scale)


def ceil_places(value: Fraction, places: int) -> Fraction:
    """Round up (towards +infinity) at ``places`` decimals."""
    scale = 10**places
    return Fraction(-((-value.numerator * scale) // value.denominator), scale)


def _terminating_places(value: Fraction) -> int | None:
    """Number of decimal places needed to write ``value`` exactly, or None if it recurs."""
    d = value.denominator
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        return None
    return max(twos, fives)


def format_exact(value: Fraction | int) -> str:
    """Write a vote quantity exactly: a decimal string if it terminates, else ``"p/q"``.

    >>> format_exact(Fraction(1089, 50))
    '21.78'
    >>> format_exact(Fraction(1, 3))
    '1/3'
    """
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    places = _terminating_places(value)
    if places is None:
        return f"{value.numerator}/{value.denominator}"
    return format_fixed(value, places)


def format_fixed(value: Fraction | int, places: int) -> str:
    """Write ``value`` with exactly ``places`` decimals, truncating (for display only)."""
    value = Fraction(value)
    scale = 10**places
    scaled = abs(value.numerator) * scale // value.denominator
    sign = "-" if value < 0 and scaled else ""
    whole, frac = divmod(scaled, scale)
    if places == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{frac:0{places}d}"


def parse_exact(text: str | int) -> Fraction:
    """Read a quantity written by :func:`format_exact` (or any decimal) back exactly."""
    if isinstance(text, int):
        return Fraction(text)
    s = text.strip()
    try:
        if "/" in s:
            num, den = s.split("/", 1)
            return Fraction(int(num), int(den))
        return Fraction(Decimal(s))
    except (ValueError, ZeroDivisionError, InvalidOperation) as exc:
        raise RuleConfigError(f"not an exact number: {text!r}") from exc
