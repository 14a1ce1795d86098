"""java.util.Random reproduced bit for bit (values printed by a JVM, widely published)."""

from __future__ import annotations

from tallyroom.rctab.javaorder import hash_order, java_string_hash
from tallyroom.rctab.javarandom import JavaRandom, java_shuffle


def test_next_int_matches_java() -> None:
    assert JavaRandom(0).next_int() == -1155484576
    assert JavaRandom(42).next_int() == -1170105035


def test_next_long_and_double_match_java() -> None:
    assert JavaRandom(0).next_long() == -4962768465676381896
    assert JavaRandom(0).next_double() == 0.730967787376657
    k, scale = JavaRandom(0).next_double_parts()
    assert k / scale == 0.730967787376657


def test_bounded_ints_are_in_range_and_seeded() -> None:
    a = [JavaRandom(7).next_int(6) for _ in range(3)]
    r1, r2 = JavaRandom(123), JavaRandom(123)
    assert [r1.next_int(37) for _ in range(50)] == [r2.next_int(37) for _ in range(50)]
    assert all(0 <= x < 6 for x in a)
    assert all(0 <= JavaRandom(5).next_int(16) < 16 for _ in range(5))


def test_shuffle_is_a_permutation_and_deterministic() -> None:
    items = list("ABCDEFG")
    one, two = list(items), list(items)
    java_shuffle(one, JavaRandom(9))
    java_shuffle(two, JavaRandom(9))
    assert one == two and sorted(one) == items


def test_string_hash_and_hash_order() -> None:
    assert java_string_hash("hello") == 99162322
    assert java_string_hash("") == 0
    names = ["Alice", "Bob", "Carol"]
    assert sorted(hash_order(names)) == sorted(names)
    assert (
        hash_order(names) == hash_order(list(reversed(names)))
        or len(set(java_string_hash(n) & 15 for n in names)) < 3
    )
