"""One prompt template per role, rendered with the role's inputs into chat messages.

Each `<role>.md` has a `<!-- system -->` section, a `<!-- user -->` section with `$inputs`, and
optionally a `<!-- revision -->` section added when open findings are given. `common.md` holds
the rules every role's system prompt ends with (inputs are data, no arithmetic, stable ids).
Inputs are serialised as compact JSON inside `<name>...</name>` tags; any `</` inside the data
is escaped (`<\\/`, still valid JSON) so the text of a requirement cannot close its tag.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Template
from typing import Any

ROLES = ("scoper", "architect", "cost_analyst", "reviewer", "writer")
# the artefact each role's prompt asks for
OUTPUT_TYPES = {
    "scoper": "Scope",
    "architect": "Architecture",
    "cost_analyst": "CostReport",
    "reviewer": "Review",
    "writer": "WrapUp",
}
_MARKERS = ("system", "user", "revision")


@dataclass(frozen=True)
class PromptTemplate:
    """The sections of one role's template."""

    system: str
    user: str
    revision: str


def _sections(text: str, name: str) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        marker = line.strip()
        key = marker[5:-4].strip() if marker.startswith("<!--") and marker.endswith("-->") else ""
        if key in _MARKERS:
            current = key
            found[current] = []
        elif current is not None:
            found[current].append(line)
    if "system" not in found or "user" not in found:
        raise ValueError(f"prompt template {name} needs <!-- system --> and <!-- user --> sections")
    return {k: "\n".join(v).strip() for k, v in found.items()}


def _read(file_name: str) -> str:
    return (resources.files(__name__) / file_name).read_text(encoding="utf-8")


@cache
def load_template(role: str) -> PromptTemplate:
    """The parsed template of `role` (cached)."""
    if role not in ROLES:
        raise ValueError(f"no prompt for role '{role}' (roles: {', '.join(ROLES)})")
    sections = _sections(_read(f"{role}.md"), f"{role}.md")
    common = _read("common.md").split("-->", 1)[-1].strip()  # drop the leading comment
    return PromptTemplate(
        system=f"{sections['system']}\n\n{common}",
        user=sections["user"],
        revision=sections.get("revision", ""),
    )


def _jsonable(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def render_input(name: str, value: Any) -> str:
    """One input as compact JSON between `<name>` tags, with `</` escaped inside."""
    text = json.dumps(_jsonable(value), ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    text = text.replace("</", "<\\/")
    return f"<{name}>\n{text}\n</{name}>"


def render_prompt(role: str, **inputs: Any) -> list[dict[str, str]]:
    """System + user messages for `role`.

    `inputs` are the role's artefacts (pydantic models, lists, dicts or strings), e.g.
    `render_prompt("architect", scope=scope, draft=arch, findings=review.open())`. None values
    are left out; a non-empty `findings` adds the template's revision section. The order of the
    keyword arguments is the order in the prompt.
    """
    template = load_template(role)
    present = {k: v for k, v in inputs.items() if v is not None}
    blocks = "\n\n".join(render_input(name, value) for name, value in present.items())
    user = Template(template.user).safe_substitute(inputs=blocks)
    if present.get("findings") and template.revision:
        user = f"{user}\n\n{template.revision}"
    return [{"role": "system", "content": template.system}, {"role": "user", "content": user}]


__all__ = [
    "OUTPUT_TYPES",
    "ROLES",
    "PromptTemplate",
    "load_template",
    "render_input",
    "render_prompt",
]
