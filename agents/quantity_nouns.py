"""Which noun a number qualifies: '10M new pastes', 'video views', '1 KB per paste'.

Used by `agents.quantities` to attach numbers to what they count or measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .quantity_types import QuantityKind
from .quantity_units import (
    AVG_WORDS,
    MAX_WORDS,
    SIZE_UNITS,
    WORD_RE,
    clause_before,
)
from .quantity_words import (
    ADJECTIVES,
    CONCURRENT_WORDS,
    FILLER_WORDS,
    MEDIA_NOUNS,
    METADATA_NOUNS,
    PERIOD_WORDS,
    READ_ACTIONS,
    READ_NOUNS,
    READ_VERBS,
    REQUEST_NOUNS,
    SINGULAR_COUNT_NOUNS,
    STOP_WORDS,
    USER_NOUNS,
    WRITE_ACTIONS,
    WRITE_NOUNS,
    singular,
)


@dataclass
class NounPhrase:
    head: str | None
    modifiers: list[str]
    end: int


KNOWN_NOUNS = (
    USER_NOUNS | READ_NOUNS | WRITE_NOUNS | REQUEST_NOUNS | SINGULAR_COUNT_NOUNS | MEDIA_NOUNS
)


def noun_after(text: str, pos: int) -> NounPhrase:
    """The noun phrase right after a number: adjectives, then the head (first known/plural word)."""
    modifiers: list[str] = []
    for _ in range(4):
        m = WORD_RE.match(text, pos)
        if m is None or (m.start("w") == pos and pos > 0 and text[pos - 1].isalnum()):
            break
        word = m.group("w")
        low = word.lower()
        if low in STOP_WORDS or low in ("qps", "rps", "tps"):
            break
        pos = m.end()
        plural = low.endswith("s") and len(low) > 3 and not low.endswith("ss")
        known = singular(low) in KNOWN_NOUNS or low in ("dau", "mau")
        if low in ADJECTIVES and not known:
            modifiers.append(low)
            continue
        if known or plural:
            if not plural and (compound := compound_head(text, pos)):
                # "video views", "driver location updates": the last noun is the head
                head, extra, pos = compound
                return NounPhrase(head, [*modifiers, singular(low), *extra], pos)
            abbr = re.match(r"\s*\((?P<a>[A-Za-z]{3,4})\)", text[pos:])
            if abbr and abbr.group("a").lower() in ("dau", "mau"):
                modifiers.append(abbr.group("a").lower())
                pos += abbr.end()
            return NounPhrase(singular(low), modifiers, pos)
        modifiers.append(low)
    return NounPhrase(None, modifiers, pos)


def is_noun(low: str) -> bool:
    plural = low.endswith("s") and len(low) > 3 and not low.endswith("ss")
    return plural or singular(low) in KNOWN_NOUNS or low in ("dau", "mau")


def compound_head(text: str, pos: int) -> tuple[str, list[str], int] | None:
    """The head of a compound noun continuing at `pos` (up to two more words), if any."""
    extra: list[str] = []
    for _ in range(2):
        m = WORD_RE.match(text, pos)
        if m is None:
            return None
        low = m.group("w").lower()
        if low in STOP_WORDS or low in FILLER_WORDS or low in PERIOD_WORDS or low in ("qps",):
            return None
        pos = m.end()
        if is_noun(low):
            return singular(low), extra, pos
        extra.append(low)
    return None


def action_role(before: str) -> str | None:
    """read/write from the last action verb before a number ('posts 2 times a day')."""
    for word in reversed(re.findall(r"[a-z]+", before.lower())[-8:]):
        if word in READ_ACTIONS:
            return "read"
        if word in WRITE_ACTIONS:
            return "write"
    return None


def noun_role(noun: NounPhrase) -> str | None:
    words = {noun.head or "", *noun.modifiers}
    if words & READ_NOUNS or words & READ_VERBS:
        return "read"
    if "new" in words or words & WRITE_NOUNS:
        return "write"
    if words & REQUEST_NOUNS:
        return "request"
    return None


def user_kind(noun: NounPhrase, period: str | None, after: str) -> tuple[QuantityKind, str | None]:
    mods = set(noun.modifiers)
    if noun.head == "dau" or "dau" in mods or "daily" in mods or period == "day":
        return "dau", None
    if noun.head == "mau" or "mau" in mods or "monthly" in mods or period == "month":
        return "mau", None
    if mods & CONCURRENT_WORDS or re.match(r"\s*(?:online\s+)?at\s+(?:once|the same time)", after):
        return "users", "concurrent"
    return "users", "total"


def size_noun(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """(noun, period) of a size: '1 KB per paste', '50 MB videos', 'average video 50 MB'."""
    per = re.match(
        r"\s*(?:per|/|each|for\s+each|a|an|of)\s+(?:new\s+)?(?P<n>[a-z][a-z-]*)", text[end:], re.I
    )
    if per:
        word = per.group("n").lower()
        if word in PERIOD_WORDS:
            return None, PERIOD_WORDS[word]
        if word not in STOP_WORDS:
            return singular(word), None
    following = noun_after(text, end)
    if following.head and following.head not in ("dau", "mau"):
        return following.head, None
    # "average video 50 MB", "new pastes and 100M reads a month, ~1 KB each"
    before = re.findall(r"\b[A-Za-z][A-Za-z-]*", clause_before(text, start, 80))
    for word in reversed(before[-8:]):
        low = word.lower()
        if not (low in NOT_SIZE_NOUNS or singular(low) in READ_NOUNS | USER_NOUNS):
            return singular(low), None
    return None, None


NOT_SIZE_NOUNS = (
    STOP_WORDS
    | ADJECTIVES
    | frozenset(PERIOD_WORDS)
    | frozenset(SIZE_UNITS)
    | frozenset(
        (
            "size",
            "sizes",
            "typically",
            "approximately",
            "roughly",
            "max",
            "maximum",
            "most",
            "mean",
            "limit",
            "least",
        )
    )
)


def size_role(noun: str | None, period: str | None) -> str:
    if period == "second":
        return "bandwidth"
    if period:
        return "growth"
    if noun in MEDIA_NOUNS:
        return "media"
    if noun in METADATA_NOUNS:
        return "metadata"
    if noun in ("data", "dataset", "storage", "total", "corpus", "archive"):
        return "storage"
    return "object"


def bound(before: str) -> Literal["avg", "max"] | None:
    """Whether a size is a maximum or an average, by the nearest qualifier before it."""
    near = before[-30:]
    last_max = max((m.end() for m in MAX_WORDS.finditer(near)), default=-1)
    last_avg = max((m.end() for m in AVG_WORDS.finditer(near)), default=-1)
    if last_max < 0 and last_avg < 0:
        return None
    return "max" if last_max > last_avg else "avg"
