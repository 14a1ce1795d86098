"""docs/web.md documents every API route, every setting and the commands; each has help."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from fastapi.routing import APIRoute

from tallyroom.cli import main
from tallyroom.web.api_routes import router
from tallyroom.web.app import SETTINGS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "web.md").read_text(encoding="utf-8")


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_every_api_route_is_documented_with_a_docstring() -> None:
    documented = {
        _shape(p)
        for p in re.findall(
            r"`(?:GET|POST|PUT|DELETE|GET/POST|GET/PUT)[^`]*?(/api/[^\s`?\[]*)", DOC
        )
    }
    documented |= {_shape(p) for p in re.findall(r"(/api/[a-z/{}_]+)", DOC)}
    routes = [r for r in router.routes if isinstance(r, APIRoute)]
    assert len(routes) >= 20
    for route in routes:
        assert _shape(route.path) in documented, route.path
        assert route.endpoint.__doc__, route.path


def test_settings_and_commands_are_documented() -> None:
    assert "--max-upload-mb" in DOC and "--secure-cookies" in DOC and "TALLYROOM_SECRET_KEY" in DOC
    assert len(SETTINGS) == 4 and all(help_text for _, _, help_text in SETTINGS)
    for command in (["serve", "--help"], ["admin", "--help"], ["admin", "create", "--help"]):
        r = CliRunner().invoke(main, command)
        assert r.exit_code == 0 and len(r.output) > 100, command
    for text in (
        "tallyroom serve",
        "tallyroom admin create",
        "--password-stdin",
        "TALLYROOM_DATABASE_URL",
        "TALLYROOM_BLOB_DIR",
        "X-CSRF-Token",
        "postgresql://",
    ):
        assert text in DOC, text
