"""Single transferable vote: one module per rule set on shared machinery.

* :mod:`.scottish` (``scottish-stv``), :mod:`.northern_ireland` (``ni-stv``),
  :mod:`.ers97` (``ers97``), :mod:`.wigm` (``wigm``): the Gregory family in
  :mod:`._gregory` (fixed-point transfer values as scaled integers);
* :mod:`.irish` (``irish-stv``) and :mod:`.cambridge` (``cambridge``): whole
  papers in counting order;
* :mod:`.aec_senate` (``aec-senate``): unweighted inclusive Gregory, integer votes;
* :mod:`.meek` (``meek-nz``): Meek's method, New Zealand Schedule 1A.

Shared pieces: :mod:`._papers` (piles of papers), :mod:`._log` (the round log),
:mod:`._options` (option enums, quota).
"""

from __future__ import annotations

import importlib

from ...registry import MethodSpec

__all__ = ["RULE_SET_MODULES", "register_counting_methods"]

#: The rule-set modules, in the order they are listed to users.
RULE_SET_MODULES: tuple[str, ...] = (
    "scottish",
    "northern_ireland",
    "irish",
    "ers97",
    "meek",
    "aec_senate",
    "cambridge",
    "wigm",
)


def register_counting_methods() -> list[MethodSpec]:
    """Every STV rule set, one :class:`MethodSpec` (preset) each."""
    specs: list[MethodSpec] = []
    for name in RULE_SET_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        specs.extend(module.register_counting_methods())
    return specs
