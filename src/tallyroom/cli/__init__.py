"""The ``tallyroom`` command line. Thin: parse, call one library function, render.

Each command lives in its own module here and is listed in :data:`COMMANDS`.
Library errors (:class:`~tallyroom.errors.TallyroomError`) become a one-line
message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from .. import __version__
from ..errors import TallyroomError, TieDecisionRequired

__all__ = ["COMMANDS", "main"]

#: ``module:attribute`` of each command, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "tallyroom.cli.count_cmd:count",
    "tallyroom.cli.rctab_cmd:rctab",
    "tallyroom.cli.info_cmd:methods_command",
    "tallyroom.cli.info_cmd:formats_",
    "tallyroom.cli.report_cmd:report",
    "tallyroom.cli.verify_cmd:verify",
    "tallyroom.cli.compare_cmd:compare",
    "tallyroom.cli.compare_cmd:margins",
    "tallyroom.cli.batch_cmd:batch",
    "tallyroom.cli.serve_cmd:serve",
    "tallyroom.cli.admin_cmd:admin",
)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TieDecisionRequired as exc:
            raise click.ClickException(str(exc)) from None
        except TallyroomError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tallyroom")
def main() -> None:
    """Count elections exactly as the law says, from real ballot files.

    Start with `tallyroom methods` and `tallyroom count --help`.
    """


for _entry in COMMANDS:
    _module, _attr = _entry.split(":")
    main.add_command(getattr(importlib.import_module(_module), _attr))
