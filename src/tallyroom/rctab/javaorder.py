"""The iteration order of Java's ``HashMap``/``HashSet`` of strings.

RCTab keeps candidates in ``HashMap``s and ``HashSet``s, so the order in which
it lists candidates with equal standing (candidates eliminated in the same
round, round-1 ties in the CSV report, the contenders of a random tie-break
after comparing earlier rounds) is Java's hash iteration order. To write the
same reports, tallyroom computes that order from Java's published algorithms:
``String.hashCode()`` (``s[0]*31^(n-1) + … + s[n-1]`` over UTF-16 code units, 32-bit),
``HashMap.hash`` (``h ^ (h >>> 16)``), a power-of-two table (16 by default,
doubled when the size exceeds 3/4 of it) and buckets iterated in index order,
entries of one bucket in insertion order.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["hash_order", "java_string_hash", "set_copy_capacity"]


def java_string_hash(s: str) -> int:
    """``String.hashCode()`` as an unsigned 32-bit value."""
    h = 0
    data = s.encode("utf-16-be")
    for i in range(0, len(data), 2):
        h = (31 * h + (data[i] << 8 | data[i + 1])) & 0xFFFFFFFF
    return h


def _table_size_for(cap: int) -> int:
    n = 1
    while n < cap:
        n <<= 1
    return n


def _grown_capacity(size: int) -> int:
    cap = 16
    while size > cap * 3 // 4:
        cap *= 2
    return cap


def set_copy_capacity(size: int) -> int:
    """Table size of ``new HashSet<>(collection)`` of ``size`` elements."""
    return _table_size_for(max(int(size / 0.75) + 1, 16))


def hash_order(names: Iterable[str], capacity: int | None = None) -> list[str]:
    """Iteration order of a HashMap/HashSet into which ``names`` were put in this order."""
    items = list(dict.fromkeys(names))
    cap = capacity if capacity is not None else _grown_capacity(len(items))
    cap = max(cap, _grown_capacity(len(items)))

    def bucket(name: str) -> int:
        h = java_string_hash(name)
        return (h ^ (h >> 16)) & (cap - 1)

    return sorted(items, key=bucket)  # stable: insertion order within a bucket
