"""Reading the prose: instructions aimed at a model, explicit features, non-goals, the name.

Lines that try to instruct a language model ("ignore previous instructions", "you are now",
"system prompt") are reported as warnings and removed from what the scoper reads: they are
data, never instructions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_INJECTION_PATTERNS = (
    r"\b(?:ignore|disregard|forget|override)\b[^.\n]{0,40}\b(?:previous|prior|above|earlier|"
    r"all|your|the)\b[^.\n]{0,20}\b(?:instructions?|prompts?|rules|directions|guidelines)",
    r"\byou are now\b",
    r"\bsystem prompt\b",
    r"\bnew instructions?\s*:",
    r"\b(?:act|behave) as (?:an? )?(?:different|unrestricted|jailbroken|evil)",
    r"\bpretend (?:to be|you are)\b",
    r"\bjailbreak\b",
    r"\bdeveloper mode\b",
    r"\breveal (?:your|the) (?:instructions|prompt|system)",
    r"<\|im_start\|>|<\|system\|>|\[INST\]",
    r"^\s*(?:system|assistant)\s*:",
)
_INJECTION_RE = re.compile("|".join(_INJECTION_PATTERNS), re.IGNORECASE | re.MULTILINE)

_FEATURE_RE = re.compile(
    r"\b(?:must|should|shall|can|could|need(?:s)? to|able to|allow(?:s)?|let(?:s)?|support(?:s)?|"
    r"want(?:s)? to|will be able)\b",
    re.IGNORECASE,
)
# sentences about numbers and qualities belong to the NFRs, not the functional list
_NFR_RE = re.compile(
    r"\b(?:availab|latency|p\d\d|budget|\$|uptime|durab|qps|dau|mau|scale|per second|"
    r"throughput|cost|nines|retain|retention|read:write|ratio|million|billion|\d+\s*[kmb]\b)",
    re.IGNORECASE,
)
_ACTOR_CLAUSE = re.compile(
    r"^(?:design|build|create|make)\b.*?\b(?:where|that|which|so that|in which)\s+"
    r"(?:(?:lets?|allows?|enables?|helps?)\s+)?(?P<who>users?|people|customers|members|riders|"
    r"drivers|clients|teams|developers)\b(?:\s+(?:to|can))?\s+(?P<rest>[^.!?]{4,})",
    re.IGNORECASE,
)
_NON_GOAL_HEADING = re.compile(r"^\s*#+\s*(?:non[- ]?goals?|out of scope)\b.*$", re.I | re.M)
_NON_GOAL_SENTENCE = re.compile(
    r"(?:^|(?<=[.;!?]\s))(?P<s>[^.;!?\n]*\b(?:out of scope|not (?:required|needed|in scope)|"
    r"no need (?:for|to)|non-goal|we don't need|we do not need)\b[^.;!?\n]*)",
    re.I | re.M,
)
_DESIGN_RE = re.compile(
    r"\b(?:design|build|create|architect|make)\s+(?:me\s+)?(?:an?|the|our)?\s*"
    r"(?P<x>[A-Za-z0-9][\w.' -]{1,60}?)(?=\s+(?:like|that|which|for|with|where|using|to|so|"
    r"in|on|at)\b|[.,:;!?\n(]|$)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Injection:
    """A line that addresses a language model rather than describing the system."""

    line: int
    text: str


def find_injections(text: str) -> list[Injection]:
    """Every line of `text` with an instruction aimed at a model."""
    found: list[Injection] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if _INJECTION_RE.search(line):
            found.append(Injection(number, line.strip()[:120]))
    return found


def without_lines(text: str, lines: list[int]) -> str:
    """`text` with the given 1-based lines blanked (kept as empty lines, so numbering holds)."""
    drop = set(lines)
    return "\n".join("" if i in drop else ln for i, ln in enumerate(text.splitlines(), 1))


def _sentences(text: str) -> list[str]:
    """Bullets and sentences of the prose, headings and tables dropped. Lines wrapped inside a
    paragraph or a bullet are joined first, so a sentence broken across lines stays whole."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        bullet = re.match(r"^(?:[-*+]|\d+[.)])\s+", stripped)
        if not stripped or stripped.startswith(("#", "|", "```")) or bullet:
            if current:
                paragraphs.append(" ".join(current))
            current = [stripped[bullet.end() :]] if bullet else []
            continue
        current.append(stripped)
    if current:
        paragraphs.append(" ".join(current))
    return [
        part.strip()
        for paragraph in paragraphs
        for part in re.split(r"(?<=[.!?])\s+", paragraph)
        if part.strip()
    ]


def _clean_feature(sentence: str) -> str:
    sentence = re.sub(r"\s+", " ", sentence).strip().rstrip(".;:")
    sentence = re.sub(r"^(?:and|also|then|so)\s+", "", sentence, flags=re.I)
    return sentence[:1].upper() + sentence[1:] + "."


def explicit_features(text: str) -> list[str]:
    """Functional statements of the user: 'Users can ...', 'must ...', bullet features."""
    features: list[str] = []
    for sentence in _sentences(text):
        # "Design a recipe site where users upload photos": the feature is the clause
        if clause := _ACTOR_CLAUSE.search(sentence):
            sentence = f"{clause.group('who')} {clause.group('rest')}"
            if not _NFR_RE.search(sentence):
                features.append(_clean_feature(sentence))
            continue
        if len(sentence) < 12 or len(sentence) > 300:
            continue
        if _NFR_RE.search(sentence) or _NON_GOAL_SENTENCE.search(sentence):
            continue
        if _FEATURE_RE.search(sentence):
            features.append(_clean_feature(sentence))
    return list(dict.fromkeys(features))


def stated_non_goals(text: str) -> list[str]:
    """Non-goals the user wrote: a 'Non-goals' section's bullets or 'X is out of scope'."""
    goals: list[str] = []
    heading = _NON_GOAL_HEADING.search(text)
    if heading:
        section = text[heading.end() :]
        for line in section.splitlines()[1:] if section.startswith("\n") else section.splitlines():
            stripped = line.strip()
            if stripped.startswith("#"):
                break
            if re.match(r"^(?:[-*+]|\d+[.)])\s+", stripped):
                goals.append(_clean_feature(re.sub(r"^(?:[-*+]|\d+[.)])\s+", "", stripped)))
    for m in _NON_GOAL_SENTENCE.finditer(text):
        goals.append(_clean_feature(m.group("s")))
    return list(dict.fromkeys(goals))


def asks_forever(text: str) -> bool:
    """Whether the text asks to keep data forever."""
    return bool(
        re.search(
            r"\b(?:forever|indefinitely|never (?:be )?delete|permanently)\b", text, re.IGNORECASE
        )
    )


def design_subject(text: str) -> str | None:
    """'URL shortener' from 'Design a URL shortener like bit.ly', if the text starts that way."""
    m = _DESIGN_RE.search(text[:300])
    if m is None:
        return None
    subject = m.group("x").strip(" .'-")
    if not subject or len(subject.split()) > 6:
        return None
    return subject[:1].upper() + subject[1:]


def mentions(text: str, pattern: str) -> bool:
    """Whether `pattern` (a regex) occurs in `text`, case-insensitively."""
    return bool(re.search(pattern, text, re.IGNORECASE))
