"""Follow-up change requests ("make it cheaper", "use Postgres instead of DynamoDB") turned into
amended requirements the crew can run again.

Offline, the kernel understands five kinds of change and expresses each as a YAML front-matter
key of the amended `Requirements` (the original text is kept, so the new run is the old request
plus the changes):

- budget: "make it cheaper" (70% of the monthly total, or of the budget when that is lower),
  "30% cheaper", "budget $2k/month"
  -> `budget`;
- scale: "10x the traffic", "double the users", "50M DAU" -> `dau` (and any stated user count or
  stated daily totals, scaled by the same factor so the numbers stay consistent);
- technology: "use Postgres instead of DynamoDB", "use Kafka" -> `technologies: [names]`
  (knowledge-base names; a replaced technology leaves the list);
- regions: "we now need two regions", "go multi-region" -> `regions`;
- features: "add search", "add notifications" -> `capabilities: [ids]`.

Anything else is returned in `needs_model` as a plain sentence for the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .artefacts import DesignDoc, Requirements
from .kb import KnowledgeBase, default_kb
from .quantities import extract_quantities
from .writer.fmt import count, usd

CHEAPER_SHARE = 0.7  # "make it cheaper" without a number: aim for 70% of today's bill

# a comma or full stop inside a number ("$2,000", "1.5M") does not end a clause
_CLAUSE_SPLIT_RE = re.compile(r"(?:[.;,!?](?!\d))+|\n+|\s+(?:and|then|also|plus)\s+", re.IGNORECASE)
_CHEAPER_RE = re.compile(
    r"\b(?:cheaper|less expensive|lower (?:the )?(?:cost|bill|spend)|"
    r"(?:reduce|cut|lower|trim|shrink|save on) (?:the |our )?(?:costs?|bill|spend(?:ing)?)|"
    r"save money|cost less|costs? down)\b",
    re.IGNORECASE,
)
_HALVE_COST_RE = re.compile(r"\b(?:halve|half) (?:the |our )?(?:costs?|bill|budget)\b", re.I)
_BUDGET_WORD_RE = re.compile(r"\b(?:budget|spend|cost|costs|bill|under|below|at most|max)\b", re.I)
_SCALE_NOUN_RE = re.compile(
    r"\b(?:traffic|users?|load|scale|requests?|qps|dau|usage|volume|writes?|reads?|"
    r"everything|customers?|riders?|visitors?|throughput)\b",
    re.IGNORECASE,
)
_FACTOR_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:x|×|times|-fold|fold)(?![a-z])", re.IGNORECASE)
_FACTOR_WORDS = {
    "double": 2.0,
    "twice": 2.0,
    "triple": 3.0,
    "thrice": 3.0,
    "quadruple": 4.0,
    "halve": 0.5,
    "half": 0.5,
}
_FACTOR_WORD_RE = re.compile(r"\b(" + "|".join(_FACTOR_WORDS) + r")\b", re.IGNORECASE)
_REGION_RE = re.compile(r"\bregions?\b|\bmulti-?region\b|\bgeo-?redundan", re.IGNORECASE)
_MORE_REGIONS_RE = re.compile(
    r"\bmulti-?region|\bmultiple regions|\banother region|\bsecond region|"
    r"\b(?:add|one more|an extra|extra) (?:a )?region",
    re.IGNORECASE,
)
_ONE_REGION_RE = re.compile(r"\b(?:single|one|1) region\b", re.IGNORECASE)
_TECH_VERB_RE = re.compile(
    r"\b(?:use|using|switch|move|migrate|replace|swap|go with|prefer|adopt|choose|pick|"
    r"instead|rather|run on|build on|back it with)\b",
    re.IGNORECASE,
)
# what comes right before a technology that is being dropped, not adopted
_OLD_TECH_BEFORE_RE = re.compile(
    r"(?:instead of|rather than|from|replace|replacing|swap|swapping|drop|dropping|remove|"
    r"removing|not|over|away from)\s+(?:the |our |a |an )?$",
    re.IGNORECASE,
)
_FEATURE_VERB_RE = re.compile(
    r"\b(?:add|adding|support|supporting|include|including|need|needs|want|enable|offer|"
    r"allow|let|introduce|provide|with|build|get)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


@dataclass
class ChangeRequestResult:
    """The amended requirements, what was understood, and what needs a language model."""

    requirements: Requirements
    understood: list[str] = field(default_factory=list)
    needs_model: list[str] = field(default_factory=list)
    unhandled: list[str] = field(default_factory=list)  # the clauses behind needs_model


@dataclass
class _Amendment:
    """The front matter being built, starting from the design's own."""

    doc: DesignDoc
    kb: KnowledgeBase
    front_matter: dict[str, Any]
    understood: list[str] = field(default_factory=list)
    last_was_feature: bool = False


def split_clauses(request: str) -> list[str]:
    """'use Kafka and double the users.' -> ['use Kafka', 'double the users']."""
    return [c.strip() for c in _CLAUSE_SPLIT_RE.split(request) if c and c.strip()]


def _current_budget(doc: DesignDoc) -> float | None:
    return doc.cost.budget_monthly_usd


def _budget(a: _Amendment, clause: str) -> bool:
    total = a.doc.cost.total_monthly_usd
    money = [q for q in extract_quantities(clause) if q.kind == "money"]
    if money and _BUDGET_WORD_RE.search(clause):
        value = money[0].value
        why = "as asked"
    elif _HALVE_COST_RE.search(clause):
        value, why = total * 0.5, f"half the current {usd(total)}/month"
    elif _CHEAPER_RE.search(clause):
        percent = [q for q in extract_quantities(clause) if q.kind == "percent"]
        share = 1 - percent[0].value / 100 if percent and 0 < percent[0].value < 100 else None
        share = share if share is not None else CHEAPER_SHARE
        # cheaper than both what it costs and what it was allowed to cost
        budget = _current_budget(a.doc)
        base, what = (total, "monthly total")
        if budget is not None and budget < total:
            base, what = (budget, "budget")
        value = base * share
        why = f"{share:.0%} of the current {what} of {usd(base)}/month"
    else:
        return False
    if value <= 0:
        return False
    value = round(value)
    a.front_matter["budget"] = f"${value:,.0f}/month"
    before = _current_budget(a.doc)
    was = f" (was {usd(before)}/month)" if before else ""
    a.understood.append(f"budget: {usd(value)}/month, {why}{was}")
    return True


def _scale_factor(clause: str) -> float | None:
    if re.search(r"cheaper|cost", clause, re.IGNORECASE):
        return None
    if not _SCALE_NOUN_RE.search(clause):
        return None
    if m := _FACTOR_RE.search(clause):
        return float(m.group(1))
    if m := _FACTOR_WORD_RE.search(clause):
        return _FACTOR_WORDS[m.group(1).lower()]
    return None


def _stated(doc: DesignDoc, name: str) -> bool:
    return any(a.name == name and a.provenance == "stated" for a in doc.scope.assumptions)


def _stated_prefix(doc: DesignDoc, prefix: str) -> bool:
    return any(
        a.name.startswith(prefix) and a.provenance == "stated" for a in doc.scope.assumptions
    )


def _apply_scale(a: _Amendment, factor: float, why: str) -> None:
    scope = a.doc.scope
    dau = scope.value("dau")
    if dau <= 0:
        return
    fm = a.front_matter
    fm["dau"] = round(dau * factor)
    parts = [f"daily active users {count(dau)} → {count(dau * factor)}"]
    if _stated(a.doc, "users"):
        fm["users"] = round(scope.value("users") * factor)
    # stated totals do not follow the users, so they scale explicitly
    if _stated_prefix(a.doc, "stated_writes"):
        fm["writes_per_day"] = round(scope.value("writes_per_day") * factor)
        parts.append(f"writes {count(fm['writes_per_day'])}/day")
    if _stated_prefix(a.doc, "stated_reads"):
        fm["reads_per_day"] = round(scope.value("reads_per_day") * factor)
        parts.append(f"reads {count(fm['reads_per_day'])}/day")
    a.understood.append(f"scale: {', '.join(parts)} ({why})")


def _scale(a: _Amendment, clause: str) -> bool:
    factor = _scale_factor(clause)
    if factor is not None and factor > 0:
        _apply_scale(a, factor, f"×{factor:g}")
        return True
    for q in extract_quantities(clause):
        if q.kind == "dau" or (q.kind == "users" and q.role != "concurrent"):
            base = a.doc.scope.value("dau" if q.kind == "dau" else "users")
            if base <= 0 and q.kind == "users":
                base = a.doc.scope.value("dau")
            if base <= 0 or q.value <= 0:
                return False
            _apply_scale(
                a, q.value / base, f"{count(q.value)} {'DAU' if q.kind == 'dau' else 'users'}"
            )
            return True
    return False


def _regions(a: _Amendment, clause: str) -> bool:
    if not _REGION_RE.search(clause):
        return False
    current = a.doc.architecture.regions
    wanted: int | None = None
    for q in extract_quantities(clause):
        if q.kind == "count" and q.noun == "region":
            wanted = int(q.value)
    if wanted is None:
        m = re.search(r"\b(" + "|".join(_NUMBER_WORDS) + r"|\d+) regions?\b", clause, re.I)
        if m:
            word = m.group(1).lower()
            wanted = _NUMBER_WORDS.get(word) or int(word)
        elif _MORE_REGIONS_RE.search(clause):
            wanted = max(current + 1, 2)
        elif _ONE_REGION_RE.search(clause):
            wanted = 1
    if wanted is None or wanted < 1:
        return False
    a.front_matter["regions"] = wanted
    a.understood.append(f"regions: {wanted} (was {current})")
    return True


def _technology_index(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """(lower-case name or synonym, canonical name), longest first so 'aurora postgres' wins
    over 'postgres'."""
    found: dict[str, str] = {}
    for kind in kb.kinds.values():
        for option in kind.options:
            for name in (option.name, *option.synonyms):
                found.setdefault(name.lower(), option.name)
    return sorted(found.items(), key=lambda item: -len(item[0]))


def find_technologies(clause: str, kb: KnowledgeBase) -> list[tuple[int, str]]:
    """(position, canonical name) of every technology named in `clause`, in order."""
    lowered = clause.lower()
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str]] = []
    for name, canonical in _technology_index(kb):
        pattern = r"(?<![\w-])" + re.escape(name) + r"(?![\w-])"
        for m in re.finditer(pattern, lowered):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), canonical))
    return sorted(found)


def _technology(a: _Amendment, clause: str) -> bool:
    if not _TECH_VERB_RE.search(clause):
        return False
    mentions = find_technologies(clause, a.kb)
    new: list[str] = []
    old: list[str] = []
    for position, name in mentions:
        (old if _OLD_TECH_BEFORE_RE.search(clause[:position]) else new).append(name)
    new = [n for n in dict.fromkeys(new) if n not in old]
    if not new:
        return False
    chosen = [t for t in a.front_matter.get("technologies") or [] if isinstance(t, str)]
    old_names = {n.lower() for o in old for n in a.kb.synonyms(o)}
    chosen = [t for t in chosen if t.lower() not in old_names]
    chosen += [n for n in new if n not in chosen]
    a.front_matter["technologies"] = chosen
    in_design = {c.technology for c in a.doc.architecture.components}
    text = f"technology: use {', '.join(new)}"
    if old:
        missing = [o for o in dict.fromkeys(old) if o not in in_design]
        text += f" instead of {', '.join(dict.fromkeys(old))}"
        if missing:
            text += f" ({', '.join(missing)} is not in the current design)"
    a.understood.append(text)
    return True


def find_capabilities(clause: str, kb: KnowledgeBase) -> list[str]:
    """Capability ids whose keywords appear in `clause` (a keyword inside a longer matched
    keyword does not count: 'search suggestions' is autocomplete, not search too)."""
    lowered = clause.lower()
    spans: list[tuple[int, int, str]] = []
    for cap in kb.capabilities.values():
        for keyword in cap.keywords:
            # plural forms count too: 'short links' names the 'short link' capability
            pattern = r"(?<![\w-])" + re.escape(keyword.lower()) + r"(?:e?s)?(?![\w-])"
            spans += [(m.start(), m.end(), cap.id) for m in re.finditer(pattern, lowered)]
    kept = [
        s
        for s in spans
        if not any(o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0]) for o in spans)
    ]
    return list(dict.fromkeys(cap for _, _, cap in sorted(kept)))


def _features(a: _Amendment, clause: str) -> bool:
    if not (_FEATURE_VERB_RE.search(clause) or a.last_was_feature):
        return False
    found = find_capabilities(clause, a.kb)
    if not found:
        return False
    present = set(a.doc.scope.capabilities)
    listed = [c for c in a.front_matter.get("capabilities") or [] if isinstance(c, str)]
    added = [c for c in found if c not in present and c not in listed]
    if listed or added:
        a.front_matter["capabilities"] = listed + added
    names = ", ".join(a.kb.capabilities[c].name for c in found)
    if added:
        a.understood.append(f"features: add {names}")
    else:
        a.understood.append(f"features: {names} already in the design")
    return True


_HANDLERS = (_budget, _regions, _scale, _technology)


def apply_change_request(
    doc: DesignDoc, request: str, kb: KnowledgeBase | None = None
) -> ChangeRequestResult:
    """The requirements of `doc` amended by `request`, with what was understood and, for each
    part the kernel cannot handle, a sentence saying it needs a model."""
    kb = kb or default_kb()
    original = doc.requirements
    amendment = _Amendment(doc, kb, dict(original.front_matter))
    unhandled: list[str] = []
    for clause in split_clauses(request):
        handled = False
        for handler in _HANDLERS:
            handled = handler(amendment, clause) or handled
        if not handled:
            handled = _features(amendment, clause)
            amendment.last_was_feature = handled
        else:
            amendment.last_was_feature = False
        if not handled:
            unhandled.append(clause)
    requirements = original.model_copy(update={"front_matter": amendment.front_matter}, deep=True)
    needs_model = [f"'{c}' needs a model: configure one in the sidebar" for c in unhandled]
    return ChangeRequestResult(requirements, amendment.understood, needs_model, unhandled)


__all__ = [
    "CHEAPER_SHARE",
    "ChangeRequestResult",
    "apply_change_request",
    "find_capabilities",
    "find_technologies",
    "split_clauses",
]
