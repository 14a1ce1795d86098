"""docs/methods/stv.md documents every STV method and every option of its rules."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tallyroom.registry import methods

DOC = (Path(__file__).resolve().parents[2] / "docs" / "methods" / "stv.md").read_text()


def test_every_stv_method_and_option_is_documented() -> None:
    stv = {
        n: s for n, s in methods().items() if s.count.__module__.startswith("tallyroom.methods.stv")
    }
    assert len(stv) == 8
    for name, spec in stv.items():
        assert f"`{name}`" in DOC, name
        assert spec.title and spec.summary and spec.source, name
        for f in dataclasses.fields(spec.rules_class):
            assert f"`{f.name}" in DOC, (name, f.name)
