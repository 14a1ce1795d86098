"""Option groups shared by several commands (decorator factories)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["ballot_options", "parse_key_values", "rules_options"]


def ballot_options(f: F) -> F:
    """Options that say how to read ballot files."""
    f = click.option(
        "--candidates",
        "candidates_file",
        type=click.Path(dir_okay=False),
        help="Candidates file (CSV: name, party, ballot_position): fixes order and parties.",
    )(f)
    f = click.option(
        "--ballot-format",
        help="Ballot file format (see `tallyroom formats`); detected when omitted.",
    )(f)
    f = click.option(
        "--read-option",
        "read_options",
        multiple=True,
        metavar="KEY=VALUE",
        help="Option for the ballot reader (VALUE as JSON, else text). Repeatable.",
    )(f)
    return f


def rules_options(f: F) -> F:
    """Options that choose the rules of a count."""
    f = click.option(
        "--tie-decision",
        "tie_decisions",
        multiple=True,
        metavar="TIED=CHOSEN",
        help="The returning officer's decision of a lot, e.g. 'Ash,Birch=Birch'. Repeatable.",
    )(f)
    f = click.option("--tie-seed", help="Seed for recorded, replayable draws by lot.")(f)
    f = click.option(
        "--rules",
        "rules_file",
        type=click.Path(dir_okay=False),
        help="Rules file (TOML or JSON) with the method's options.",
    )(f)
    f = click.option(
        "--seats",
        type=click.IntRange(min=1),
        help="Number of seats (default: from the file, else 1).",
    )(f)
    return f


def parse_key_values(pairs: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE")
        key, value = pair.split("=", 1)
        try:
            out[key.strip()] = json.loads(value)
        except ValueError:
            out[key.strip()] = value
    return out
