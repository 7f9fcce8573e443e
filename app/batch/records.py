"""What a batch remembers about each item: its result, the fingerprint of what produced it, and
the sidecar file that marks an item's outputs as finished.

An item's fingerprint hashes the input bytes with every setting that changes the output (model,
structured mode, max revisions, designcrew and knowledge-base versions). The sidecar
`<item>/.designcrew-batch.json` is written last and atomically, so its presence with the same
fingerprint means design.md/html/json are complete and current: the item is skipped next time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from agents import __version__
from agents.artefacts import DesignDoc
from agents.kb import default_kb
from agents.settings import Settings

Status = Literal["done", "failed", "incomplete", "not_run"]
STATUSES: tuple[Status, ...] = ("done", "failed", "incomplete", "not_run")
SIDECAR_NAME = ".designcrew-batch.json"
CHECKPOINT_DIR = ".run"
SIDECAR_VERSION = 1


@dataclass
class ItemResult:
    """One row of the batch summary (and of index.md / index.html)."""

    name: str
    source: str
    status: Status
    reason: str = ""
    reused: bool = False  # finished by an earlier run; skipped this time
    resumed: bool = False  # continued from the checkpoint of an interrupted run
    system: str = ""
    components: int = 0
    monthly_usd: float | None = None
    budget_monthly_usd: float | None = None
    verdict: str = ""
    tokens: int = 0
    usd: float = 0.0
    seconds: float = 0.0
    run_id: str = ""
    fingerprint: str = ""
    outputs: dict[str, str] = field(default_factory=dict)  # kind -> path relative to out dir

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ItemResult:
        """Back from `to_json` (unknown keys ignored, so older summaries still load)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("status") not in STATUSES:
            values["status"] = "failed"
        return cls(**values)


def result_from_doc(
    doc: DesignDoc,
    *,
    name: str,
    source: str,
    seconds: float,
    fingerprint: str,
    outputs: dict[str, str],
) -> ItemResult:
    """The summary row of a finished design."""
    review = doc.review
    roles = doc.stats.roles
    return ItemResult(
        name=name,
        source=source,
        status="done" if doc.complete else "incomplete",
        reason="" if doc.complete else " ".join(doc.incomplete_reason.split()),
        system=doc.scope.system_name,
        components=len(doc.architecture.components),
        monthly_usd=doc.cost.total_monthly_usd,
        budget_monthly_usd=doc.cost.budget_monthly_usd,
        verdict=review.verdict if review is not None else "",
        tokens=sum(r.prompt_tokens + r.completion_tokens for r in roles),
        usd=sum(r.usd for r in roles),
        seconds=seconds,
        run_id=doc.stats.run_id,
        fingerprint=fingerprint,
        outputs=outputs,
    )


def output_key(settings: Settings) -> dict[str, Any]:
    """The settings that change what a design contains (what a rerun must match to skip)."""
    kb = default_kb(settings.kb_dirs)
    model: dict[str, Any] | None = None
    if settings.model is not None:
        config = settings.model
        model = {
            name: str(getattr(config, name))
            for name in (
                "model",
                "base_url",
                "structured_mode",
                "temperature",
                "max_repairs",
                "max_completion_tokens",
            )
            if getattr(config, name, None) is not None
        }
    return {
        "designcrew": __version__,
        "kb": dict(sorted(kb.versions.items())),
        "kb_dirs": [str(Path(d).resolve()) for d in settings.kb_dirs],
        "model": model,
        "max_revisions": settings.max_revisions,
        # a row's own spend cap can cut a model run short; offline it changes nothing
        "item_budget_usd": settings.budget_usd if settings.model is not None else None,
    }


def fingerprint(input_bytes: bytes, key: dict[str, Any], title: str | None = None) -> str:
    """sha256 of the input and the output-affecting settings (hex)."""
    digest = hashlib.sha256()
    digest.update(json.dumps({"key": key, "title": title}, sort_keys=True).encode("utf-8"))
    digest.update(b"\x00")
    digest.update(input_bytes)
    return digest.hexdigest()


def run_id_for(fingerprint_hex: str) -> str:
    """The deterministic run id of an item (same input + settings => same checkpoint thread)."""
    return f"batch-{fingerprint_hex[:20]}"


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON to `path` via a temporary file and a rename (never a half-written file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write text to `path` via a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_sidecar(item_dir: Path, result: ItemResult) -> None:
    """Mark the item finished (call after every output file is written)."""
    payload = {"version": SIDECAR_VERSION, "result": result.to_json()}
    write_json_atomic(item_dir / SIDECAR_NAME, payload)


def read_sidecar(item_dir: Path) -> ItemResult | None:
    """The finished result recorded in `item_dir`, or None (missing, unreadable, other version)."""
    try:
        data = json.loads((item_dir / SIDECAR_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != SIDECAR_VERSION:
        return None
    raw = data.get("result")
    return ItemResult.from_json(raw) if isinstance(raw, dict) else None


def finished_result(item_dir: Path, fingerprint_hex: str) -> ItemResult | None:
    """The earlier result if the item is done for this exact fingerprint and its files exist."""
    result = read_sidecar(item_dir)
    if result is None or result.status != "done" or result.fingerprint != fingerprint_hex:
        return None
    root = item_dir.parent
    if not all((root / rel).is_file() for rel in result.outputs.values()):
        return None
    return result


def clear_sidecar(item_dir: Path) -> None:
    """Forget that the item was finished (before it is redone)."""
    with contextlib.suppress(FileNotFoundError):
        (item_dir / SIDECAR_NAME).unlink()
