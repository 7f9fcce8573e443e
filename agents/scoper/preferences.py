"""Technologies the user asks for, and whether the text asks for more than one region.

A technology is *preferred* when the front matter lists it (`technologies: [PostgreSQL, Kafka]`)
or the prose asks for it with a verb: "use Postgres", "we run on Kafka", "store it in
Cassandra", "backed by DynamoDB". A technology the prose rejects is not: "instead of
DynamoDB", "no MongoDB", "without Kafka", "avoid Redis", "rather than MySQL". A bare mention
("a message queue like Kafka") describes the system, not the stack, and prefers nothing.

Names and synonyms are matched against the knowledge-base catalogue and returned as the
catalogue's canonical option names, so the architect can find them with `kb.find_technology`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..kb import KnowledgeBase

# Front-matter keys that list wanted technologies.
FRONT_MATTER_KEYS = (
    "technologies",
    "technology",
    "tech",
    "stack",
    "prefer",
    "preferences",
    "preferred_technologies",
)
# Catalogue synonyms that are ordinary English words or too short to mean a product in prose
# ("elastic scaling", "temporal ordering", "a VM"); the front matter may still name them.
AMBIGUOUS_IN_PROSE = frozenset(
    {
        "elastic",
        "raft",
        "temporal",
        "cadence",
        "glue",
        "atlas",
        "pods",
        "prefect",
        "tao",
        "faas",
        "psp",
        "ses",
    }
)
MAX_CUE_GAP = 60  # characters between the verb and the technology it governs
NEGATED_VERB_GAP = 12  # "do not want to use": a negation this close before the verb negates it

# A verb that asks for what follows it.
_POSITIVE_CUES = re.compile(
    r"\b(?:use|uses|using|utili[sz]e|prefer|preferably|preferred|adopt|choose|pick|"
    r"go with|switch to|migrate to|move to|standardi[sz]ed on|"
    r"(?:replace|replacing|swap|swapping)\b[^.;!?\n]{0,40}?\b(?:with|for|by)|"
    r"(?:migrate|migrating|move|moving|switch|switching)\b[^.;!?\n]{0,40}?\bto|"
    r"runs? on|running on|run it on|we run|we already run|we operate|we have|we already have|"
    r"(?:we|i|the team|our team) (?:want|need|require|would like)|asks? for|"
    r"build(?:s|ing)? on|built on|based on|on top of|backed by|back(?:ed)? it with|"
    r"deploy(?:ed)? on|hosted on|storage (?:in|on)|"
    r"(?:stor|keep|persist|sav|put)(?:e|es|ed|ing|s)?\b[^.;!?\n]{0,40}?\b(?:in|on|into)|"
    r"(?:should|must|shall|has to|needs? to|will) be(?: in| on)?|"
    r"our (?:stack|database|queue|cache|standard) is)\b",
    re.IGNORECASE,
)
# A word that rejects what follows it.
_NEGATIVE_CUES = re.compile(
    r"\b(?:instead of|rather than|other than|except|no|not|never|without|avoid|avoiding|"
    r"drop|dropping|remove|removing|replace|replacing|away from|migrate off|move off|"
    r"migrate from|move from|moving from|get rid of|ditch|nor|neither|"
    r"don't|do not|dont|can't|cannot|won't)\b",
    re.IGNORECASE,
)
# What after a name accepts or rejects it: "Kafka is preferred", "MongoDB is not allowed".
# "a chat app on Cassandra", "messages in Cassandra": right before the name, built on it.
_ON_BEFORE = re.compile(r"\b(?:on|in)\s+(?:the\s+|a\s+|an\s+)?$", re.IGNORECASE)
_POSITIVE_AFTER = re.compile(
    r"^\s*(?:(?:is|are)\s+(?:preferred|required|mandatory|a must|our standard|the standard)|"
    r"instead of|rather than)\b",
    re.IGNORECASE,
)
_NEGATIVE_AFTER = re.compile(
    r"^\s*(?:is|are)\s+(?:not\b|n't\b|forbidden|banned|out of scope|ruled out|off the table)",
    re.IGNORECASE,
)
_REJECTED_AFTER = re.compile(r"out of scope|non-goal|not (?:required|needed)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.;!?\n]")
_WORDS = re.compile(r"^[\sA-Za-z']*$")  # a gap of plain words: no comma, no other clause

_MULTI_REGION = re.compile(
    r"\b(?:multi[- ]?region(?:al)?|multiple regions|several regions|more than one region|"
    r"two or more regions|geo[- ]?redundan\w*|active[- ]active|cross[- ]region failover)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Mention:
    """A catalogue technology named in the prose."""

    start: int
    end: int
    name: str  # canonical catalogue name


def technology_index(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """(lower-case name or synonym, canonical name), longest first so 'aurora postgres' is found
    before 'postgres'."""
    found: dict[str, str] = {}
    for kind in kb.kinds.values():
        for option in kind.options:
            for name in (option.name, *option.synonyms):
                found.setdefault(name.lower(), option.name)
    return sorted(found.items(), key=lambda item: (-len(item[0]), item[0]))


def _prose_name(name: str) -> bool:
    """Whether a catalogue name is specific enough to count when written in prose."""
    if name in AMBIGUOUS_IN_PROSE:
        return False
    return len(name) >= 3 or any(ch.isdigit() for ch in name)  # 's3', 'r2' but not 'pg', 'es'


def find_mentions(text: str, kb: KnowledgeBase) -> list[Mention]:
    """Every catalogue technology named in `text`, in order; overlapping names keep the
    longest ('aurora postgres' rather than 'postgres')."""
    lowered = text.lower()
    taken: list[tuple[int, int]] = []
    found: list[Mention] = []
    for name, canonical in technology_index(kb):
        if not _prose_name(name):
            continue
        pattern = r"(?<![\w-])" + re.escape(name) + r"(?![\w-])"
        for m in re.finditer(pattern, lowered):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append(Mention(m.start(), m.end(), canonical))
    return sorted(found, key=lambda m: m.start)


def _sentence_before(text: str, position: int) -> str:
    """The text of the sentence (or bullet) that holds `position`, up to it."""
    start = 0
    for m in _SENTENCE_END.finditer(text, 0, position):
        start = m.end()
    return text[start:position]


def _last_start(pattern: re.Pattern[str], text: str) -> tuple[int, int] | None:
    """(start, end) of the last match of `pattern` in `text`."""
    last = None
    for m in pattern.finditer(text):
        last = (m.start(), m.end())
    return last


def stance(text: str, mention: Mention) -> str:
    """'prefer', 'reject' or '' for a mention: the nearest cue before it in its sentence wins;
    what follows the name ('is not allowed') overrides."""
    after = text[mention.end : mention.end + 40]
    if _NEGATIVE_AFTER.match(after):
        return "reject"
    before = _sentence_before(text, mention.start)
    positive = _last_start(_POSITIVE_CUES, before)
    negative = _last_start(_NEGATIVE_CUES, before)
    if positive is not None and negative is not None:
        if negative[0] > positive[0]:
            return "reject"  # "use Postgres instead of DynamoDB"
        gap = before[negative[1] : positive[0]]
        if negative[1] <= positive[0] and len(gap) <= NEGATED_VERB_GAP and _WORDS.match(gap):
            return "reject"  # "don't use Kafka", "never use MongoDB"
    elif negative is not None:
        return "reject"
    if positive is not None and len(before) - positive[1] <= MAX_CUE_GAP:
        return "prefer"
    if _POSITIVE_AFTER.match(after) or _ON_BEFORE.search(before):
        return "prefer"
    return ""


def preferences_in_text(text: str, kb: KnowledgeBase) -> list[str]:
    """Canonical names of the technologies the prose asks for (none it also rejects)."""
    wanted: list[str] = []
    rejected: set[str] = set()
    for mention in find_mentions(text, kb):
        verdict = stance(text, mention)
        if verdict == "prefer":
            wanted.append(mention.name)
        elif verdict == "reject":
            rejected.add(mention.name)
    return [n for n in dict.fromkeys(wanted) if n not in rejected]


def preferences_in_front_matter(
    front_matter: dict[str, Any], kb: KnowledgeBase, warnings: list[str]
) -> list[str]:
    """Canonical names listed under `technologies:` (or tech, stack, prefer, ...); unknown
    names are reported in `warnings` and ignored."""
    wanted: list[str] = []
    unknown: list[str] = []
    for key, raw in front_matter.items():
        if str(key).lower().replace("-", "_").replace(" ", "_") not in FRONT_MATTER_KEYS:
            continue
        if raw is None:
            continue
        names = re.split(r"\s*,\s*", raw) if isinstance(raw, str) else raw
        if not isinstance(names, list):
            names = [names]
        for item in names:
            name = str(item).strip()
            if not name:
                continue
            found = kb.find_technology(name)
            if found is None:
                unknown.append(name)
            else:
                wanted.append(found[1].name)
    if unknown:
        warnings.append(
            f"Front matter names technologies the catalogue does not know "
            f"({', '.join(unknown)}); they were ignored."
        )
    return list(dict.fromkeys(wanted))


def stated_preferences(
    front_matter: dict[str, Any], text: str, kb: KnowledgeBase, warnings: list[str]
) -> list[str]:
    """The technologies the user asked for: front matter first, then the prose."""
    listed = preferences_in_front_matter(front_matter, kb, warnings)
    return list(dict.fromkeys([*listed, *preferences_in_text(text, kb)]))


def multi_region_phrase(text: str) -> str | None:
    """The phrase asking for more than one region without a number ("multi-region",
    "active-active", "geo-redundant"), unless its sentence rejects it."""
    for m in _MULTI_REGION.finditer(text):
        before = _sentence_before(text, m.start())
        after = text[m.end() : m.end() + 40]
        if _NEGATIVE_CUES.search(before[-40:]) or _NEGATIVE_AFTER.match(after):
            continue
        if _REJECTED_AFTER.search(text[m.end() : m.end() + 60]):
            continue
        return m.group(0)
    return None
