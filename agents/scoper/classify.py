"""Which kind of system the requirements describe, and which capabilities it needs.

Archetypes and capabilities are scored by their knowledge-base keywords, matched as whole words
or phrases (product names like 'bit.ly' included); a match in the title counts three times.
When no archetype matches, the archetype whose capabilities best overlap the detected ones is
used, with score 0, so a system outside the list still gets a sensible design.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..kb import Archetype, KnowledgeBase

TITLE_WEIGHT = 3.0
STRONG_OVERLAP = 0.6  # share of an archetype's capabilities the text must ask for to borrow it
_BASIC_CAPABILITIES = ("user_accounts", "rate_limiting")
_GENERIC_IDS = ("generic_web_app", "web_app", "crud_app", "generic")


@lru_cache(maxsize=4096)
def _phrase_re(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in re.split(r"[\s_-]+", phrase.strip().lower()) if w]
    return re.compile(r"(?<![\w.])" + r"[\s_-]*".join(words) + r"(?![\w])", re.IGNORECASE)


def count_phrase(text: str, phrase: str) -> int:
    """How often `phrase` occurs in `text` as whole words ('real time' ~ 'real-time')."""
    if not phrase.strip():
        return 0
    return len(_phrase_re(phrase).findall(text))


def _keyword_score(keywords: list[str], text: str, title: str) -> tuple[float, list[str]]:
    """Score of a keyword list: longer phrases weigh more, repeats a little, title triple."""
    score = 0.0
    matched: list[str] = []
    for keyword in dict.fromkeys(k.lower() for k in keywords):
        in_text = count_phrase(text, keyword)
        in_title = count_phrase(title, keyword) if title else 0
        if not in_text and not in_title:
            continue
        weight = 1.0 + 0.5 * (len(keyword.split()) - 1) + (0.5 if "." in keyword else 0.0)
        repeats = 1.0 + 0.25 * (min(in_text, 5) - 1) if in_text else 0.0
        score += weight * (repeats + TITLE_WEIGHT * min(in_title, 1))
        matched.append(keyword)
    return score, matched


@dataclass(frozen=True)
class Classification:
    """The archetype chosen, how strongly it matched, and the capabilities of the system."""

    archetype: Archetype
    score: float
    matched_keywords: list[str]
    capabilities: list[str]
    detected_capabilities: list[str]
    reason: str


def _archetype_keywords(archetype: Archetype) -> list[str]:
    return [*archetype.keywords, archetype.name, archetype.id.replace("_", " ")]


def detect_capabilities(kb: KnowledgeBase, text: str, title: str = "") -> list[str]:
    """Capability ids whose keywords occur in the text, strongest first."""
    scored = []
    for cap in kb.capabilities.values():
        score, _ = _keyword_score([*cap.keywords, cap.name], text, title)
        if score > 0:
            scored.append((score, cap.id))
    return [cap_id for _, cap_id in sorted(scored, key=lambda s: -s[0])]


def _fallback(kb: KnowledgeBase, detected: list[str]) -> tuple[Archetype, str]:
    """The archetype for a text no keyword matched.

    An archetype is borrowed when the detected capabilities are most of what it is (at least
    two shared, covering 60% of its own capabilities); otherwise the generic archetype of the
    knowledge base, or failing that the one with the best overlap (or the simplest).
    """
    archetypes = list(kb.archetypes.values())
    wanted = set(detected)

    def overlap(a: Archetype) -> tuple[int, float]:
        shared = len(wanted & set(a.capabilities))
        # prefer covering what was detected, then bringing little that was not asked for
        return shared, shared / max(1, len(a.capabilities))

    best = max(archetypes, key=overlap)
    shared_count, coverage = overlap(best)
    generic = next((kb.archetypes[g] for g in _GENERIC_IDS if g in kb.archetypes), None)
    strong = shared_count >= 2 and coverage >= STRONG_OVERLAP
    if strong or (generic is None and shared_count > 0):
        shared = sorted(wanted & set(best.capabilities))
        return best, (
            f"no archetype keyword matched; {best.name} shares the capabilities "
            f"{', '.join(shared)} with what the text asks for"
        )
    if generic is not None:
        return generic, (
            "no archetype keyword matched; the generic archetype plus the detected capabilities"
        )
    user_facing = [a for a in archetypes if a.family == "user_facing"] or archetypes
    best = min(user_facing, key=lambda a: len(a.capabilities))
    return best, f"no archetype keyword matched; {best.name} is the simplest user-facing design"


_NFR_VOCABULARY = re.compile(
    r"\b(?:availab\w*|uptime|latenc\w*|durab\w*|consisten\w*|p\d\d|budget|costs?|qps|"
    r"throughput|nines|retention|retain\w*|peak|average|scale\w*)\b",
    re.IGNORECASE,
)


_LIKE_COMPARISON = re.compile(r"\blike(?=\s+(?:[A-Z]|an?\b|the\b|\w+\.\w))")


def capability_text(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with numbers-with-units and NFR words blanked, so that '100M views a month' or
    '99.9% availability' do not read as features (view counters, seat availability)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    masked = _NFR_VOCABULARY.sub(" ", "".join(chars))
    # "like bit.ly", "like WhatsApp", "like a ..." compare; "users can like posts" is a feature
    return _LIKE_COMPARISON.sub(" ", masked)


def classify(
    kb: KnowledgeBase, text: str, title: str = "", quantity_spans: Sequence[tuple[int, int]] = ()
) -> Classification:
    """The archetype and capabilities of the system described by `text` (and `title`).

    `quantity_spans` are the (start, end) offsets of the numbers found in `text`; they are
    ignored when detecting capabilities.
    """
    if not kb.archetypes:
        raise ValueError("the knowledge base has no archetypes")
    scored: list[tuple[float, int, str, list[str]]] = []
    for order, archetype in enumerate(kb.archetypes.values()):
        score, matched = _keyword_score(_archetype_keywords(archetype), text, title)
        if score > 0:
            scored.append((score, -order, archetype.id, matched))
    detected = detect_capabilities(kb, capability_text(text, list(quantity_spans)), title)
    if scored:
        score, _, best_id, matched = max(scored, key=lambda s: (s[0], len(s[3]), s[1]))
        archetype = kb.archetypes[best_id]
        reason = f"matched {', '.join(repr(m) for m in matched)}"
    else:
        score, matched = 0.0, []
        archetype, reason = _fallback(kb, detected)
    base = archetype.capabilities
    if not scored:  # a fallback archetype lends only what was asked for, plus the basics
        base = [c for c in base if c in detected or c in _BASIC_CAPABILITIES]
    capabilities = list(dict.fromkeys([*base, *detected]))
    capabilities = [c for c in capabilities if c in kb.capabilities]
    # a capability that already covers another (video delivery covers uploads) replaces it
    covered = {s for c in capabilities for s in kb.capabilities[c].supersedes}
    capabilities = [c for c in capabilities if c not in covered]
    detected = [c for c in detected if c not in covered]
    return Classification(
        archetype=archetype,
        score=round(score, 2),
        matched_keywords=matched,
        capabilities=capabilities,
        detected_capabilities=[c for c in detected if c not in archetype.capabilities],
        reason=reason,
    )
