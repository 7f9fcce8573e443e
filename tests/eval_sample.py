"""A small, hand-made, correct design (a pastebin) and its Markdown, for the eval-harness tests.

Tests break one thing at a time in a copy and expect exactly the matching check to fail.
"""

from __future__ import annotations

from typing import Any

from agents.artefacts import (
    Architecture,
    Assumption,
    Component,
    CostItem,
    CostReport,
    DeepDive,
    DesignDoc,
    Endpoint,
    Entity,
    EntityField,
    Estimate,
    EstimateUnit,
    FailureMode,
    Finding,
    Flow,
    FlowStep,
    Link,
    Observability,
    QualityScore,
    Requirement,
    Requirements,
    Review,
    Scope,
    WrapUp,
)


def _assumption(name: str, value: float, unit: str = "count") -> Assumption:
    return Assumption(
        name=name,
        label=name,
        value=value,
        unit=unit,
        display=f"{value:g}",
        provenance="stated",
        why="test",
    )


def _estimate(
    name: str, value: float, unit: EstimateUnit, formula: str, inputs: dict[str, float]
) -> Estimate:
    return Estimate(
        name=name,
        label=name,
        value=value,
        unit=unit,
        display=f"{value:g}",
        formula=formula,
        inputs=inputs,
    )


def sample_scope() -> Scope:
    writes_per_day = 10_000_000 / 30
    wqps = writes_per_day / 86400
    return Scope(
        system_name="Pastebin",
        summary="Users paste text and share a short link.",
        archetype="pastebin",
        capabilities=["short_links"],
        functional=[
            Requirement(id="FR-1", kind="functional", text="Create a paste and get a short link."),
            Requirement(id="FR-2", kind="functional", text="Read a paste by its link."),
            Requirement(id="FR-3", kind="functional", text="Pastes expire after a chosen time."),
        ],
        non_functional=[
            Requirement(
                id="NFR-1",
                kind="non_functional",
                text="99.9% available",
                metric="availability",
                target=99.9,
                unit="percent",
            ),
            Requirement(
                id="NFR-2",
                kind="non_functional",
                text="p99 read < 200 ms",
                metric="latency_p99",
                target=0.2,
                unit="seconds",
            ),
            Requirement(
                id="NFR-3",
                kind="non_functional",
                text="Budget $3k/month",
                metric="budget",
                target=3000,
                unit="USD/month",
            ),
        ],
        assumptions=[
            _assumption("writes_per_month", 10_000_000),
            _assumption("days_per_month", 30),
            _assumption("seconds_per_day", 86400, "seconds"),
            _assumption("reads_per_write", 10, "ratio"),
            _assumption("peak_factor", 3, "ratio"),
        ],
        estimates=[
            _estimate(
                "writes_per_day",
                writes_per_day,
                "per_day",
                "writes_per_month / days_per_month",
                {"writes_per_month": 10_000_000, "days_per_month": 30},
            ),
            _estimate(
                "write_qps_avg",
                wqps,
                "req/s",
                "writes_per_day / seconds_per_day",
                {"writes_per_day": writes_per_day, "seconds_per_day": 86400},
            ),
            _estimate(
                "read_qps_avg",
                wqps * 10,
                "req/s",
                "write_qps_avg * reads_per_write",
                {"write_qps_avg": wqps, "reads_per_write": 10},
            ),
            _estimate(
                "read_qps_peak",
                wqps * 30,
                "req/s",
                "read_qps_avg * peak_factor",
                {"read_qps_avg": wqps * 10, "peak_factor": 3},
            ),
            _estimate(
                "write_qps_peak",
                wqps * 3,
                "req/s",
                "write_qps_avg * peak_factor",
                {"write_qps_avg": wqps, "peak_factor": 3},
            ),
        ],
    )


def _component(
    cid: str, kind: str, tech: str, serves: list[str], instances: int = 2, **extra: Any
) -> Component:
    return Component(
        id=cid,
        name=cid.replace("_", " "),
        kind=kind,
        technology=tech,
        responsibility=f"{cid} work",
        instances=instances,
        sizing=f"{instances} nodes",
        replication=instances if kind in ("sql_db", "cache") else 1,
        stateful=kind in ("sql_db", "cache", "object_store"),
        serves=serves,
        **extra,
    )


def sample_architecture() -> Architecture:
    return Architecture(
        components=[
            _component("lb", "load_balancer", "ALB", ["NFR-1"], features=["rate_limiting", "tls"]),
            _component(
                "api",
                "service",
                "Go service",
                ["FR-1", "FR-2", "FR-3"],
                features=["idempotency_keys", "retries_with_backoff"],
            ),
            _component(
                "paste_cache",
                "cache",
                "Redis",
                ["FR-2", "NFR-2"],
                estimates=["read_qps_peak", "cache_memory"],
                features=[
                    "ttl_invalidation",
                    "request_coalescing",
                    "automatic_failover",
                    "quorum",
                    "encryption_at_rest",
                ],
            ),
            _component(
                "paste_db",
                "sql_db",
                "PostgreSQL",
                ["FR-1", "FR-2", "FR-3"],
                3,
                features=[
                    "automatic_failover",
                    "backups",
                    "multi_az",
                    "quorum",
                    "encryption_at_rest",
                ],
            ),
        ],
        links=[
            Link(source="lb", target="api", label="HTTPS"),
            Link(source="api", target="paste_cache", label="GET paste"),
            Link(source="api", target="paste_db", label="INSERT paste"),
        ],
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
                fields=[EntityField(name="paste_key", type="string", key="PK")],
            ),
        ],
        flows=[
            Flow(
                name="create a paste",
                path="write",
                example='{"text": "hi"}',
                steps=[
                    FlowStep(source="client", target="lb", action="POST /v1/pastes"),
                    FlowStep(source="lb", target="api", action="forward"),
                    FlowStep(source="api", target="paste_db", action="INSERT"),
                ],
            ),
        ],
        decisions=[],
        deep_dives=[
            DeepDive(
                id="key_generation",
                title="Short-key generation",
                problem="p",
                mechanism="m",
                options=["o"],
                tradeoff="t",
                failure_modes=["f"],
                components=["api"],
            ),
        ],
        failure_modes=[
            FailureMode(
                scenario="db primary dies",
                component="paste_db",
                effect="30 s writes",
                mitigation="failover",
                data_safe=True,
                data_note="sync replica",
            ),
        ],
        observability=Observability(
            slis=["availability"],
            dashboards=["api"],
            slos=["99.9% availability", "p99 latency < 200 ms"],
            alerts=["error rate > 1%"],
        ),
        patterns=["cache_aside"],
    )


def sample_cost() -> CostReport:
    items = [
        CostItem(
            component="api",
            item="API servers",
            category="compute",
            quantity=1460,
            unit="instance-hours",
            unit_price_usd=0.1,
            monthly_usd=146.0,
        ),
        CostItem(
            component="paste_db",
            item="DB nodes",
            category="compute",
            quantity=1460,
            unit="instance-hours",
            unit_price_usd=0.5,
            monthly_usd=730.0,
        ),
        CostItem(
            component="",
            item="egress",
            category="egress",
            quantity=100,
            unit="GB",
            unit_price_usd=0.09,
            monthly_usd=9.0,
        ),
    ]
    return CostReport(
        items=items,
        total_monthly_usd=885.0,
        budget_monthly_usd=3000,
        within_budget=True,
        price_table="test 2026-11-01",
    )


def sample_reviews() -> list[Review]:
    first = Review(
        round=1,
        verdict="revise",
        scorecard=[QualityScore(quality="resilient", score=2, note="")],
        findings=[
            Finding(
                id="R-1",
                rule="no-spof",
                severity="blocker",
                component="paste_db",
                message="one node",
                recommendation="add a replica",
            )
        ],
    )
    second = Review(
        round=2,
        verdict="approve",
        scorecard=[QualityScore(quality="resilient", score=4, note="")],
        findings=[
            Finding(
                id="R-1",
                rule="no-spof",
                severity="blocker",
                component="paste_db",
                message="one node",
                recommendation="add a replica",
                status="resolved",
                resolved_in=1,
            )
        ],
    )
    return [first, second]


def sample_doc() -> DesignDoc:
    return DesignDoc(
        title="Pastebin: system design",
        requirements=Requirements(text="A pastebin, 10M pastes a month.", source="pastebin.md"),
        scope=sample_scope(),
        architecture=sample_architecture(),
        cost=sample_cost(),
        reviews=sample_reviews(),
        wrap_up=WrapUp(risks=[], limits=[], roadmap=[]),
    )


def flowchart(arch: Architecture) -> str:
    lines = ["flowchart LR", '  client(["Clients"])']
    lines += [f'  {c.id}["{c.name}"]' for c in arch.components]
    lines += [f"  {lk.source} --> {lk.target}" for lk in arch.links]
    lines.append("  client --> lb")
    return "\n".join(lines) + "\n"


SEQUENCE = "sequenceDiagram\n  participant C as Client\n  C->>A: POST /v1/pastes\n  A-->>C: 201\n"
ER = "erDiagram\n  PASTE {\n    string paste_key PK\n  }\n"


def sample_markdown(doc: DesignDoc) -> str:
    arch = doc.architecture
    rows = "\n".join(f"| {c.id} | {c.technology} | {c.instances} |" for c in arch.components)
    return f"""# {doc.title}

## 1. Scope
FR-1 ...

## 2. Capacity estimates
...

## 3. High-level design

```mermaid
{flowchart(arch)}```

| component | technology | instances |
|---|---|---|
{rows}

### Data model

```mermaid
{ER}```

## 4. Data flow

```mermaid
{SEQUENCE}```

## 5. Deep dives
## 6. Decisions
## 7. Qualities
## 8. Review
## 9. Wrap-up
"""
