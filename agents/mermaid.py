"""Mermaid source -> safe inline SVG, and Mermaid validation. The only module importing mermaidx.

Two renderers, both reached through mermaidx:

* **mermaid.js in QuickJS** (always there): the renderer GitHub uses, so it is the judge of
  what parses (`validate`). It is slow: QuickJS has no JIT, so a 20-component flowchart takes
  2-3 s of CPU and an erDiagram with a dozen entities 5-8 s (each attribute row costs ~80 ms).
  Loading mermaid.js into a fresh context costs another 0.4-0.7 s, and stock mermaidx builds a
  fresh context for *every* render (so mermaid's id counters restart at zero, as on a page
  load). We keep one context for up to `_RENDERS_PER_CONTEXT` renders instead - mermaid clears
  its diagram state per render; only counters continue (`actor3` for `actor1`), harmless since
  every id is namespaced per diagram below - and rebuild it after any failure. `validate` only
  runs `mermaid.parse` in that context: 0.03-0.1 s for a sequence or ER diagram, ~0.3-0.9 s for
  a large flowchart, instead of a full render.
* **merman** (Rust, from the optional `mmdr` package): renders the same diagrams in 10-200 ms,
  with a layout close to mermaid.js's. When installed it draws the HTML diagrams; a source it
  rejects falls back to mermaid.js, which either renders it or raises MermaidSyntaxError.
  Set DESIGNCREW_MERMAID_RENDERER=mermaid-js to always draw with mermaid.js.

Every SVG is sanitised: no <script>, no event-handler attributes, no links or `url()`s that leave
the document, and every id prefixed per diagram so that several diagrams inlined into one HTML
page cannot collide (their CSS is scoped by the svg's id).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections import OrderedDict
from typing import Any

from agents.errors import DesignCrewError

_RENDERS_PER_CONTEXT = 25  # bound memory growth of a long-lived context
_PARSE_STEP_LIMIT = 10_000  # promise jobs and timers one parse may run before it is stuck
_CACHE_SIZE = 256
_SVG_NAMESPACES = (
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/XML/1998/namespace",
)


class MermaidSyntaxError(DesignCrewError):
    """A Mermaid diagram source does not parse (or mermaid.js failed to lay it out)."""


class _MermaidJs:
    """mermaid.js in one lazily started QuickJS engine whose context survives renders."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engine: Any = None
        self.reusing = False  # False when mermaidx's internals changed and we fell back

    def start(self) -> Any:
        with self._lock:
            if self._engine is None:
                self._engine = _make_engine()
                self.reusing = self._engine is not None
                if self._engine is not None:
                    import atexit

                    self._engine.start()
                    atexit.register(self._engine.close)
            return self._engine

    def render(self, source: str) -> str:
        engine = self.start()
        if engine is None:
            import mermaidx

            return str(mermaidx.render(source).svg())
        return str(engine.render_svg(source, "default", None, None))

    def parse(self, source: str) -> None:
        """Raise RuntimeError with mermaid's message unless `source` parses."""
        engine = self.start()
        if engine is None:
            self.render(source)  # no parse-only path without the engine's internals
            return
        engine.parse(source)


def _make_engine() -> Any:
    """A QuickJS engine whose context survives renders, or None if mermaidx has changed shape."""
    try:
        from mermaidx.engines.quickjs_engine import Engine
    except ImportError:
        return None
    needed = ("_build_context", "_render_svg_sync", "_ensure_fresh_context", "_run_job")
    if not all(hasattr(Engine, name) for name in needed):
        return None

    class ReusingEngine(Engine):
        """Keeps mermaid.js loaded between renders; rebuilds after N renders or any failure."""

        _ctx: Any
        _executor: Any

        def __init__(self) -> None:
            super().__init__()
            self._renders_in_context = 0

        def _ensure_fresh_context(self) -> None:
            if self._ctx is None or self._renders_in_context >= _RENDERS_PER_CONTEXT:
                self._ctx = self._build_context()
                self._renders_in_context = 0

        def _render_svg_sync(self, code: str, theme: str, config: Any, css: Any) -> str:
            self._ensure_fresh_context()
            self._renders_in_context += 1
            try:
                return str(super()._render_svg_sync(code, theme, config, css))
            except BaseException:
                self._renders_in_context = _RENDERS_PER_CONTEXT  # rebuild before the next one
                raise

        def _parse_sync(self, code: str) -> str | None:
            """mermaid.parse, then the page's event loop until it settles (engine thread only)."""
            self._ensure_fresh_context()
            self._renders_in_context += 1
            ctx = self._ctx
            ctx.eval(
                "globalThis.__dcParsed = false; globalThis.__dcParseError = null;"
                f"mermaid.parse({json.dumps(code)})"
                ".then(() => { globalThis.__dcParsed = true; })"
                ".catch((e) => { globalThis.__dcParseError = String((e && e.message) || e);"
                " globalThis.__dcParsed = true; });"
            )
            for _ in range(_PARSE_STEP_LIMIT):
                if ctx.eval("globalThis.__dcParsed"):
                    break
                if not self._run_job() and not ctx.eval("__runNextTimer()"):
                    break
            error = ctx.eval("__flat(globalThis.__dcParseError)")
            if error or not ctx.eval("globalThis.__dcParsed"):
                self._renders_in_context = _RENDERS_PER_CONTEXT  # a fresh context next time
                return str(error or "mermaid.parse did not finish")
            return None

        def parse(self, code: str) -> None:
            error = self._executor.submit(self._parse_sync, code).result()
            if error:
                raise RuntimeError(error)

    return ReusingEngine()


def _merman_svg(source: str) -> str | None:
    """The SVG from merman, or None when it is not installed, not wanted, or rejects `source`."""
    if os.environ.get("DESIGNCREW_MERMAID_RENDERER", "auto").lower() in ("mermaid-js", "quickjs"):
        return None
    try:
        import mermaidx

        return str(mermaidx.render(source, backend="merman").svg())
    except Exception:  # not installed, or a source merman cannot draw: mermaid.js decides
        return None


_mermaid_js = _MermaidJs()
_cache: OrderedDict[str, str] = OrderedDict()
_parsed: set[str] = set()
_cache_lock = threading.Lock()


def _parse_error_line(message: str) -> str:
    """The first line of mermaid's error, plus the 'got X' tail that says what it tripped on."""
    text = message.replace("Mermaid rendering failed:", "").strip()
    text = re.sub(r"^Error:\s*", "", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "unknown Mermaid error"
    first = lines[0]
    got = re.search(r"got '([^']*)'", text)
    if got and len(lines) > 1:
        first = f"{first} unexpected {got.group(1)}"
    return first[:300]


def _normal(source: str) -> str:
    return source.rstrip() + "\n"  # trailing whitespace never changes a diagram


def render_svg(source: str) -> str:
    """Render Mermaid `source` to a sanitised, self-contained SVG string (cached by source).

    Raises MermaidSyntaxError with the first line of mermaid's parse error when it does not parse.
    """
    source = _normal(source)
    with _cache_lock:
        if source in _cache:
            _cache.move_to_end(source)
            return _cache[source]
    raw = _merman_svg(source)
    if raw is None:
        try:
            raw = _mermaid_js.render(source)
        except RuntimeError as exc:  # mermaidx.MermaidRenderError is a RuntimeError
            raise MermaidSyntaxError(_parse_error_line(str(exc))) from exc
    svg = sanitize_svg(raw, prefix="mmd-" + hashlib.sha1(source.encode()).hexdigest()[:10])
    with _cache_lock:
        _cache[source] = svg
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return svg


def validate(source: str) -> None:
    """Raise MermaidSyntaxError unless mermaid.js (GitHub's renderer) parses `source`."""
    source = _normal(source)
    with _cache_lock:
        if source in _parsed:
            return
    try:
        _mermaid_js.parse(source)
    except RuntimeError as exc:
        raise MermaidSyntaxError(_parse_error_line(str(exc))) from exc
    with _cache_lock:
        _parsed.add(source)
        if len(_parsed) > 4 * _CACHE_SIZE:
            _parsed.clear()  # a cheap bound; re-parsing is fast


def check_syntax(source: str) -> None:
    """The same as `validate`: mermaid.js's own parser, without laying the diagram out."""
    validate(source)


def warm_up() -> None:
    """Start mermaid.js (load it into QuickJS) in the background; safe to call repeatedly."""
    threading.Thread(target=_mermaid_js.start, name="mermaid-warm-up", daemon=True).start()


def engine_reuses_context() -> bool:
    """Whether mermaid.js renders share one JS context (False if mermaidx changed shape)."""
    _mermaid_js.start()
    return _mermaid_js.reusing


def fast_renderer_available() -> bool:
    """Whether merman (the `mmdr` package) is installed and enabled for drawing diagrams."""
    return _merman_svg("flowchart LR\n  a --> b\n") is not None


# --- SVG sanitising -------------------------------------------------------------------------

_SCRIPT_RE = re.compile(r"<script\b.*?(?:</script\s*>|/>)", re.IGNORECASE | re.DOTALL)
_EVENT_ATTR_RE = re.compile(r"\s+on[a-z]+\s*=\s*(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
_HREF_RE = re.compile(r"\s+(?:(?:xlink:)?href|src)\s*=\s*(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
_URL_RE = re.compile(r"url\(\s*(['\"]?)([^)'\"]*)\1\s*\)", re.IGNORECASE)
_IMPORT_RE = re.compile(r"@import[^;]*;?", re.IGNORECASE)
_ID_RE = re.compile(r"\bid=\"([^\"]+)\"")
_HEX_COLOUR_RE = re.compile(r"[0-9a-fA-F]{3,8}")
_EXTERNAL_RE = re.compile(r"(?:https?:)?//[^\s\"')<>]+", re.IGNORECASE)


def _strip_external_href(match: re.Match[str]) -> str:
    value = match.group(1)[1:-1].strip()
    return match.group(0) if value.startswith("#") else ""


def _strip_external_url(match: re.Match[str]) -> str:
    return match.group(0) if match.group(2).strip().startswith("#") else "none"


def sanitize_svg(svg: str, prefix: str) -> str:
    """Remove scripts, handlers and external references; namespace every id with `prefix`.

    Raises MermaidSyntaxError if the result would still reference anything outside the document.
    """
    svg = _SCRIPT_RE.sub("", svg)
    svg = _EVENT_ATTR_RE.sub("", svg)
    svg = _HREF_RE.sub(_strip_external_href, svg)
    svg = _URL_RE.sub(_strip_external_url, svg)
    svg = _IMPORT_RE.sub("", svg)
    svg = _namespace_ids(svg, prefix)
    leftovers = _external_references(svg)
    if leftovers:
        raise MermaidSyntaxError(f"rendered SVG references external resources: {leftovers[:3]}")
    return svg


def _namespace_ids(svg: str, prefix: str) -> str:
    """Prefix every id and every reference to it (url(#x), href="#x", CSS #x)."""
    # An id that reads like a hex colour is left alone: renaming `#fff` would repaint the CSS.
    found = {i for i in _ID_RE.findall(svg) if not _HEX_COLOUR_RE.fullmatch(i)}
    ids = sorted(found, key=len, reverse=True)
    if not ids:
        return svg
    alternatives = "|".join(re.escape(i) for i in ids)
    # An id used as an attribute value, as a fragment reference or as a CSS id selector; the
    # lookarounds keep `my-svg` from matching inside `my-svg-flowchart-a-0` or a colour like #333.
    svg = re.sub(rf'\bid="({alternatives})"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    return re.sub(
        rf"#({alternatives})(?![\w-])",
        lambda m: f"#{prefix}-{m.group(1)}",
        svg,
    )


def _external_references(svg: str) -> list[str]:
    """URLs in attributes or CSS that are not XML namespaces (label *text* may mention URLs)."""
    found: list[str] = []
    for tag in re.findall(r"<[^>]+>", svg):
        if tag.lower().startswith("<style"):
            continue
        for url in _EXTERNAL_RE.findall(tag):
            if not url.startswith(_SVG_NAMESPACES):
                found.append(url)
    for style in re.findall(r"<style[^>]*>(.*?)</style>", svg, re.DOTALL | re.IGNORECASE):
        for target in _URL_RE.findall(style):
            if not target[1].startswith("#"):
                found.append(target[1])
    return found
