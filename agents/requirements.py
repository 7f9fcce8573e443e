"""Read and validate the requirements: Markdown with optional YAML front matter, or plain prose.

Bad input fails early with a one-line `InputError` that says what is wrong and where: empty,
binary, not UTF-8, larger than 5 MB, a missing path, a directory, malformed front matter.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

from .artefacts import Requirements
from .errors import FrontMatterError, InputError

MAX_BYTES = 5 * 1000 * 1000  # 5 MB (decimal, like every size designcrew shows)
_TEXT_SAMPLE = 64 * 1024  # bytes inspected by the binary heuristic
_MAX_CONTROL_SHARE = 0.10  # above this share of control characters the input is not text

_FRONT_MATTER = re.compile(
    r"\A\ufeff?---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*$\r?\n?", re.DOTALL | re.MULTILINE
)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_SETEXT_HEADING = re.compile(r"^(\S[^\n]*)\n[=]{3,}\s*$", re.MULTILINE)


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML 1.1 safe loading without base-60 numbers: `read_write_ratio: 100:1` stays the
    string '100:1' instead of becoming 6001."""


_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_FrontMatterLoader.add_implicit_resolver(
    _INT,
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
_FrontMatterLoader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _size_mb(n_bytes: int) -> str:
    return f"{n_bytes / 1_000_000:.1f} MB"


def _check_size(n_bytes: int) -> None:
    if n_bytes > MAX_BYTES:
        raise InputError(
            f"requirements file is {_size_mb(n_bytes)}; the limit is {MAX_BYTES // 1_000_000} MB"
        )


def _control_share(text: str) -> float:
    sample = text[:_TEXT_SAMPLE]
    if not sample:
        return 0.0
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return controls / len(sample)


def _check_text(text: str) -> None:
    """Reject text that is binary or empty (the checks shared by str and bytes input)."""
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError(f"input looks binary, not text (NUL byte at offset {nul})")
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise InputError("input looks binary, not text (mostly control characters)")
    if not text.strip():
        raise InputError("requirements are empty: describe the system to design")


def decode_requirements(data: bytes) -> str:
    """The UTF-8 text of `data`; InputError if it is too large, binary or not UTF-8."""
    _check_size(len(data))
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(f"input looks binary, not text (NUL byte at offset {nul})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        raise InputError(f"not UTF-8 text (byte 0x{bad:02x} at offset {exc.start})") from None
    return text.removeprefix("\ufeff")


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _parse_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(front matter mapping, body). No front matter => ({}, text)."""
    stripped = text.removeprefix("\ufeff")
    if not stripped.startswith("---"):
        return {}, text
    first_line = stripped.split("\n", 1)[0].strip()
    if first_line != "---":  # e.g. a Markdown rule "-----" or "--- notes": not front matter
        return {}, text
    match = _FRONT_MATTER.match(stripped)
    if match is None:
        raise FrontMatterError("front matter starts with '---' on line 1 but is never closed")
    raw = match.group(1)
    try:
        data = yaml.load(raw, Loader=_FrontMatterLoader) if raw.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if mark is not None:
            # +2: the opening '---' is line 1 and YAML marks are 0-based
            raise FrontMatterError(
                f"malformed YAML front matter at line {mark.line + 2}: {problem}"
            ) from None
        raise FrontMatterError(f"malformed YAML front matter: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError(
            f"front matter must be a mapping of 'key: value' lines, not a {type(data).__name__}"
        )
    body = stripped[match.end() :]
    return {str(k): v for k, v in data.items()}, body


def _title(front_matter: dict[str, Any], body: str) -> str | None:
    for key in ("title", "name", "system"):
        value = front_matter.get(key)
        if isinstance(value, str | int | float) and str(value).strip():
            return str(value).strip()
    headings = [m for m in (_HEADING.search(body), _SETEXT_HEADING.search(body)) if m]
    if headings:
        first = min(headings, key=lambda m: m.start())
        title = first.group(1).strip().strip("*_`").strip()
        return title or None
    return None


def parse_requirements(text: str, source: str = "<text>") -> Requirements:
    """Validate `text` and split off its YAML front matter.

    Raises InputError when the text is empty, binary or over 5 MB, and FrontMatterError when the
    front matter is malformed YAML or not a mapping.
    """
    _check_size(len(text.encode("utf-8", errors="surrogatepass")))
    _check_text(text)
    front_matter, body = _parse_front_matter(text)
    body = body.strip("\n")
    if not body.strip() and not front_matter:
        raise InputError("requirements are empty: describe the system to design")
    return Requirements(
        text=body,
        source=source,
        front_matter=front_matter,
        title=_title(front_matter, body),
    )


def read_requirements(path: str) -> Requirements:
    """Read the requirements from a file path, or from standard input when `path` is '-'."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise InputError(f"standard input is larger than the {MAX_BYTES // 1_000_000} MB limit")
        return parse_requirements(decode_requirements(data), source="-")
    file = Path(path)
    if not file.exists():
        raise InputError(f"requirements file not found: {path}")
    if file.is_dir():
        raise InputError(f"{path} is a directory; give a requirements file (or '-' for stdin)")
    try:
        size = file.stat().st_size
        _check_size(size)
        data = file.read_bytes()
    except PermissionError:
        raise InputError(f"cannot read {path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_requirements(decode_requirements(data), source=path)


__all__ = ["MAX_BYTES", "decode_requirements", "parse_requirements", "read_requirements"]
