"""What every review rule reads: the artefacts, the knowledge base and derived facts.

A rule is a named function `(ctx: ReviewContext) -> list[Finding]`. The context answers the
questions rules share (which components are on the critical path, what features a component
effectively has, what load it carries, how severe a rule is by default) so each rule stays a
short statement of one distributed-systems lesson.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import get_args

from ..artefacts import Architecture, Component, CostReport, Finding, Link, Review, Scope
from ..artefacts.review import Quality, Severity
from ..cost.load import (
    NODE_AVAILABILITY,
    Figure,
    availability_target_pct,
    option_for,
    peak_load,
    redundancy_min,
)
from ..kb import KnowledgeBase, TechOption
from ..regions import is_steering

SEVERITIES: tuple[Severity, ...] = ("minor", "major", "blocker")  # ascending
QUALITIES: tuple[str, ...] = get_args(Quality)

# Default severity and quality of each rule; kb.rules (rules.yaml) overrides them.
DEFAULT_RULES: dict[str, tuple[Severity, Quality]] = {
    "no-spof": ("blocker", "resilient"),
    "availability-composition": ("major", "resilient"),
    "durability": ("major", "resilient"),
    "budget": ("major", "cost_aware"),
    "headroom": ("major", "scalable"),
    "hot-keys": ("major", "scalable"),
    "retry-idempotency": ("major", "resilient"),
    "queue-dlq": ("major", "resilient"),
    "queue-backpressure": ("major", "resilient"),
    "rate-limiting": ("major", "secure"),
    "slo-alerting": ("major", "observable"),
    "cache-invalidation": ("major", "fit"),
    "thundering-herd": ("minor", "scalable"),
    "unbounded-fanout": ("major", "scalable"),
    "split-brain": ("major", "resilient"),
    "check-then-act": ("major", "fit"),
    "clock-ordering": ("minor", "fit"),
    "latency-budget": ("major", "fit"),
    "encryption": ("minor", "secure"),
    "unserved-requirement": ("major", "maintainable"),
}

# Quality names the knowledge base may use -> the scorecard's qualities.
QUALITY_ALIASES: dict[str, Quality] = {
    "resilience": "resilient",
    "reliability": "resilient",
    "scalability": "scalable",
    "performance": "fit",
    "maintainability": "maintainable",
    "observability": "observable",
    "cost": "cost_aware",
    "security": "secure",
    "correctness": "fit",
}
ENTRY_KINDS = ("cdn", "api_gateway", "load_balancer", "websocket_gateway")


def main_entries(entries: list[Component], links: list[Link]) -> list[Component]:
    """The entries of the main user path: a side entry whose every call is off the critical
    path (a media CDN next to the API) is left out while another entry remains."""
    main = [
        c
        for c in entries
        if not (out := [lk for lk in links if lk.source == c.id]) or any(lk.critical for lk in out)
    ]
    return main or entries


WRITE_WORDS = re.compile(
    r"\b(post|put|patch|delete|write|writes|insert|upsert|update|create|store|save|publish|"
    r"enqueue|produce|append|send|charge|reserve|book|increment|set)\b",
    re.IGNORECASE,
)


@dataclass
class ReviewContext:
    """The inputs of one review round and the facts derived from them."""

    scope: Scope
    arch: Architecture
    cost: CostReport
    kb: KnowledgeBase
    round: int = 1
    previous: Review | None = None

    # ---- rule metadata ------------------------------------------------------------------
    def severity(self, rule: str, shift: int = 0) -> Severity:
        """The rule's base severity (knowledge base, else default) moved `shift` steps."""
        info = self.kb.rules.get(rule)
        base = DEFAULT_RULES.get(rule, ("major", "fit"))[0]
        if info is not None and info.severity in SEVERITIES:
            base = info.severity
        index = min(max(SEVERITIES.index(base) + shift, 0), len(SEVERITIES) - 1)
        return SEVERITIES[index]

    def quality(self, rule: str) -> Quality:
        info = self.kb.rules.get(rule)
        if info is not None:
            if info.quality in QUALITY_ALIASES:
                return QUALITY_ALIASES[info.quality]
            if info.quality in QUALITIES:
                return info.quality  # type: ignore[return-value]
        return DEFAULT_RULES.get(rule, ("major", "fit"))[1]

    def finding(
        self,
        rule: str,
        component: str | None,
        message: str,
        recommendation: str,
        shift: int = 0,
    ) -> Finding:
        """A finding of `rule`; its id is assigned when the round is assembled."""
        return Finding(
            id="",
            rule=rule,
            severity=self.severity(rule, shift),
            component=component,
            message=message,
            recommendation=recommendation,
            quality=self.quality(rule),
        )

    # ---- components and links -----------------------------------------------------------
    def comp(self, component_id: str) -> Component | None:
        return self.arch.component(component_id)

    def of_kind(self, *kinds: str) -> list[Component]:
        """Components of `kinds`; the global traffic steering (DNS) is not a regional tier, so
        rules about balancers and gateways do not see it."""
        return [c for c in self.arch.components if c.kind in kinds and not is_steering(c)]

    @cached_property
    def steering(self) -> list[Component]:
        """The global traffic-steering components (multi-region DNS), if any."""
        return [c for c in self.arch.components if is_steering(c)]

    @cached_property
    def _options(self) -> dict[str, TechOption | None]:
        return {c.id: option_for(c, self.kb) for c in self.arch.components}

    def option(self, component: Component) -> TechOption | None:
        """The catalogue option the component runs on, if the catalogue knows it."""
        return self._options.get(component.id)

    def features(self, component: Component) -> set[str]:
        """Its own features plus what its technology provides out of the box."""
        option = self.option(component)
        return set(component.features) | set(option.features if option else [])

    def has(self, component: Component, *features: str) -> bool:
        """Whether it has any of `features`."""
        return bool(self.features(component) & set(features))

    def outgoing(self, component_id: str) -> list[Link]:
        return [link for link in self.arch.links if link.source == component_id]

    def incoming(self, component_id: str) -> list[Link]:
        """Calls into the component; a DNS answer from the traffic steering is not a call
        (clients then call the regional entry directly)."""
        steering = {c.id for c in self.steering}
        return [
            link
            for link in self.arch.links
            if link.target == component_id and link.source not in steering
        ]

    @cached_property
    def entries(self) -> list[Component]:
        """Where requests enter: components nothing calls, edge kinds first."""
        roots = [c for c in self.arch.components if not self.incoming(c.id) and not is_steering(c)]
        edge = [c for c in roots if c.kind in ENTRY_KINDS]
        return edge or [c for c in roots if c.kind != "external"]

    @cached_property
    def critical_path(self) -> list[Component]:
        """Components reachable from the entries over critical links, in visiting order."""
        order: list[str] = []
        queue = [c.id for c in main_entries(self.entries, self.arch.links)]
        while queue:
            current = queue.pop(0)
            if current in order or self.comp(current) is None:
                continue
            order.append(current)
            queue.extend(lk.target for lk in self.outgoing(current) if lk.critical)
        return [c for c in (self.comp(i) for i in order) if c is not None]

    @cached_property
    def critical_ids(self) -> set[str]:
        return {c.id for c in self.critical_path}

    def is_write(self, link: Link) -> bool:
        """Whether a link carries a write (by its label's verb)."""
        return bool(WRITE_WORDS.search(link.label))

    def availability(self, component: Component) -> float:
        """Contract formula: managed => SLA; else 1 - (1 - 0.995)^n for stateless or failover
        tiers, 0.995 for a single node or a stateful store without failover."""
        option = self.option(component)
        if component.managed or component.instances == 0:
            if option is not None and option.sla_pct:
                return option.sla_pct / 100
            return component.availability
        n = component.instances
        if not component.stateful or self.has(component, "automatic_failover"):
            return float(1 - (1 - NODE_AVAILABILITY) ** n)
        return NODE_AVAILABILITY

    def peak(self, component: Component) -> Figure:
        return peak_load(component, self.scope)

    def entities_in(self, component: Component) -> list[str]:
        return [e.name for e in self.arch.entities if e.store == component.id]

    def frs_of(self, component: Component) -> list[str]:
        known = {fr.id for fr in self.scope.functional}
        return [s for s in component.serves if s in known]

    # ---- requirements -------------------------------------------------------------------
    @property
    def availability_target(self) -> float:
        """Availability target as a fraction (99.9% -> 0.999)."""
        return availability_target_pct(self.scope) / 100

    @property
    def has_availability_nfr(self) -> bool:
        nfr = self.scope.nfr("availability")
        return nfr is not None and bool(nfr.target)

    @property
    def redundancy_min(self) -> int:
        return redundancy_min(self.scope)

    def nfr_target(self, metric: str) -> float | None:
        nfr = self.scope.nfr(metric)
        return float(nfr.target) if nfr is not None and nfr.target else None

    @cached_property
    def traits(self) -> str:
        """Archetype, family and capability ids and names, lower-case, for keyword checks."""
        words = [self.scope.archetype, *self.scope.capabilities]
        archetype = self.kb.archetypes.get(self.scope.archetype)
        if archetype is not None:
            words += [archetype.name, archetype.family, *archetype.capabilities]
        for cap_id in self.scope.capabilities:
            cap = self.kb.capabilities.get(cap_id)
            if cap is not None:
                words.append(cap.name)
        words += [fr.capability or "" for fr in self.scope.functional]
        return " ".join(words).lower()

    @cached_property
    def _trait_tokens(self) -> set[str]:
        return set(re.split(r"[^a-z0-9]+", self.traits)) - {""}

    def mentions(self, *stems: str) -> list[str]:
        """Words of the archetype/capabilities that match `stems`: a phrase with '_' or ' ' as
        a substring, a single stem as the start of a word ('reserv' finds 'reservations')."""
        found: list[str] = []
        for stem in stems:
            if "_" in stem or " " in stem:
                if stem in self.traits or stem.replace("_", " ") in self.traits:
                    found.append(stem)
                continue
            found += sorted(t for t in self._trait_tokens if t.startswith(stem))
        return list(dict.fromkeys(found))

    @cached_property
    def reads_per_write(self) -> float:
        stated = self.scope.value("reads_per_write", 0.0)
        if stated > 0:
            return stated
        writes = self.scope.value("write_qps_avg", 0.0)
        return self.scope.value("read_qps_avg", 0.0) / writes if writes > 0 else 0.0

    @cached_property
    def read_heavy(self) -> bool:
        archetype = self.kb.archetypes.get(self.scope.archetype)
        if self.reads_per_write > 0:
            return self.reads_per_write >= 5
        return bool(archetype is not None and archetype.read_heavy)

    @cached_property
    def fanout_estimate(self) -> str | None:
        """Name of the scope's fan-out estimate, if the system fans out."""
        return next((e.name for e in self.scope.estimates if "fanout" in e.name), None)

    def value_text(self, name: str) -> str:
        """'read_qps_peak 3,480/s' style: an estimate or assumption with its display."""
        est = self.scope.estimate(name)
        if est is not None:
            return f"{name} {est.display}"
        for a in self.scope.assumptions:
            if a.name == name:
                return f"{name} {a.display}"
        return name


def listing(items: list[str], limit: int = 4) -> str:
    """'a, b and c' (at most `limit` named, then 'and n more')."""
    items = list(dict.fromkeys(items))
    if not items:
        return "nothing"
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]
