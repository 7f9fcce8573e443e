"""A disk cache of validated model replies, keyed by everything that shapes the reply — except
the API key, which never reaches the disk."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any

import diskcache
from pydantic import ValidationError

from ._types import Message, T

CACHE_FORMAT = 1  # bump to invalidate every stored reply


def reply_cache_key(
    *,
    model: str,
    base_url: str | None,
    messages: list[Message],
    schema: dict[str, Any],
    temperature: float | None,
    max_completion_tokens: int,
    mode: str,
) -> str:
    """sha256 over model, endpoint, messages, output schema and sampling parameters."""
    material = {
        "format": CACHE_FORMAT,
        "model": model,
        "base_url": base_url or "",
        "messages": messages,
        "schema": schema,
        "temperature": temperature,
        "max_completion_tokens": max_completion_tokens,
        "mode": mode,
    }
    blob = json.dumps(material, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


class ReplyCache:
    """Validated replies on disk (diskcache); `enabled=False` is `--no-cache`. Thread-safe."""

    def __init__(self, directory: Path | None, *, enabled: bool = True) -> None:
        self.directory = directory
        self.enabled = enabled and directory is not None
        self.hits = 0
        self.misses = 0
        self._store: diskcache.Cache | None = None
        self._lock = threading.Lock()

    def _open(self) -> diskcache.Cache:
        with self._lock:
            if self._store is None:
                assert self.directory is not None
                self.directory.mkdir(parents=True, exist_ok=True)
                self._store = diskcache.Cache(str(self.directory))
            return self._store

    def get(self, key: str, output_type: type[T]) -> T | None:
        """The stored reply for `key`, validated as `output_type` (a hit), or None (a miss).

        An entry that no longer validates (the artefact changed) is dropped.
        """
        if not self.enabled:
            return None
        store = self._open()
        entry = store.get(key)
        output: T | None = None
        if isinstance(entry, dict) and isinstance(entry.get("output"), str):
            try:
                output = output_type.model_validate_json(entry["output"])
            except ValidationError:
                store.delete(key)
        with self._lock:
            if output is None:
                self.misses += 1
            else:
                self.hits += 1
        return output

    def put(
        self, key: str, output_json: str, *, prompt_tokens: int, completion_tokens: int
    ) -> None:
        """Store a validated reply (its JSON) and the tokens it took to get it."""
        if not self.enabled:
            return
        entry = {
            "output": output_json,
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
        }
        self._open().set(key, entry)

    def close(self) -> None:
        """Close the underlying database files."""
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
