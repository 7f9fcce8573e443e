"""Hand-built scope and architecture for the cost and reviewer tests.

`good_design()` is a paste service hardened against every review rule (all rules are silent
on it); tests apply one flaw at a time. Nothing here depends on the scoper/architect kernels.
"""

from __future__ import annotations

from review_kb import PRICES, make_kb

from agents.artefacts import (
    Architecture,
    Assumption,
    Component,
    CostReport,
    Endpoint,
    Entity,
    EntityField,
    Estimate,
    Flow,
    FlowStep,
    Link,
    Observability,
    Requirement,
    Scope,
)

__all__ = ["PRICES", "empty_cost", "good_design", "good_scope", "make_kb"]


def _est(name: str, value: float, unit: str, label: str = "") -> Estimate:
    return Estimate(
        name=name,
        label=label or name.replace("_", " "),
        value=value,
        unit=unit,
        display=f"{value:,.0f}",
        formula=name,
        inputs={name: value},
    )


def _nfr(n: int, metric: str, target: float, unit: str) -> Requirement:
    return Requirement(
        id=f"NFR-{n}",
        kind="non_functional",
        text=f"{metric} {target}",
        metric=metric,
        target=target,
        unit=unit,
    )


def good_scope() -> Scope:
    assumptions = [
        Assumption(
            name=n,
            label=n,
            value=v,
            unit="count",
            display=f"{v:g}",
            provenance="assumed",
            why="test",
        )
        for n, v in (
            ("dau", 1e6),
            ("reads_per_write", 10),
            ("peak_factor", 3),
            ("retention_days", 365),
            ("seconds_per_day", 86400),
        )
    ]
    return Scope(
        system_name="Pastebin",
        summary="Share text pastes by short key.",
        archetype="pastebin",
        capabilities=["key_generation"],
        functional=[
            Requirement(id="FR-1", kind="functional", text="Create a paste"),
            Requirement(id="FR-2", kind="functional", text="Read a paste by its key"),
            Requirement(id="FR-3", kind="functional", text="Count paste views"),
        ],
        non_functional=[
            _nfr(1, "availability", 99.9, "percent"),
            _nfr(2, "latency_p99", 0.2, "seconds"),
            _nfr(3, "durability", 99.99, "percent"),
            _nfr(4, "budget", 8000, "USD/month"),
        ],
        assumptions=assumptions,
        estimates=[
            _est("write_qps_avg", 116, "req/s"),
            _est("write_qps_peak", 348, "req/s"),
            _est("read_qps_avg", 1160, "req/s"),
            _est("read_qps_peak", 3480, "req/s"),
            _est("storage_per_day", 5e9, "bytes"),
            _est("storage_total", 1.825e12, "bytes"),
            _est("metadata_storage_total", 1e11, "bytes"),
            _est("egress_bandwidth", 1.16e6, "bytes/s", "average egress"),
            _est("cache_memory", 2e10, "bytes"),
        ],
    )


def _comp(
    cid: str,
    kind: str,
    tech: str,
    instances: int,
    serves: list[str],
    *,
    stateful: bool = False,
    replication: int = 1,
    managed: bool = False,
    estimates: list[str] | None = None,
    features: list[str] | None = None,
) -> Component:
    return Component(
        id=cid,
        name=cid.replace("_", " "),
        kind=kind,
        technology=tech,
        responsibility=f"{cid} does its job",
        instances=instances,
        sizing="test",
        stateful=stateful,
        replication=replication,
        managed=managed,
        serves=serves,
        estimates=estimates or [],
        features=features or [],
    )


def good_design() -> Architecture:
    comps = [
        _comp(
            "lb",
            "load_balancer",
            "ALB",
            0,
            ["FR-1", "FR-2"],
            managed=True,
            estimates=["read_qps_peak", "write_qps_peak"],
            features=["tls", "rate_limiting"],
        ),
        _comp(
            "api",
            "service",
            "Python service",
            3,
            ["FR-1", "FR-2"],
            estimates=["read_qps_peak", "write_qps_peak"],
            features=["autoscaling", "retries_with_backoff", "circuit_breaker", "multi_az"],
        ),
        _comp(
            "paste_cache",
            "cache",
            "Redis",
            2,
            ["FR-2", "NFR-2"],
            replication=2,
            estimates=["read_qps_peak", "cache_memory"],
            features=[
                "ttl_invalidation",
                "invalidate_on_write",
                "request_coalescing",
                "jittered_ttl",
                "hot_key_replication",
            ],
        ),
        _comp(
            "paste_db",
            "sql_db",
            "PostgreSQL",
            3,
            ["FR-1", "FR-2"],
            stateful=True,
            replication=3,
            estimates=["write_qps_peak", "metadata_storage_total"],
            features=[
                "automatic_failover",
                "multi_az",
                "quorum",
                "backups",
                "point_in_time_recovery",
                "encryption_at_rest",
                "conditional_writes",
                "idempotency_keys",
            ],
        ),
        _comp(
            "blob",
            "object_store",
            "Amazon S3",
            0,
            ["FR-1", "FR-2"],
            stateful=True,
            managed=True,
            estimates=["storage_total"],
        ),
        _comp(
            "view_queue",
            "queue",
            "Kafka",
            3,
            ["FR-3"],
            stateful=True,
            replication=3,
            estimates=["read_qps_peak"],
            features=[
                "dead_letter_queue",
                "multi_az",
                "backpressure",
                "consumer_lag_alerts",
                "encryption_at_rest",
            ],
        ),
        _comp(
            "counter",
            "worker",
            "Worker pool",
            2,
            ["FR-3"],
            estimates=["read_qps_avg"],
            features=["idempotency_keys", "autoscaling"],
        ),
    ]
    links = [
        Link(source="lb", target="api", label="HTTPS /v1/pastes"),
        Link(source="api", target="paste_cache", label="GET paste:{key}", critical=False),
        Link(source="api", target="paste_db", label="INSERT paste / SELECT on miss"),
        Link(source="api", target="blob", label="PUT/GET content"),
        Link(
            source="api",
            target="view_queue",
            label="publish view event",
            sync=False,
            critical=False,
        ),
        Link(
            source="view_queue",
            target="counter",
            label="consume view events",
            sync=False,
            critical=False,
        ),
        Link(
            source="counter",
            target="paste_db",
            label="UPDATE view_count",
            sync=False,
            critical=False,
        ),
    ]
    read_flow = Flow(
        name="read a paste",
        path="read",
        example='{"key": "aZ3x9"}',
        steps=[
            FlowStep(source="client", target="lb", action="GET /v1/pastes/aZ3x9"),
            FlowStep(source="lb", target="api", action="forward"),
            FlowStep(source="api", target="paste_cache", action="GET paste:aZ3x9 (miss)"),
            FlowStep(source="api", target="paste_db", action="SELECT metadata"),
            FlowStep(source="api", target="blob", action="GET content"),
            FlowStep(source="api", target="client", action="200 OK", reply=True),
        ],
    )
    return Architecture(
        components=comps,
        links=links,
        endpoints=[
            Endpoint(
                method="POST", path="/v1/pastes", purpose="create", serves=["FR-1"], component="api"
            ),
            Endpoint(
                method="GET",
                path="/v1/pastes/{key}",
                purpose="read",
                serves=["FR-2"],
                component="api",
            ),
        ],
        entities=[
            Entity(
                name="Paste",
                store="paste_db",
                partition_key="paste_key",
                fields=[EntityField(name="paste_key", type="string", key="PK")],
            ),
            Entity(
                name="PasteContent",
                store="blob",
                fields=[EntityField(name="paste_key", type="string", key="PK")],
            ),
        ],
        flows=[read_flow],
        decisions=[],
        deep_dives=[],
        failure_modes=[],
        observability=Observability(
            slis=["availability of reads", "p99 read latency"],
            slos=["99.9% of GET /v1/pastes succeed over 30 days", "p99 latency < 200 ms for reads"],
            dashboards=["per-tier RED"],
            alerts=["burn rate 2% of error budget in 1 h"],
        ),
    )


def empty_cost(total: float = 1000.0, budget: float | None = 5000.0) -> CostReport:
    return CostReport(
        items=[],
        total_monthly_usd=total,
        budget_monthly_usd=budget,
        within_budget=None if budget is None else total <= budget,
        price_table="test (2026-01-01)",
    )
