"""``java.util.Random``, bit for bit, so that RCTab's seeded tie-breaks can be replayed.

RCTab draws its random tie-breaks (``tiebreakMode`` = ``random``,
``previousRoundCountsThenRandom``) with ``new java.util.Random(randomSeed)`` and
``nextDouble()``, and generates its tie-breaking permutation
(``generatePermutation``) with ``Collections.shuffle(list, random)``. This module
implements the generator exactly as the Java SE API specification publishes it
(class ``java.util.Random``: a 48-bit linear congruential generator with
multiplier ``0x5DEECE66D`` and addend ``0xB``; ``next(bits)``, ``nextInt``,
``nextInt(bound)``, ``nextLong``, ``nextBoolean``, ``nextDouble``) and
``java.util.Collections.shuffle`` (swap ``i-1`` with ``nextInt(i)`` for ``i`` from
the size down to 2).

>>> r = JavaRandom(0)
>>> r.next_int()
-1155484576
>>> JavaRandom(42).next_int(10)
0
"""

from __future__ import annotations

from collections.abc import MutableSequence
from typing import TypeVar

__all__ = ["JavaRandom", "java_shuffle"]

_MULTIPLIER = 0x5DEECE66D
_ADDEND = 0xB
_MASK = (1 << 48) - 1

T = TypeVar("T")


def _to_int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def _to_int64(value: int) -> int:
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


class JavaRandom:
    """A ``java.util.Random`` seeded with a Java ``long``."""

    def __init__(self, seed: int) -> None:
        self._seed = (_to_int64(seed) ^ _MULTIPLIER) & _MASK

    def next_bits(self, bits: int) -> int:
        """``protected int next(int bits)``: the next ``bits`` pseudorandom bits (signed int)."""
        self._seed = (self._seed * _MULTIPLIER + _ADDEND) & _MASK
        return _to_int32(self._seed >> (48 - bits))

    def next_int(self, bound: int | None = None) -> int:
        """``nextInt()`` or ``nextInt(bound)`` (uniform in ``[0, bound)``)."""
        if bound is None:
            return self.next_bits(32)
        if bound <= 0:
            raise ValueError("bound must be positive")
        if bound & -bound == bound:  # a power of two
            return _to_int32((bound * self.next_bits(31)) >> 31)
        while True:
            bits = self.next_bits(31)
            val = bits % bound
            if _to_int32(bits - val + (bound - 1)) >= 0:
                return val

    def next_long(self) -> int:
        return _to_int64((self.next_bits(32) << 32) + self.next_bits(32))

    def next_boolean(self) -> bool:
        return self.next_bits(1) != 0

    def next_double_parts(self) -> tuple[int, int]:
        """The 53-bit integer ``k`` of ``nextDouble() == k / 2**53`` (exact, no float)."""
        k = (self.next_bits(26) << 27) + self.next_bits(27)
        return k, 1 << 53

    def next_double(self) -> float:
        """``nextDouble()``; tallyroom uses :meth:`next_double_parts` for exact decisions."""
        k, scale = self.next_double_parts()
        return k / scale


def java_shuffle(items: MutableSequence[T], rnd: JavaRandom) -> None:
    """``java.util.Collections.shuffle(list, rnd)``, in place."""
    for i in range(len(items), 1, -1):
        j = rnd.next_int(i)
        items[i - 1], items[j] = items[j], items[i - 1]
