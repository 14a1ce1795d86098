"""Rendering Vega-Lite specs without a browser, and the script that draws them in one.

:func:`to_svg` and :func:`to_png` use ``vl-convert`` (the ``charts`` extra);
:func:`javascript_bundle` is the Vega / Vega-Lite / Vega-Embed bundle ``vl-convert``
ships, inlined by the HTML report so it works offline.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
from pathlib import Path
from typing import Any

from ..errors import ReportError
from .chart_style import Spec

__all__ = ["javascript_bundle", "to_png", "to_svg"]


def _vl() -> Any:
    try:
        import vl_convert
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ReportError(
            "charts need the 'charts' extra: pip install 'tallyroom[charts]'"
        ) from exc
    return vl_convert


_SVG_IDS = re.compile(r"\b(gradient_|clip|pattern_|marker_)(\d+)\b")


def _stable_ids(svg: str) -> str:
    """Renumber the ids Vega draws from a process-wide counter (gradients, clip paths)
    in order of appearance, so the same chart gives the same bytes in any process."""
    mapping: dict[str, str] = {}

    def sub(m: re.Match[str]) -> str:
        key = m.group(0)
        if key not in mapping:
            mapping[key] = f"{m.group(1)}{len(mapping) + 1}"
        return mapping[key]

    return _SVG_IDS.sub(sub, svg)


def to_svg(spec: Spec) -> str:
    """Render a spec to SVG text (no browser); ids are renumbered to be deterministic."""
    svg: str = _vl().vegalite_to_svg(spec)
    return _stable_ids(svg)


def to_png(spec: Spec, *, scale: float = 2.0) -> bytes:
    """Render a spec to PNG bytes (``scale`` 2 = print quality)."""
    png: bytes = _vl().vegalite_to_png(spec, scale=scale)
    return png


_BUNDLE: list[str] = []


def _cache_dir() -> Path:
    """``$TALLYROOM_CACHE_DIR``, else ``$XDG_CACHE_HOME/tallyroom``, else ``~/.cache/tallyroom``."""
    explicit = os.environ.get("TALLYROOM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tallyroom"


def javascript_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script (from vl-convert).

    Building the bundle takes seconds, so it is kept in memory and in a cache file
    named by the vl-convert version (the bundle is the same bytes for the same
    version); a cache file whose checksum does not match is rebuilt. An unwritable
    cache directory only costs time.
    """
    if _BUNDLE:
        return _BUNDLE[0]
    vl = _vl()
    try:
        version = importlib.metadata.version("vl-convert-python")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - odd installs
        version = "unknown"
    path = _cache_dir() / f"vega-embed-bundle-{version}.js"
    text: str | None = None
    try:
        stored = path.read_text(encoding="utf-8")
        body, _, digest = stored.rpartition("\n//sha256:")
        if hashlib.sha256(body.encode("utf-8")).hexdigest() == digest.strip():
            text = body
    except OSError:
        pass
    if text is None:
        text = str(vl.javascript_bundle())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(
                text + "\n//sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest() + "\n",
                encoding="utf-8",
            )
            os.replace(tmp, path)
        except OSError:
            pass
    _BUNDLE.append(text)
    return text
