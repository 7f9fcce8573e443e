"""Output folder names for batch items: safe on every file system, unique, never outside the
output folder.

Names come from users (row ids, file names), so they are reduced to Unicode letters, digits,
'_' and '-': no separators, no dots (so no '..', no hidden folders and no clash with
index.md / index.html / summary.json), no control or bidi characters, no Windows device names,
and at most `MAX_NAME_BYTES` bytes of UTF-8. Duplicates (compared case-insensitively, as on
macOS and Windows) get '-2', '-3', … in input order, so the same inputs always map to the same
folders and a rerun finds its earlier outputs.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

MAX_NAME_BYTES = 80  # well under the 255-byte file-name limit, leaving room for suffixes
FALLBACK_NAME = "item"

_UNSAFE_RUN = re.compile(r"[^\w-]+")  # \w is Unicode-aware: letters, digits, '_'
_DASH_RUN = re.compile(r"-{2,}")
_SAFE_NAME = re.compile(r"[^\W_][\w-]*")  # starts with a letter or digit
_MAX_SUFFIX_BYTES = 8  # '-' and a duplicate counter
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
    | {"com¹", "com²", "com³", "lpt¹", "lpt²", "lpt³"}
)


def safe_name(raw: str) -> str:
    """A single safe path segment derived from `raw` (never empty, never a device name)."""
    text = unicodedata.normalize("NFKC", raw)
    # combining marks and format characters (bidi overrides, zero-width joiners) go away
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Cf", "Cc"))
    text = _UNSAFE_RUN.sub("-", text)
    text = _DASH_RUN.sub("-", text).strip("-_")
    if not text:
        return FALLBACK_NAME
    if text.lower() in _WINDOWS_DEVICES:
        text = f"{text}-item"
    return _truncate(text, raw)


def _truncate(name: str, raw: str) -> str:
    """Names longer than MAX_NAME_BYTES keep a prefix plus a short hash of the full raw name."""
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    budget = MAX_NAME_BYTES - len(digest) - 1
    prefix = name.encode("utf-8")[:budget].decode("utf-8", errors="ignore").rstrip("-_")
    return f"{prefix}-{digest}"


def unique_names(raws: Iterable[str]) -> list[str]:
    """Safe names for `raws`, in order, made unique case-insensitively ('x', 'x-2', 'x-3')."""
    names: list[str] = []
    taken: set[str] = set()
    for raw in raws:
        base = safe_name(raw)
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.lower())
        names.append(name)
    return names


def is_safe_name(name: str) -> bool:
    """Whether `name` is a name `unique_names` could have produced."""
    return (
        _SAFE_NAME.fullmatch(name) is not None
        and name.lower() not in _WINDOWS_DEVICES
        and len(name.encode("utf-8")) <= MAX_NAME_BYTES + _MAX_SUFFIX_BYTES
    )


def item_dir(out_dir: Path, name: str) -> Path:
    """The folder of item `name` inside `out_dir`; ValueError if it would escape `out_dir`."""
    if not is_safe_name(name):
        raise ValueError(f"unsafe item name {name!r}")
    root = out_dir.resolve()
    target = (root / name).resolve()
    if target.parent != root:
        raise ValueError(f"item name {name!r} escapes {out_dir}")
    return out_dir / name
