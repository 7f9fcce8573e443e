"""The scoper's open questions as answers the user can edit, and edited answers as the YAML
front-matter keys the scoper reads (agents/scoper/stated.py)."""

from __future__ import annotations

from typing import Any

from agents.artefacts import OpenQuestion, Requirements, Scope
from agents.kb import KnowledgeBase
from agents.scoper import scope_requirements

# assumption name -> front-matter key of the scoper
_ASSUMPTION_KEYS = {
    "dau": "dau",
    "writes_per_user_per_day": "writes_per_user_per_day",
    "reads_per_write": "reads_per_write",
    "peak_factor": "peak_factor",
    "object_bytes": "object_bytes",
    "metadata_bytes": "metadata_bytes",
    "retention_days": "retention",
    "media_bytes": "media_bytes",
    "avg_followers": "avg_followers",
}


def answer_key(question: OpenQuestion) -> str | None:
    """The front-matter key an answer to `question` sets, or None when no key holds it."""
    if question.assumption == "writes_per_user_per_day" and "in total" in question.question:
        return "writes_per_day"  # machine systems are asked for the daily total
    if question.assumption:
        return _ASSUMPTION_KEYS.get(question.assumption)
    text = question.question.lower()
    if "availability" in text:
        return "availability"
    if "latency" in text or "p99" in text:
        return "latency_p99"
    if "budget" in text:
        return "budget"
    return None


def answers_front_matter(questions: list[OpenQuestion], answers: dict[int, str]) -> dict[str, str]:
    """Front-matter keys for the answers that differ from the proposed defaults (an accepted
    default stays an assumption, so the document keeps saying it was assumed)."""
    keys: dict[str, str] = {}
    for index, question in enumerate(questions):
        answer = " ".join(str(answers.get(index, "")).split())
        key = answer_key(question)
        if key is None or not answer or answer == question.proposed_default.strip():
            continue
        keys[key] = answer
    return keys


def answered_requirements(
    requirements: Requirements, extra: dict[str, Any], kb: KnowledgeBase
) -> tuple[Requirements, Scope]:
    """The requirements with the answers as front matter, and their scope (which validates the
    answers: a malformed one raises FrontMatterError, an impossible one ImplausibleNumberError)."""
    amended = requirements.model_copy(
        update={"front_matter": {**requirements.front_matter, **extra}}, deep=True
    )
    return amended, scope_requirements(amended, kb)


__all__ = ["answer_key", "answered_requirements", "answers_front_matter"]
