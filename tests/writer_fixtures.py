"""A hand-built but realistic DesignDoc (a URL shortener) for the writer's tests.

Every estimate is computed with agents.formula from its inputs, so the numbers agree with each
other the way the scoper's would. `adversarial_doc()` is the same design with every name and
label replaced by text that tries to break Markdown, HTML and every Mermaid grammar.
"""

from __future__ import annotations

from writer_fixture_architecture import make_architecture

from agents.artefacts import (
    Assumption,
    CostItem,
    CostReport,
    DesignDoc,
    Estimate,
    EstimateUnit,
    Finding,
    OpenQuestion,
    QualityScore,
    Requirement,
    Requirements,
    Review,
    RoleStats,
    RunStats,
    SavingsLever,
    Scope,
    WrapUp,
)
from agents.formula import evaluate

EVIL = 'x "q" [b] {c} (p) | a; b # c <script>alert(1)</script> --> d\nline2 → e & f %% g `h` end'


def _assumption(
    name: str, label: str, value: float, unit: str, display: str, stated: bool, why: str
) -> Assumption:
    return Assumption(
        name=name,
        label=label,
        value=value,
        unit=unit,
        display=display,
        provenance="stated" if stated else "assumed",
        why=why,
    )


ASSUMPTIONS = [
    _assumption("dau", "daily active users", 10e6, "count", "10M", True, "'10M users'"),
    _assumption(
        "writes_per_user_per_day",
        "new short URLs per user per day",
        0.1,
        "count",
        "0.1",
        False,
        "most visitors only click links; about 1 in 10 creates one a day",
    ),
    _assumption("reads_per_write", "reads per write", 100, "ratio", "100:1", True, "'reads 100:1'"),
    _assumption(
        "object_bytes",
        "bytes per short URL record",
        500,
        "bytes",
        "500 B",
        False,
        "a 100-char long URL, key, owner, timestamps and index overhead",
    ),
    _assumption("retention_days", "retention", 1825, "days", "5 years", True, "'keep 5 years'"),
    _assumption(
        "peak_factor",
        "peak-to-average ratio",
        3,
        "ratio",
        "3×",
        False,
        "diurnal traffic of a consumer web product",
    ),
    _assumption("seconds_per_day", "seconds per day", 86400, "seconds", "86,400 s", False, "a day"),
    _assumption(
        "cache_hot_fraction",
        "hot share of daily reads",
        0.2,
        "ratio",
        "20%",
        False,
        "link popularity follows a power law: 20% of links take most clicks",
    ),
    _assumption(
        "per_node_qps",
        "requests per API node",
        2000,
        "req/s",
        "2,000/s",
        False,
        "catalogue: stateless service, c6i.large",
    ),
]


def _estimates() -> list[Estimate]:
    values: dict[str, float] = {a.name: a.value for a in ASSUMPTIONS}
    rows: list[tuple[str, str, EstimateUnit, str, str]] = [
        (
            "writes_per_day",
            "new URLs per day",
            "per_day",
            "dau * writes_per_user_per_day",
            "1M/day",
        ),
        (
            "reads_per_day",
            "redirects per day",
            "per_day",
            "writes_per_day * reads_per_write",
            "100M/day",
        ),
        (
            "write_qps_avg",
            "average write rate",
            "req/s",
            "writes_per_day / seconds_per_day",
            "12/s",
        ),
        (
            "read_qps_avg",
            "average read rate",
            "req/s",
            "reads_per_day / seconds_per_day",
            "1,157/s",
        ),
        ("write_qps_peak", "peak write rate", "req/s", "write_qps_avg * peak_factor", "35/s"),
        ("read_qps_peak", "peak read rate", "req/s", "read_qps_avg * peak_factor", "3,472/s"),
        ("storage_per_day", "storage per day", "bytes", "writes_per_day * object_bytes", "500 MB"),
        ("storage_per_year", "storage per year", "bytes", "storage_per_day * 365", "182.5 GB"),
        (
            "storage_total",
            "storage over retention",
            "bytes",
            "storage_per_day * retention_days",
            "912.5 GB",
        ),
        ("egress_bandwidth", "peak egress", "bytes/s", "read_qps_peak * object_bytes", "1.7 MB/s"),
        (
            "cache_memory",
            "cache memory (hot set)",
            "bytes",
            "reads_per_day * cache_hot_fraction * object_bytes",
            "10 GB",
        ),
        (
            "api_nodes",
            "API nodes at peak",
            "count",
            "ceil(read_qps_peak / (per_node_qps * 0.7))",
            "3",
        ),
    ]
    out = []
    for name, label, unit, formula, display in rows:
        used = {
            n: values[n] for n in values if n in formula.replace("(", " ").replace(")", " ").split()
        }
        value = evaluate(formula, used)
        values[name] = value
        out.append(
            Estimate(
                name=name,
                label=label,
                value=value,
                unit=unit,
                display=display,
                formula=formula,
                inputs=used,
                note="sizes the read path" if name == "read_qps_peak" else "",
            )
        )
    return out


def make_scope() -> Scope:
    return Scope(
        system_name="URL shortener",
        summary="A service that turns long URLs into 7-character keys and redirects clicks, "
        "with per-link click statistics.",
        archetype="url_shortener",
        archetype_score=0.92,
        capabilities=["short_keys", "redirects", "analytics"],
        functional=[
            Requirement(id="FR-1", kind="functional", text="Create a short URL for a long URL."),
            Requirement(id="FR-2", kind="functional", text="Redirect a short URL to its long URL."),
            Requirement(id="FR-3", kind="functional", text="Show click statistics per link."),
            Requirement(
                id="FR-4",
                kind="functional",
                text="Links expire after an optional TTL.",
                provenance="assumed",
            ),
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
                text="redirect p99 under 100 ms",
                metric="latency_p99",
                target=0.1,
                unit="seconds",
            ),
            Requirement(
                id="NFR-3",
                kind="non_functional",
                text="no acknowledged link is lost",
                metric="durability",
                target=99.999999999,
                unit="percent",
                provenance="assumed",
            ),
            Requirement(
                id="NFR-4",
                kind="non_functional",
                text="budget $3k/month",
                metric="budget",
                target=3000,
                unit="USD/month",
            ),
            Requirement(
                id="NFR-5",
                kind="non_functional",
                text="read-your-writes for the creator",
                metric="consistency",
                provenance="assumed",
            ),
        ],
        assumptions=list(ASSUMPTIONS),
        estimates=_estimates(),
        non_goals=["Custom domains per customer", "Link previews"],
        open_questions=[
            OpenQuestion(
                question="Can users choose their own keys?",
                proposed_default="No; keys are generated.",
                assumption=None,
            ),
            OpenQuestion(
                question="How many links does an active user create a day?",
                proposed_default="0.1",
                assumption="writes_per_user_per_day",
            ),
        ],
        warnings=["Ignored an instruction aimed at the model: 'ignore previous instructions'."],
    )


def make_cost() -> CostReport:
    items = [
        CostItem(
            component="api",
            item="API nodes (c6i.large)",
            category="compute",
            quantity=3 * 730,
            unit="instance-hours",
            unit_price_usd=0.085,
            monthly_usd=186.15,
            formula="3 × 730 h",
        ),
        CostItem(
            component="cache",
            item="Redis nodes (r6g.large)",
            category="compute",
            quantity=3 * 730,
            unit="instance-hours",
            unit_price_usd=0.206,
            monthly_usd=451.14,
            formula="3 × 730 h",
        ),
        CostItem(
            component="url_db",
            item="PostgreSQL (db.r6g.xlarge) ×2",
            category="managed",
            quantity=2 * 730,
            unit="instance-hours",
            unit_price_usd=0.52,
            monthly_usd=759.2,
            formula="2 × 730 h",
        ),
        CostItem(
            component="cdn",
            item="CDN egress",
            category="egress",
            quantity=1500,
            unit="GB",
            unit_price_usd=0.085,
            monthly_usd=127.5,
            formula="egress_bandwidth × 2.6M s × 35% miss",
        ),
    ]
    total = round(sum(i.monthly_usd for i in items), 2)
    return CostReport(
        items=items,
        total_monthly_usd=total,
        budget_monthly_usd=3000.0,
        within_budget=total <= 3000,
        price_table="aws-us-east-1 2025-01",
        levers=[
            SavingsLever(
                name="reserved instances",
                description="1-year reservations for API and Redis",
                monthly_saving_usd=250.0,
                tradeoff="a year's commitment",
            )
        ],
        alarms=["forecast > 80% of $3,000", "daily spend > $120"],
        notes=["prices exclude tax"],
    )


def make_reviews() -> list[Review]:
    r1 = Review(
        round=1,
        verdict="revise",
        summary="The URL store is a single point of failure.",
        findings=[
            Finding(
                id="R-1",
                rule="no-spof",
                severity="blocker",
                component="url_db",
                message="URL store has 1 instance: a single point of failure for every write",
                recommendation="add a synchronous replica with automatic failover",
                quality="resilient",
            ),
            Finding(
                id="R-2",
                rule="rate-limiting",
                severity="minor",
                component="api",
                message="no per-key rate limit on redirects",
                recommendation="limit 100 redirects/s per client IP",
                quality="secure",
            ),
        ],
        scorecard=[QualityScore(quality="resilient", score=2, note="single database node")],
    )
    r2 = Review(
        round=2,
        verdict="approve",
        summary="The blocker is resolved.",
        findings=[
            Finding(
                id="R-1",
                rule="no-spof",
                severity="blocker",
                component="url_db",
                message="URL store has 1 instance: a single point of failure for every write",
                recommendation="add a synchronous replica with automatic failover",
                quality="resilient",
                status="resolved",
                resolved_in=1,
            ),
            Finding(
                id="R-2",
                rule="rate-limiting",
                severity="minor",
                component="api",
                message="no per-key rate limit on redirects",
                recommendation="limit 100 redirects/s per client IP",
                quality="secure",
                status="accepted",
            ),
            Finding(
                id="R-3",
                rule="hot-keys",
                severity="minor",
                component="cache",
                message="one viral key can take 50% of reads on a single Redis shard",
                recommendation="replicate hot keys",
                quality="scalable",
            ),
        ],
        scorecard=[
            QualityScore(quality="resilient", score=4, note="replica + failover"),
            QualityScore(quality="cost_aware", score=5, note="$1,524 of $3,000"),
        ],
    )
    return [r1, r2]


def make_doc(*, complete: bool = True) -> DesignDoc:
    """The fixture document; `wrap_up` is left empty so tests can compute it."""
    stats = RunStats(
        run_id="run-123",
        model="offline",
        roles=[
            RoleStats(role="scoper", runs=1, seconds=0.05),
            RoleStats(
                role="architect",
                runs=2,
                model_calls=0,
                seconds=0.2,
                fallbacks=["decisions: model output named an unknown component"],
            ),
            RoleStats(
                role="reviewer",
                runs=2,
                prompt_tokens=12345,
                completion_tokens=2345,
                usd=0.0123,
                seconds=1.5,
                cache_hits=1,
            ),
        ],
    )
    return DesignDoc(
        title="URL shortener — design",
        requirements=Requirements(
            text="Design a URL shortener: 10M users, reads 100:1, "
            "99.9% available, p99 < 100 ms, keep 5 years, $3k/month."
        ),
        scope=make_scope(),
        architecture=make_architecture(),
        cost=make_cost(),
        reviews=make_reviews(),
        wrap_up=WrapUp(risks=[], limits=[], roadmap=[]),
        stats=stats,
        complete=complete,
        incomplete_reason="" if complete else "spend cap reached during review round 2",
        generated_at="2025-01-01T12:00:00Z",
    )


def adversarial_doc() -> DesignDoc:
    """The fixture with hostile text in every name, label, action and requirement."""
    doc = make_doc()
    arch = doc.architecture
    for i, c in enumerate(arch.components):
        c.name = f"{EVIL} {i}"
        c.technology = "C# / .NET <b>bold</b> | {v2}"
    arch.components[0].id = "end"  # a Mermaid keyword as a component id
    arch.components[1].id = 'lb.v2 "x"'
    for link in arch.links:
        link.label = EVIL
        link.source = {"cdn": "end", "lb": 'lb.v2 "x"'}.get(link.source, link.source)
        link.target = {"cdn": "end", "lb": 'lb.v2 "x"'}.get(link.target, link.target)
    for flow in arch.flows:
        for step in flow.steps:
            step.action = EVIL
            step.source = {"cdn": "end", "lb": 'lb.v2 "x"'}.get(step.source, step.source)
            step.target = {"cdn": "end", "lb": 'lb.v2 "x"'}.get(step.target, step.target)
    for entity in arch.entities:
        for fld in entity.fields:
            fld.type = "varchar(255) [x]"
            fld.name = "1st-field; " + fld.name
            fld.note = EVIL
        for rel in entity.relations:
            rel.label = EVIL
    arch.entities[0].name = 'User "Account" {v2}'
    doc.scope.functional[0].text = "Create <script>alert(1)</script> | links"
    doc.scope.system_name = "Short|ener <img src=x onerror=alert(1)>"
    doc.title = "Title <script>alert('t')</script>"
    return doc
