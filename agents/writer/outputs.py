"""The JSON bundle and writing the three files (design.md, design.html, design.json) atomically."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from agents.artefacts import DesignDoc
from agents.errors import ConfigError

from .html import render_html
from .markdown import render_markdown

OUTPUT_NAMES = {"md": "design.md", "html": "design.html", "json": "design.json"}


def render_json(doc: DesignDoc) -> str:
    """Every artefact as JSON; `DesignDoc.model_validate_json` loads it back."""
    return doc.model_dump_json(indent=2) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file in the same directory, then rename over the target, so a
    reader never sees half a file and a crash never leaves one behind."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        # Mode "x" creates the file with the usual permissions (umask), unlike mkstemp's 0600.
        with open(tmp, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_outputs(doc: DesignDoc, out_dir: Path) -> dict[str, Path]:
    """Write design.md, design.html and design.json into `out_dir` (created if missing).

    Returns {"md": path, "html": path, "json": path}. Everything is rendered before anything is
    written, so a rendering failure leaves any earlier outputs untouched.
    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create output directory {out_dir}: {exc.strerror}") from exc
    if not out_dir.is_dir():
        raise ConfigError(f"output path {out_dir} is not a directory")
    texts = {"md": render_markdown(doc), "html": render_html(doc), "json": render_json(doc)}
    paths: dict[str, Path] = {}
    for key, text in texts.items():
        path = out_dir / OUTPUT_NAMES[key]
        try:
            _write_atomic(path, text)
        except OSError as exc:
            raise ConfigError(f"cannot write {path}: {exc.strerror}") from exc
        paths[key] = path
    return paths
