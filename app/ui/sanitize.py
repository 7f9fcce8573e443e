"""Escaping for everything a user or a model wrote before it reaches the page.

Streamlit never renders raw HTML from `st.markdown` unless told to (this app never is), but its
Markdown has more than CommonMark: `$...$` is LaTeX, `:red[...]` colours text, `:emoji:` and
`:material/icon:` expand. Plain text is therefore backslash-escaped in full, and the writer's
Markdown (already escaped for GitHub) only has its `$` signs and `<br>` tags adapted.
"""

from __future__ import annotations

import re

# every ASCII punctuation character Markdown or Streamlit's extensions give a meaning to
_MARKDOWN_SPECIAL_RE = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=\"'])")
_CODE_SPAN_RE = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")
_UNESCAPED_DOLLAR_RE = re.compile(r"(?<!\\)\$")
_FENCE_RE = re.compile(r"^(`{3,})(\w*)\n(.*?)\n\1[ \t]*$", re.DOTALL | re.MULTILINE)
_CALLOUTS = {"WARNING": ":material/warning: **Warning**", "NOTE": ":material/info: **Note**"}
_CALLOUT_RE = re.compile(r"^> \[!(WARNING|NOTE)\]$", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Plain text as Streamlit Markdown that shows exactly that text (line breaks kept)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("&", "&amp;")
    text = _MARKDOWN_SPECIAL_RE.sub(r"\\\1", text)
    return "  \n".join(text.split("\n"))


def redact(text: str, secrets: list[str]) -> str:
    """`text` with every secret (an API key) replaced by '***' (keys echoed in errors)."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def _escape_dollars(text: str) -> str:
    """`$` outside code spans as `\\$`, so prices never turn into LaTeX."""
    out: list[str] = []
    last = 0
    for m in _CODE_SPAN_RE.finditer(text):
        out.append(_UNESCAPED_DOLLAR_RE.sub(r"\\$", text[last : m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_UNESCAPED_DOLLAR_RE.sub(r"\\$", text[last:]))
    return "".join(out)


def _line_breaks(line: str) -> str:
    """The writer's `<br>` (a newline inside escaped text) as something Streamlit renders."""
    if "<br>" not in line:
        return line
    if line.lstrip().startswith("|"):
        return line.replace("<br>", " · ")  # a table cell cannot hold a real line break
    prefix = "> " if line.startswith(">") else ""
    return line.replace("<br>", f"  \n{prefix}")


def adapt_writer_markdown(markdown: str) -> str:
    """The writer's GitHub Markdown (text only, no fences) for `st.markdown`."""
    markdown = _CALLOUT_RE.sub(lambda m: f"> {_CALLOUTS[m.group(1)]}", markdown)
    lines = [_line_breaks(_escape_dollars(line)) for line in markdown.split("\n")]
    return "\n".join(lines)


def split_fences(markdown: str) -> list[tuple[str, str]]:
    """The document as ("markdown", text) / ("mermaid", source) / ("code:LANG", text) parts,
    in order, so diagrams can be drawn and code shown as code."""
    parts: list[tuple[str, str]] = []
    last = 0
    for m in _FENCE_RE.finditer(markdown):
        before = markdown[last : m.start()]
        if before.strip():
            parts.append(("markdown", before.strip("\n")))
        lang = m.group(2).lower()
        parts.append(("mermaid" if lang == "mermaid" else f"code:{lang}", m.group(3)))
        last = m.end()
    rest = markdown[last:]
    if rest.strip():
        parts.append(("markdown", rest.strip("\n")))
    return parts


__all__ = ["adapt_writer_markdown", "escape_markdown", "redact", "split_fences"]
