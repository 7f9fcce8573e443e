"""Turn the batch's arguments into a list of requirement inputs.

Each argument is one of:
- a directory: every *.md, *.markdown and *.txt file below it, recursively (hidden files and
  folders, and anything inside the output folder, are left out);
- a glob ('specs/**/*.md', '**' spans folders): every match, in sorted order;
- a .jsonl or .csv file: one requirement per row, with `id`, `requirements` (or `text`) and
  optional per-row settings (`title`, `max_revisions`, `budget`);
- any other file: one requirement.

Nothing is dropped silently: a missing path, a glob with no match, an unreadable table or a bad
row becomes an input with an `error`, which the batch reports as a failed item.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.requirements import MAX_BYTES
from agents.settings import MAX_REVISIONS_LIMIT

REQUIREMENT_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
TABLE_SUFFIXES = frozenset({".jsonl", ".csv"})
TEXT_KEYS = ("requirements", "text")
# per-row settings: name -> converter (values from CSV arrive as strings)
ROW_SETTINGS: dict[str, type] = {"max_revisions": int, "budget": float}
ROW_FIELDS = frozenset({"id", "title", "settings", *TEXT_KEYS, *ROW_SETTINGS})
_GLOB_CHARS = frozenset("*?[")
_SUFFIX_LIST = ", ".join(f"*{s}" for s in sorted(REQUIREMENT_SUFFIXES))


@dataclass(frozen=True)
class BatchInput:
    """One requirement to design (or the reason it cannot be read)."""

    raw_name: str  # the id or relative file path the output name is derived from
    source: str  # where it came from, for people: 'specs/a.md' or 'rows.jsonl:3'
    path: Path | None = None  # a requirement file, read when the item runs
    text: str | None = None  # the requirement text of a table row
    title: str | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)  # per-row settings
    error: str | None = None


def collect_inputs(arguments: Sequence[str], out_dir: Path | None = None) -> list[BatchInput]:
    """Every input named by `arguments`, in argument order, each file once."""
    excluded = out_dir.resolve() if out_dir is not None else None
    seen: set[Path] = set()
    inputs: list[BatchInput] = []
    for argument in arguments:
        for item in _expand(argument, excluded):
            if item.path is not None and item.error is None:
                resolved = item.path.resolve()
                if resolved in seen:
                    continue
                seen.add(resolved)
            inputs.append(item)
    return inputs


def _expand(argument: str, excluded: Path | None) -> Iterator[BatchInput]:
    if any(ch in argument for ch in _GLOB_CHARS):
        yield from _expand_glob(argument, excluded)
        return
    path = Path(argument).expanduser()
    if path.is_dir():
        found = list(_walk(path, path, excluded))
        yield from found or [
            BatchInput(
                raw_name=path.name or "folder",
                source=argument,
                error=f"InputError: no requirement files ({_SUFFIX_LIST}) in {argument}",
            )
        ]
    elif path.is_file():
        yield from _file_inputs(path, path.stem)
    else:
        yield BatchInput(
            raw_name=path.stem or argument,
            source=argument,
            error=f"InputError: requirements file not found: {argument}",
        )


def _expand_glob(pattern: str, excluded: Path | None) -> Iterator[BatchInput]:
    pattern = os.path.expanduser(pattern)
    base = _static_prefix(pattern)
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        yield BatchInput(
            raw_name=Path(pattern).stem or "glob",
            source=pattern,
            error=f"InputError: no files match '{pattern}'",
        )
        return
    for match in matches:
        path = Path(match)
        if _is_excluded(path, excluded):
            continue
        if path.is_dir():
            yield from _walk(path, base, excluded)
        elif path.is_file():
            yield from _file_inputs(path, _relative_name(path, base))


def _static_prefix(pattern: str) -> Path:
    """The folder part of a glob before its first wildcard ('specs/**/*.md' -> 'specs')."""
    parts: list[str] = []
    for part in Path(pattern).parts:
        if any(ch in part for ch in _GLOB_CHARS):
            break
        parts.append(part)
    prefix = Path(*parts) if parts else Path(".")
    return prefix if prefix.is_dir() else prefix.parent


def _walk(folder: Path, base: Path, excluded: Path | None) -> Iterator[BatchInput]:
    """Requirement files below `folder`, sorted, named by their path relative to `base`."""
    for root, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and not _is_excluded(Path(root, d), excluded)
        )
        for filename in sorted(filenames):
            path = Path(root, filename)
            if filename.startswith(".") or path.suffix.lower() not in REQUIREMENT_SUFFIXES:
                continue
            yield BatchInput(raw_name=_relative_name(path, base), source=str(path), path=path)


def _is_excluded(path: Path, excluded: Path | None) -> bool:
    if excluded is None:
        return False
    resolved = path.resolve()
    return resolved == excluded or excluded in resolved.parents


def _relative_name(path: Path, base: Path) -> str:
    """'a/b/c.md' relative to 'a' -> 'b/c' (the name keeps subfolders apart)."""
    try:
        relative = path.relative_to(base)
    except ValueError:
        relative = Path(path.name)
    return relative.with_suffix("").as_posix()


def _file_inputs(path: Path, raw_name: str) -> Iterator[BatchInput]:
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        yield BatchInput(raw_name=raw_name, source=str(path), path=path)
        return
    try:
        text = _read_table_text(path)
    except ValueError as exc:
        yield BatchInput(raw_name=raw_name, source=str(path), error=f"InputError: {exc}")
        return
    rows = list(_jsonl_rows(text) if suffix == ".jsonl" else _csv_rows(text))
    if not rows:
        error = f"InputError: {path} has no rows"
        yield BatchInput(raw_name=raw_name, source=str(path), error=error)
    for label, row in rows:
        yield _row_input(row, source=f"{path}:{label}", default_name=f"{path.stem}-{label}")


def _read_table_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    if b"\x00" in data:
        raise ValueError(f"{path} looks binary, not a text table")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not UTF-8 (byte offset {exc.start})") from None


def _jsonl_rows(text: str) -> Iterator[tuple[str, dict[str, Any] | str]]:
    """(line number, row or error message) per non-blank line."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield str(number), f"line {number} is not valid JSON ({exc.msg})"
            continue
        if not isinstance(row, dict):
            yield str(number), f"line {number} must be a JSON object, not {type(row).__name__}"
            continue
        yield str(number), row


def _csv_rows(text: str) -> Iterator[tuple[str, dict[str, Any] | str]]:
    """(row number, row or error message) per CSV record after the header."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        yield "1", f"the CSV header is malformed ({exc})"
        return
    if not any(key in header for key in TEXT_KEYS):
        yield "1", "the CSV needs a 'requirements' column (and usually an 'id' column)"
        return
    number = 1
    try:
        for record in reader:
            number += 1
            row = {
                (key or "").strip().lower(): value
                for key, value in record.items()
                if key is not None and value not in (None, "")
            }
            if None in record:
                yield str(number), f"row {number} has more cells than the header"
                continue
            yield str(number), row
    except csv.Error as exc:
        yield str(number + 1), f"row {number + 1} is malformed CSV ({exc})"


def _row_input(row: dict[str, Any] | str, *, source: str, default_name: str) -> BatchInput:
    if isinstance(row, str):
        return BatchInput(raw_name=default_name, source=source, error=f"InputError: {row}")
    raw_id = row.get("id")
    raw_name = str(raw_id) if raw_id not in (None, "") else default_name
    try:
        text, title, overrides = _parse_row(row)
    except ValueError as exc:
        return BatchInput(raw_name=raw_name, source=source, error=f"InputError: {exc}")
    return BatchInput(raw_name=raw_name, source=source, text=text, title=title, overrides=overrides)


def _parse_row(row: dict[str, Any]) -> tuple[str, str | None, dict[str, Any]]:
    unknown = sorted(set(row) - ROW_FIELDS)
    if unknown:
        raise ValueError(
            f"unknown field(s) {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(sorted(ROW_FIELDS))}"
        )
    text = next((row[key] for key in TEXT_KEYS if key in row), None)
    if text is None:
        raise ValueError("the row has no 'requirements' field")
    if not isinstance(text, str):
        raise ValueError(f"'requirements' must be text, not {type(text).__name__}")
    title = row.get("title")
    if title is not None and not isinstance(title, str | int | float):
        raise ValueError("'title' must be text")
    nested = row.get("settings") or {}
    if not isinstance(nested, dict):
        raise ValueError("'settings' must be an object")
    overrides: dict[str, Any] = {}
    for key, value in {**{k: row[k] for k in ROW_SETTINGS if k in row}, **nested}.items():
        if key not in ROW_SETTINGS:
            raise ValueError(f"unknown setting '{key}'; known: {', '.join(ROW_SETTINGS)}")
        overrides[key] = _convert(key, value)
    return text, (str(title).strip() or None) if title is not None else None, overrides


def _convert(key: str, value: Any) -> Any:
    kind = ROW_SETTINGS[key]
    if isinstance(value, bool):
        raise ValueError(f"'{key}' must be a number, got {value!r}")
    try:
        converted = kind(str(value).strip()) if isinstance(value, str) else kind(value)
    except (TypeError, ValueError):
        what = "a whole number" if kind is int else "a number"
        raise ValueError(f"'{key}' must be {what}, got {value!r}") from None
    if kind is int and not isinstance(value, str) and converted != value:
        raise ValueError(f"'{key}' must be a whole number, got {value!r}")
    if key == "max_revisions" and not 0 <= converted <= MAX_REVISIONS_LIMIT:
        raise ValueError(f"'max_revisions' must be between 0 and {MAX_REVISIONS_LIMIT}")
    if key == "budget" and not converted > 0:
        raise ValueError(f"'budget' must be a positive number of dollars, got {value!r}")
    return converted
