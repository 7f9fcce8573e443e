"""Mutations of the hardened test design: each changes one thing (a feature, a count, an
NFR, an added component) so a review rule's flaw or mitigation can be applied in one line."""

from __future__ import annotations

from collections.abc import Callable

from review_fixtures import empty_cost, good_design, good_scope, make_kb

from agents.artefacts import (
    Architecture,
    Assumption,
    Component,
    CostReport,
    Entity,
    EntityField,
    Estimate,
    Link,
    Scope,
)
from agents.reviewer import ReviewContext

Mutation = Callable[[Scope, Architecture], CostReport | None]


def ctx_with(mutate: Mutation | None = None) -> ReviewContext:
    scope, arch = good_scope(), good_design()
    cost = (mutate(scope, arch) if mutate else None) or empty_cost()
    return ReviewContext(scope=scope, arch=arch, cost=cost, kb=make_kb())


def component_of(arch: Architecture, cid: str) -> Component:
    comp = arch.component(cid)
    assert comp is not None
    return comp


def drop_features(arch: Architecture, cid: str, *features: str) -> None:
    comp = component_of(arch, cid)
    comp.features = [f for f in comp.features if f not in features]


def add_features(arch: Architecture, cid: str, *features: str) -> None:
    component_of(arch, cid).features.extend(features)


def set_nfr(scope: Scope, metric: str, target: float) -> None:
    nfr = scope.nfr(metric)
    assert nfr is not None
    nfr.target = target


def add_estimate(scope: Scope, name: str, value: float, unit: str = "req/s") -> None:
    scope.estimates.append(
        Estimate(
            name=name,
            label=name,
            value=value,
            unit=unit,
            display=f"{value:,.0f}",
            formula=name,
            inputs={name: value},
        )
    )


def add_kv_store(arch: Architecture, key: str) -> None:
    arch.components.append(
        Component(
            id="events_kv",
            name="events",
            kind="kv_store",
            technology="Cassandra",
            instances=3,
            sizing="t",
            stateful=True,
            replication=3,
            serves=["FR-3"],
            estimates=["write_qps_peak"],
            responsibility="r",
            features=["backups", "encryption_at_rest", "fencing_tokens"],
        )
    )
    arch.entities.append(
        Entity(
            name="ViewEvent",
            store="events_kv",
            partition_key=key,
            fields=[EntityField(name=key, type="string", key="PK")],
        )
    )


def add_fanout_worker(arch: Architecture, *features: str) -> None:
    arch.components.append(
        Component(
            id="fanout_worker",
            name="timeline fan-out",
            kind="worker",
            technology="Worker pool",
            instances=4,
            sizing="t",
            stateful=False,
            serves=["FR-3"],
            estimates=["fanout_writes_per_sec"],
            responsibility="r",
            features=list(features),
        )
    )


def add_followers(scope: Scope) -> None:
    add_estimate(scope, "fanout_writes_per_sec", 23000)
    scope.assumptions.append(
        Assumption(
            name="max_followers",
            label="followers of the top account",
            value=5e7,
            unit="count",
            display="50M",
            provenance="assumed",
            why="celebrity",
        )
    )


def steps(*actions: Callable[[Scope, Architecture], object]) -> Mutation:
    def run(scope: Scope, arch: Architecture) -> CostReport | None:
        result = None
        for step in actions:
            out = step(scope, arch)
            result = out if isinstance(out, CostReport) else result
        return result

    return run


def set_fields(cid: str, **values: object) -> Callable[[Scope, Architecture], None]:
    def run(_: Scope, arch: Architecture) -> None:
        for key, value in values.items():
            setattr(component_of(arch, cid), key, value)

    return run


def add_session_cache(_: Scope, arch: Architecture) -> None:
    """A cache of sessions, not of stored records: no hot read key, no herd onto a store."""
    arch.components.append(
        Component(
            id="session_cache",
            name="sessions",
            kind="cache",
            technology="Redis",
            instances=2,
            sizing="t",
            stateful=False,
            serves=["FR-1"],
            responsibility="r",
            features=["ttl_invalidation"],
        )
    )
    arch.links.append(Link(source="api", target="session_cache", label="GET session"))


def add_uncached_kv(scope: Scope, arch: Architecture, *features: str) -> None:
    """A Cassandra store the counter worker reads directly (no cache in front), under a read
    peak of 1M/s so the hottest key's partition runs hot."""
    read_peak = scope.estimate("read_qps_peak")
    assert read_peak is not None
    read_peak.value = 1_000_000
    arch.components.append(
        Component(
            id="profile_kv",
            name="profiles",
            kind="kv_store",
            technology="Cassandra",
            instances=3,
            sizing="t",
            stateful=True,
            replication=3,
            serves=["FR-2"],
            estimates=["read_qps_peak"],
            responsibility="r",
            features=["backups", "encryption_at_rest", "multi_az", *features],
        )
    )
    arch.links.append(Link(source="counter", target="profile_kv", label="GET profile"))
