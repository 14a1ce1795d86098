"""``tallyroom methods`` and ``tallyroom formats``: what this installation can do."""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from typing import Any

import click

from ..registry import formats, methods, reports
from ..rules import rules_to_mapping


def _option_values(rules_class: type) -> list[tuple[str, str]]:
    import typing

    out = []
    hints = typing.get_type_hints(rules_class)
    for f in dataclasses.fields(rules_class):
        tp = hints[f.name]
        if isinstance(tp, type) and issubclass(tp, Enum):
            out.append((f.name, " | ".join(str(m.value) for m in tp)))
        else:
            out.append((f.name, getattr(tp, "__name__", str(tp))))
    return out


@click.command(name="methods")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def methods_command(as_json: bool) -> None:
    """List counting methods, presets and their rule options."""
    table = methods_table()
    if as_json:
        click.echo(json.dumps(table, indent=2))
        return
    for m in table:
        preset = f" (preset of {m['preset_of']})" if m["preset_of"] else ""
        click.echo(f"{m['name']}{preset}: {m['title']}")
        click.echo(f"    {m['summary']}")
        if m["source"]:
            click.echo(f"    source: {m['source']}")
        for name, values in m["options"]:
            click.echo(f"    {name}: {values} (default {json.dumps(m['defaults'].get(name))})")
        click.echo("")


def methods_table() -> list[dict[str, Any]]:
    return [
        {
            "name": spec.name,
            "title": spec.title,
            "summary": spec.summary,
            "source": spec.source,
            "multi_seat": spec.multi_seat,
            "preset_of": spec.preset_of,
            "options": _option_values(spec.rules_class),
            "defaults": rules_to_mapping(spec.default_rules),
        }
        for spec in methods().values()
    ]


@click.command(name="formats")
def formats_() -> None:
    """List ballot file formats (with their read options) and report formats."""
    click.echo("Ballot file formats:")
    for spec in formats().values():
        rw = "read/write" if spec.write else "read"
        exts = f", {', '.join(spec.extensions)}" if spec.extensions else ""
        click.echo(f"  {spec.name} ({rw}{exts}): {spec.title}")
        for k, v in spec.options.items():
            click.echo(f"      {k}: {v}")
    click.echo("")
    click.echo("Report formats:")
    for r in reports().values():
        click.echo(f"  {r.name}: {r.title}")
