"""The registry of review rules: rule id -> named check `(ctx) -> list[Finding]`.

The order is the order findings are numbered in a first round. Each rule's severity and quality
default to `context.DEFAULT_RULES` and can be overridden in the knowledge base (rules.yaml).
"""

from __future__ import annotations

from collections.abc import Callable

from ..artefacts import Finding
from .context import ReviewContext
from .rules_data import (
    cache_invalidation,
    check_then_act,
    clock_ordering,
    encryption,
    hot_keys,
    thundering_herd,
)
from .rules_ops import budget, slo_alerting, unserved_requirement
from .rules_resilience import (
    availability_composition,
    durability,
    no_spof,
    retry_idempotency,
    split_brain,
)
from .rules_traffic import (
    headroom,
    latency_budget,
    queue_backpressure,
    queue_dlq,
    rate_limiting,
    unbounded_fanout,
)
from .rules_zones import zone_spread

Rule = Callable[[ReviewContext], list[Finding]]

RULES: dict[str, Rule] = {
    "no-spof": no_spof,
    "zone-spread": zone_spread,
    "availability-composition": availability_composition,
    "durability": durability,
    "budget": budget,
    "headroom": headroom,
    "hot-keys": hot_keys,
    "retry-idempotency": retry_idempotency,
    "queue-dlq": queue_dlq,
    "queue-backpressure": queue_backpressure,
    "rate-limiting": rate_limiting,
    "slo-alerting": slo_alerting,
    "cache-invalidation": cache_invalidation,
    "thundering-herd": thundering_herd,
    "unbounded-fanout": unbounded_fanout,
    "split-brain": split_brain,
    "check-then-act": check_then_act,
    "clock-ordering": clock_ordering,
    "latency-budget": latency_budget,
    "encryption": encryption,
    "unserved-requirement": unserved_requirement,
}
