"""What the user stated: numbers from the prose and from YAML front matter, by meaning.

Rates are attached to the archetype's nouns ("10M new pastes a month" is a write of a Pastebin;
"100M paste views" a read). Front matter wins over prose; the first statement of a value wins
over later ones, and a conflict is reported as a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..artefacts import Requirements
from ..errors import FrontMatterError, ImplausibleNumberError
from ..kb import Archetype
from ..quantities import PERIOD_SECONDS, Quantity, ValueKind, extract_quantities, parse_value
from ..quantity_words import SYNONYM_GROUPS, USER_NOUNS, WRITE_NOUNS, singular, words


@dataclass(frozen=True)
class StatedValue:
    """A number the user gave, in base units, with the phrase it came from."""

    value: float
    phrase: str
    period: str | None = None  # for totals: the period the user wrote ('month', 'second')

    @property
    def per_day(self) -> float:
        """A total per `period` converted to per day."""
        if self.period is None:
            return self.value
        return self.value * PERIOD_SECONDS["day"] / PERIOD_SECONDS[self.period]


# name -> (kind for parse_value, role, default period)
_FRONT_MATTER_KEYS: dict[str, tuple[ValueKind, str | None, str]] = {
    "dau": ("dau", None, "day"),
    "daily_active_users": ("dau", None, "day"),
    "mau": ("mau", None, "day"),
    "monthly_active_users": ("mau", None, "day"),
    "users": ("users", None, "day"),
    "registered_users": ("users", None, "day"),
    "concurrent_users": ("concurrent", None, "day"),
    "concurrent_connections": ("concurrent", None, "day"),
    "writes": ("rate", "write", "day"),
    "writes_per_day": ("rate", "write", "day"),
    "writes_per_month": ("rate", "write", "month"),
    "writes_per_second": ("rate", "write", "second"),
    "reads": ("rate", "read", "day"),
    "reads_per_day": ("rate", "read", "day"),
    "reads_per_month": ("rate", "read", "month"),
    "reads_per_second": ("rate", "read", "second"),
    "requests_per_day": ("rate", "request", "day"),
    "requests_per_second": ("rate", "request", "second"),
    "qps": ("rate", "request", "second"),
    "writes_per_user_per_day": ("rate", "write_per_user", "day"),
    "read_write_ratio": ("ratio", "read_write", "day"),
    "reads_per_write": ("ratio", "read_write", "day"),
    "peak_factor": ("ratio", "peak", "day"),
    "object_size": ("size", "object", "day"),
    "object_bytes": ("size", "object", "day"),
    "payload_size": ("size", "object", "day"),
    "metadata_size": ("size", "metadata", "day"),
    "metadata_bytes": ("size", "metadata", "day"),
    "media_size": ("size", "media", "day"),
    "media_bytes": ("size", "media", "day"),
    "retention": ("retention", None, "day"),
    "retention_days": ("retention", None, "day"),
    "availability": ("percent", "availability", "day"),
    "sla": ("percent", "availability", "day"),
    "durability": ("percent", "durability", "day"),
    "latency_p99": ("latency", None, "day"),
    "p99": ("latency", None, "day"),
    "p99_latency": ("latency", None, "day"),
    "budget": ("money", None, "day"),
    "budget_usd_month": ("money", None, "day"),
    "monthly_budget": ("money", None, "day"),
    "regions": ("count", "regions", "day"),
    "followers": ("count", "followers", "day"),
    "avg_followers": ("count", "followers", "day"),
}


@dataclass
class Stated:
    """Everything the user stated, by meaning (None = not stated)."""

    values: dict[str, StatedValue] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    from_front_matter: set[str] = field(default_factory=set)

    def get(self, name: str) -> StatedValue | None:
        """The stated value called `name` (see `_slot` for the names), if any."""
        return self.values.get(name)

    def put(self, name: str, value: StatedValue, *, override: bool = False) -> None:
        """Record a stated value; the first one wins unless `override` (front matter)."""
        old = self.values.get(name)
        if old is None or override:
            self.values[name] = value
            if override:
                self.from_front_matter.add(name)
        elif name in self.from_front_matter:
            return  # front matter is authoritative; prose may phrase things differently
        elif abs(old.per_day - value.per_day) > 1e-9 * max(1.0, abs(old.per_day)):
            self.warnings.append(
                f'Two different values for {name.replace("_", " ")}: "{old.phrase}" and '
                f'"{value.phrase}"; the design uses "{old.phrase}".'
            )


def _noun_heads(noun_phrase: str) -> set[str]:
    """The nouns of a phrase and their synonyms: 'short link' -> {short, link, url}."""
    heads = {singular(w) for w in re.findall(r"[a-z]+", noun_phrase.lower())}
    for group in SYNONYM_GROUPS:
        if heads & group:
            heads |= group
    return heads


# write words that name writing in general, not a specific kind of event
_GENERIC_WRITES = words(
    "write upload post insert update create creation submission tweet message publish edit "
    "entry record item"
)


def _rate_role(q: Quantity, archetype: Archetype) -> str:
    """read / write / request / other for a rate: the archetype's own nouns first, then the
    general words; a specific event that is not the archetype's write ('rides' for a
    location-tracking design) is 'other'."""
    noun = q.noun or ""
    if not noun:  # front matter says what it is: writes_per_second, reads_per_day, ...
        return q.role or "unassigned"
    write_heads = _noun_heads(archetype.write_noun)
    if noun in _noun_heads(archetype.read_noun) - write_heads:
        return "read"
    if noun in write_heads:
        return "write"
    if q.role in ("read", "request") or (noun == "time" and q.role):
        return q.role
    if q.role == "write":
        # a specific event ("rides") is the main write only when the archetype's write is
        # generic too; "driver location update" is specific, so rides are another event
        specific_archetype = bool(write_heads - _GENERIC_WRITES)
        if noun in _GENERIC_WRITES or not specific_archetype:
            return "write"
        return "other"
    return "unassigned"


def _slot(q: Quantity, archetype: Archetype) -> tuple[str, StatedValue] | None:
    """The stated-value name a quantity fills, e.g. 'writes_total', 'object_bytes'."""
    sv = StatedValue(q.value, q.phrase)
    if q.kind in ("dau", "mau"):
        return q.kind, sv
    if q.kind == "users":
        return ("concurrent_users" if q.role == "concurrent" else "users"), sv
    if q.kind == "rate":
        role = q.role if q.role == "write_per_user" else _rate_role(q, archetype)
        per = StatedValue(q.value, q.phrase, q.period)
        if q.per_user or role == "write_per_user":
            if role == "other":
                return None
            return ("reads_per_user" if role == "read" else "writes_per_user"), per
        if role == "other" or (role == "unassigned" and q.noun):
            return f"event:{q.noun}", per
        if q.bound == "peak":
            return f"peak_{role}s", per
        return f"{role}s_total", per
    if q.kind == "size":
        if q.role in ("object", "media", "metadata") and q.bound != "max":
            return f"{q.role}_bytes", sv
        if q.role in ("object", "media") and q.bound == "max":
            return f"max_{q.role}_bytes", sv
        return None
    if q.kind == "duration" and q.role in ("latency", "retention"):
        return ("latency_p99" if q.role == "latency" else "retention"), sv
    if q.kind == "percent" and q.role in ("availability", "durability"):
        return q.role, sv
    if q.kind == "money" and q.role == "budget":
        return "budget", sv
    if q.kind == "ratio" and q.role in ("read_write", "peak"):
        return ("reads_per_write" if q.role == "read_write" else "peak_factor"), sv
    if q.kind == "count" and q.noun in ("region", "follower", "city", "country"):
        return f"{q.noun}s", sv
    if q.kind == "count" and q.role == "followers":
        return "followers", sv
    if q.kind == "count" and q.role == "regions":
        return "regions", sv
    return None


def _front_matter(fm: dict[str, Any]) -> list[Quantity]:
    found: list[Quantity] = []
    for key, raw in fm.items():
        spec = _FRONT_MATTER_KEYS.get(key.lower().replace("-", "_").replace(" ", "_"))
        if spec is None or raw is None:
            continue
        kind, role, period = spec
        try:
            q = parse_value(kind, raw, key, role=role, period=period)
        except ImplausibleNumberError:
            raise
        except ValueError as exc:
            raise FrontMatterError(f"front matter '{key}': {exc}") from None
        if role == "write_per_user":
            q = Quantity(
                "rate", q.value, q.phrase, role="write_per_user", period=q.period, per_user=True
            )
        found.append(q)
    return found


def gather_stated(
    req: Requirements, archetype: Archetype, prose: list[Quantity] | None = None
) -> Stated:
    """Every stated number of `req` (front matter first, then prose), slotted by meaning.

    `prose` are the quantities already extracted from the text (the scoper extracts them once,
    with lines aimed at a language model removed); by default they are read from req.text.
    Raises ImplausibleNumberError for impossible numbers.
    """
    stated = Stated()
    if prose is None:
        prose = extract_quantities(req.text)
    stated.quantities = prose
    for q in _front_matter(req.front_matter):
        slot = _slot(q, archetype)
        if slot:
            stated.put(*slot, override=True)
    for q in prose:
        slot = _slot(q, archetype)
        if slot:
            stated.put(*slot)
    # an unknown noun ("1B pages a month") is the main write when no write is stated
    unknown = [k for k in stated.values if k.startswith("event:") and k != "event:time"]
    main_write = ("writes_total", "peak_writes", "writes_per_user", "requests_total")
    if unknown and not any(k in stated.values for k in main_write):
        first = next(
            (k for k in unknown if k[6:] not in WRITE_NOUNS and k[6:] not in USER_NOUNS),
            None,
        )
        if first is not None:
            stated.values["writes_total"] = stated.values.pop(first)
    return stated


def other_events(stated: Stated) -> dict[str, StatedValue]:
    """Stated rates of events that are not the main write or read: noun -> total."""
    return {k[6:]: v for k, v in stated.values.items() if k.startswith("event:")}
