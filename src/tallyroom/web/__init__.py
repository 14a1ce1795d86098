"""The tallyroom web application (FastAPI + Jinja2, SQLite or PostgreSQL).

>>> from tallyroom.web import create_app
>>> app = create_app("sqlite:///tallyroom.db", "tallyroom-files")   # doctest: +SKIP

Needs the ``web`` extra. Thin: counting happens in :mod:`tallyroom.api`.
"""

from __future__ import annotations

from .app import SETTINGS, WebSettings, create_app

__all__ = ["SETTINGS", "WebSettings", "create_app"]
