"""A hand-built but realistic DesignDoc (a URL shortener) for the writer's tests.

Every estimate is computed with agents.formula from its inputs, so the numbers agree with each
other the way the scoper's would. `adversarial_doc()` is the same design with every name and
label replaced by text that tries to break Markdown, HTML and every Mermaid grammar.
"""

from __future__ import annotations

from agents.artefacts import (
    Architecture,
    Assumption,
    Change,
    Component,
    CostItem,
    CostReport,
    Criterion,
    Decision,
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
    OpenQuestion,
    Option,
    QualityScore,
    Relation,
    Requirement,
    Requirements,
    Review,
    RoleStats,
    RunStats,
    ScalingStep,
    Scope,
    SavingsLever,
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
        "object_bytes", "bytes per short URL record", 500, "bytes", "500 B", False,
        "a 100-char long URL, key, owner, timestamps and index overhead",
    ),
    _assumption("retention_days", "retention", 1825, "days", "5 years", True, "'keep 5 years'"),
    _assumption(
        "peak_factor", "peak-to-average ratio", 3, "ratio", "3×", False,
        "diurnal traffic of a consumer web product",
    ),
    _assumption("seconds_per_day", "seconds per day", 86400, "seconds", "86,400 s", False, "a day"),
    _assumption(
        "cache_hot_fraction", "hot share of daily reads", 0.2, "ratio", "20%", False,
        "link popularity follows a power law: 20% of links take most clicks",
    ),
    _assumption(
        "per_node_qps", "requests per API node", 2000, "req/s", "2,000/s", False,
        "catalogue: stateless service, c6i.large",
    ),
]


def _estimates() -> list[Estimate]:
    values: dict[str, float] = {a.name: a.value for a in ASSUMPTIONS}
    rows: list[tuple[str, str, EstimateUnit, str, str]] = [
        ("writes_per_day", "new URLs per day", "per_day", "dau * writes_per_user_per_day", "1M/day"),
        ("reads_per_day", "redirects per day", "per_day", "writes_per_day * reads_per_write", "100M/day"),
        ("write_qps_avg", "average write rate", "req/s", "writes_per_day / seconds_per_day", "12/s"),
        ("read_qps_avg", "average read rate", "req/s", "reads_per_day / seconds_per_day", "1,157/s"),
        ("write_qps_peak", "peak write rate", "req/s", "write_qps_avg * peak_factor", "35/s"),
        ("read_qps_peak", "peak read rate", "req/s", "read_qps_avg * peak_factor", "3,472/s"),
        ("storage_per_day", "storage per day", "bytes", "writes_per_day * object_bytes", "500 MB"),
        ("storage_per_year", "storage per year", "bytes", "storage_per_day * 365", "182.5 GB"),
        ("storage_total", "storage over retention", "bytes", "storage_per_day * retention_days", "912.5 GB"),
        ("egress_bandwidth", "peak egress", "bytes/s", "read_qps_peak * object_bytes", "1.7 MB/s"),
        ("cache_memory", "cache memory (hot set)", "bytes", "reads_per_day * cache_hot_fraction * object_bytes", "10 GB"),
        ("api_nodes", "API nodes at peak", "count", "ceil(read_qps_peak / (per_node_qps * 0.7))", "3"),
    ]
    out = []
    for name, label, unit, formula, display in rows:
        used = {n: values[n] for n in values if n in formula.replace("(", " ").replace(")", " ").split()}
        value = evaluate(formula, used)
        values[name] = value
        out.append(
            Estimate(
                name=name, label=label, value=value, unit=unit, display=display,
                formula=formula, inputs=used,
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
                id="FR-4", kind="functional", text="Links expire after an optional TTL.",
                provenance="assumed",
            ),
        ],
        non_functional=[
            Requirement(id="NFR-1", kind="non_functional", text="99.9% available",
                        metric="availability", target=99.9, unit="percent"),
            Requirement(id="NFR-2", kind="non_functional", text="redirect p99 under 100 ms",
                        metric="latency_p99", target=0.1, unit="seconds"),
            Requirement(id="NFR-3", kind="non_functional", text="no acknowledged link is lost",
                        metric="durability", target=99.999999999, unit="percent",
                        provenance="assumed"),
            Requirement(id="NFR-4", kind="non_functional", text="budget $3k/month",
                        metric="budget", target=3000, unit="USD/month"),
            Requirement(id="NFR-5", kind="non_functional", text="read-your-writes for the creator",
                        metric="consistency", provenance="assumed"),
        ],
        assumptions=list(ASSUMPTIONS),
        estimates=_estimates(),
        non_goals=["Custom domains per customer", "Link previews"],
        open_questions=[
            OpenQuestion(question="Can users choose their own keys?",
                         proposed_default="No; keys are generated.", assumption=None),
            OpenQuestion(question="How many links does an active user create a day?",
                         proposed_default="0.1", assumption="writes_per_user_per_day"),
        ],
        warnings=["Ignored an instruction aimed at the model: 'ignore previous instructions'."],
    )


def _component(
    cid: str, name: str, kind: str, tech: str, instances: int, serves: list[str], *,
    stateful: bool = False, managed: bool = False, estimates: list[str] | None = None,
    features: list[str] | None = None, sizing: str = "", availability: float = 0.9999,
    responsibility: str = "",
) -> Component:
    return Component(
        id=cid, name=name, kind=kind, technology=tech,
        responsibility=responsibility or f"The {name}.",
        instances=instances, sizing=sizing or f"{instances} for redundancy", stateful=stateful,
        managed=managed, serves=serves, estimates=estimates or [], features=features or [],
        availability=availability, replication=3 if stateful else 1,
    )


def make_architecture() -> Architecture:
    components = [
        _component("cdn", "CDN", "cdn", "CloudFront", 0, ["FR-2", "NFR-2"], managed=True,
                   estimates=["egress_bandwidth"], responsibility="Caches popular redirects at the edge."),
        _component("lb", "load balancer", "load_balancer", "ALB", 0, ["NFR-1"], managed=True),
        _component("api", "API service", "service", "Go service", 3, ["FR-1", "FR-2", "FR-3", "NFR-2"],
                   estimates=["read_qps_peak", "api_nodes"],
                   sizing="max(ceil(3,472 / (2,000 × 0.7)), 2) = 3",
                   features=["rate_limiting", "retries_with_backoff", "autoscaling"],
                   responsibility="Creates keys, resolves redirects, publishes click events."),
        _component("cache", "redirect cache", "cache", "Redis", 3, ["FR-2", "NFR-2"],
                   estimates=["cache_memory"], features=["ttl_invalidation", "jittered_ttl"],
                   sizing="10 GB hot set / 6.4 GB per node → 2, +1 replica"),
        _component("url_db", "URL store", "sql_db", "PostgreSQL", 2, ["FR-1", "FR-2", "FR-4", "NFR-3"],
                   stateful=True, estimates=["storage_total", "write_qps_peak"],
                   features=["automatic_failover", "backups", "point_in_time_recovery"],
                   sizing="primary + synchronous replica (912.5 GB fits one node)"),
        _component("key_gen", "key-range allocator", "coordination", "ZooKeeper", 3, ["FR-1"],
                   stateful=True, features=["quorum"]),
        _component("click_queue", "click-event queue", "queue", "Kafka", 3, ["FR-3"],
                   stateful=True, estimates=["read_qps_peak"],
                   features=["dead_letter_queue", "consumer_lag_alerts"]),
        _component("click_worker", "click aggregator", "worker", "Go worker", 2, ["FR-3"],
                   features=["idempotency_keys"]),
        _component("stats_store", "statistics store", "object_store", "S3 + Athena", 0, ["FR-3"],
                   stateful=True, managed=True),
    ]
    links = [
        Link(source="cdn", target="lb", label="GET /{key} on miss"),
        Link(source="lb", target="api", label="HTTPS"),
        Link(source="api", target="cache", label="GET key"),
        Link(source="api", target="url_db", label="INSERT / SELECT"),
        Link(source="api", target="key_gen", label="lease key range", critical=False),
        Link(source="api", target="click_queue", label="click event", sync=False, critical=False),
        Link(source="click_queue", target="click_worker", label="consume", sync=False, critical=False),
        Link(source="click_worker", target="stats_store", label="hourly batch", sync=False,
             critical=False),
    ]
    endpoints = [
        Endpoint(method="POST", path="/v1/urls", purpose="Create a short URL.",
                 request='{"long_url": "https://example.com/a/very/long/path", "ttl_days": 30}',
                 response='201 {"key": "aZ3kQ9x", "short_url": "https://sho.rt/aZ3kQ9x"}',
                 serves=["FR-1", "FR-4"], component="api"),
        Endpoint(method="GET", path="/{key}", purpose="Redirect to the long URL.",
                 response="301 Location: https://example.com/a/very/long/path",
                 serves=["FR-2"], component="api"),
        Endpoint(method="GET", path="/v1/urls/{key}/stats", purpose="Click statistics.",
                 response='{"clicks": 1342, "by_day": {"2025-01-01": 120}}',
                 serves=["FR-3"], component="api"),
    ]
    entities = [
        Entity(name="User", store="url_db", partition_key="user_id", bytes_per_record=200,
               fields=[EntityField(name="user_id", type="bigint", key="PK"),
                       EntityField(name="email", type="string", key="UK")],
               relations=[Relation(target="ShortUrl", cardinality="one_to_many", label="creates")]),
        Entity(name="ShortUrl", store="url_db", partition_key="key", bytes_per_record=500,
               fields=[EntityField(name="key", type="string", key="PK", note="7 chars base62"),
                       EntityField(name="long_url", type="string"),
                       EntityField(name="owner_id", type="bigint", key="FK"),
                       EntityField(name="expires_at", type="timestamp", note="TTL index")],
               relations=[Relation(target="ClickEvent", cardinality="one_to_many", label="records"),
                          Relation(target="Ghost", cardinality="one_to_one", label="dangling")]),
        Entity(name="ClickEvent", store="stats_store", partition_key="day",
               fields=[EntityField(name="key", type="string", key="FK"),
                       EntityField(name="at", type="timestamp")]),
    ]
    flows = [
        Flow(name="shorten a URL", path="write",
             example='{"long_url": "https://example.com/a/very/long/path", "ttl_days": 30}',
             steps=[
                 FlowStep(source="client", target="lb", action="POST /v1/urls"),
                 FlowStep(source="lb", target="api", action="forward"),
                 FlowStep(source="api", target="key_gen", action="next key from leased range: aZ3kQ9x"),
                 FlowStep(source="api", target="url_db", action="INSERT (aZ3kQ9x, long_url, ttl)"),
                 FlowStep(source="url_db", target="api", action="committed", reply=True),
                 FlowStep(source="api", target="client", action="201 https://sho.rt/aZ3kQ9x", reply=True),
             ]),
        Flow(name="follow a short URL", path="read", example="GET https://sho.rt/aZ3kQ9x",
             steps=[
                 FlowStep(source="client", target="cdn", action="GET /aZ3kQ9x"),
                 FlowStep(source="cdn", target="lb", action="miss: forward"),
                 FlowStep(source="lb", target="api", action="GET /aZ3kQ9x"),
                 FlowStep(source="api", target="cache", action="GET aZ3kQ9x"),
                 FlowStep(source="cache", target="api", action="miss", reply=True),
                 FlowStep(source="api", target="url_db", action="SELECT long_url WHERE key = 'aZ3kQ9x'"),
                 FlowStep(source="url_db", target="api", action="https://example.com/a/very/long/path", reply=True),
                 FlowStep(source="api", target="click_queue", action="click {key, ts}"),
                 FlowStep(source="api", target="client", action="301 Location", reply=True),
             ]),
    ]
    decisions = [
        Decision(
            id="D-1", topic="URL store", component="url_db",
            criteria=[
                Criterion(name="durability", weight=0.3, why="NFR-3 no lost link"),
                Criterion(name="latency", weight=0.3, why="NFR-2 p99 < 100 ms"),
                Criterion(name="ops burden", weight=0.2, why="small team"),
                Criterion(name="cost", weight=0.2, why="NFR-4 $3k/month"),
            ],
            options=[
                Option(name="PostgreSQL", scores={"durability": 5, "latency": 4, "ops_burden": 4, "cost": 4}, weighted=4.3),
                Option(name="DynamoDB", scores={"durability": 5, "latency": 5, "ops_burden": 5, "cost": 2}, weighted=4.4),
                Option(name="Cassandra", scores={"durability": 4, "latency": 4, "ops_burden": 2, "cost": 3}, weighted=3.4),
            ],
            chosen="PostgreSQL",
            rationale="912.5 GB fits one primary; transactions keep key allocation simple.",
            sensitivity="Close: DynamoDB wins if ops burden weighs above 0.25.",
        ),
        Decision(
            id="D-2", topic="click-event queue", component="click_queue",
            criteria=[
                Criterion(name="throughput", weight=0.5, why="3,472 clicks/s at peak"),
                Criterion(name="cost", weight=0.5, why="NFR-4"),
            ],
            options=[
                Option(name="Kafka", scores={"throughput": 5, "cost": 3}, weighted=4.0),
                Option(name="SQS", scores={"throughput": 4, "cost": 3}, weighted=3.5),
            ],
            chosen="Kafka", rationale="Replay of click events after a worker bug.",
        ),
    ]
    deep_dives = [
        DeepDive(id="key_generation", title="Short-key generation",
                 problem="1M keys a day must never collide; 62^7 = 3.5 trillion keys.",
                 mechanism="Each API node leases a range of 10,000 counter values from ZooKeeper "
                 "and base62-encodes them.",
                 options=["random keys + collision check", "hash of the URL", "counter ranges"],
                 tradeoff="Keys are guessable in sequence; a lost lease wastes up to 10,000 keys.",
                 failure_modes=["ZooKeeper down: nodes finish their current range (hours of "
                                "headroom at 35 writes/s)."],
                 components=["api", "key_gen"]),
        DeepDive(id="hot_keys", title="Viral links and hot keys",
                 problem="One link can take 50% of 3,472 reads/s.",
                 mechanism="CDN caches 301s for 5 minutes; Redis replicas serve the rest.",
                 options=["CDN caching", "local in-process cache"],
                 tradeoff="Statistics lag by the CDN TTL.",
                 failure_modes=["CDN purge storms hit Redis: request coalescing."],
                 components=["cdn", "cache"]),
    ]
    failure_modes = [
        FailureMode(scenario="an API node dies", component="api",
                    effect="the load balancer stops routing to it within 10 s",
                    mitigation="3 nodes across AZs; health checks", data_safe=True,
                    data_note="stateless", recovery="autoscaling replaces it in 2 min"),
        FailureMode(scenario="the PostgreSQL primary dies", component="url_db",
                    effect="writes fail for ~30 s; redirects served from cache",
                    mitigation="synchronous replica, automatic failover", data_safe=True,
                    data_note="synchronous replication: every acknowledged write is on two nodes"),
        FailureMode(scenario="a Redis node dies", component="cache",
                    effect="a third of the hot set misses; database reads rise 3×",
                    mitigation="replica promotion", data_safe=True, data_note="cache only"),
        FailureMode(scenario="the click queue loses a broker", component="click_queue",
                    effect="partitions move leaders in seconds", mitigation="RF 3, acks=all",
                    data_safe=False, data_note="clicks in the producer buffer (≤ 1 s) are lost"),
    ]
    return Architecture(
        components=components, links=links, endpoints=endpoints, entities=entities,
        flows=flows, decisions=decisions, deep_dives=deep_dives, failure_modes=failure_modes,
        scaling=[
            ScalingStep(factor=10, breaks="34,722 reads/s needs 25 API nodes; Redis at 100 GB",
                        next_step="shard Redis by key hash; 25 autoscaled API nodes"),
            ScalingStep(factor=100, breaks="9.1 TB of URLs outgrow one PostgreSQL primary",
                        next_step="move URLs to a partitioned KV store keyed by key"),
        ],
        observability=Observability(
            slis=["redirect latency p99", "redirect success ratio"],
            slos=["99.9% of redirects succeed over 30 days", "p99 redirect < 100 ms"],
            dashboards=["redirects: rate, p99, cache hit ratio"],
            alerts=["p99 > 100 ms for 5 min", "error budget burn > 2× for 1 h"],
            tracing="OpenTelemetry spans from the load balancer to the database",
        ),
        security=["TLS everywhere", "rate limiting of 10 creates/min per IP"],
        maintainability=["one API service with three endpoints; workers deploy separately"],
        patterns=["cache-aside", "key-range leasing"],
        revision=1,
        changes=[Change(revision=1, finding="R-1", rule="no-spof",
                        description="URL store: single node → primary + synchronous replica")],
    )


def make_cost() -> CostReport:
    items = [
        CostItem(component="api", item="API nodes (c6i.large)", category="compute",
                 quantity=3 * 730, unit="instance-hours", unit_price_usd=0.085,
                 monthly_usd=186.15, formula="3 × 730 h"),
        CostItem(component="cache", item="Redis nodes (r6g.large)", category="compute",
                 quantity=3 * 730, unit="instance-hours", unit_price_usd=0.206,
                 monthly_usd=451.14, formula="3 × 730 h"),
        CostItem(component="url_db", item="PostgreSQL (db.r6g.xlarge) ×2", category="managed",
                 quantity=2 * 730, unit="instance-hours", unit_price_usd=0.52,
                 monthly_usd=759.2, formula="2 × 730 h"),
        CostItem(component="cdn", item="CDN egress", category="egress", quantity=1500,
                 unit="GB", unit_price_usd=0.085, monthly_usd=127.5,
                 formula="egress_bandwidth × 2.6M s × 35% miss"),
    ]
    total = round(sum(i.monthly_usd for i in items), 2)
    return CostReport(
        items=items, total_monthly_usd=total, budget_monthly_usd=3000.0,
        within_budget=total <= 3000, price_table="aws-us-east-1 2025-01",
        levers=[SavingsLever(name="reserved instances", description="1-year reservations for API and Redis",
                             monthly_saving_usd=250.0, tradeoff="a year's commitment")],
        alarms=["forecast > 80% of $3,000", "daily spend > $120"],
        notes=["prices exclude tax"],
    )


def make_reviews() -> list[Review]:
    r1 = Review(
        round=1, verdict="revise", summary="The URL store is a single point of failure.",
        findings=[
            Finding(id="R-1", rule="no-spof", severity="blocker", component="url_db",
                    message="URL store has 1 instance: a single point of failure for every write",
                    recommendation="add a synchronous replica with automatic failover",
                    quality="resilient"),
            Finding(id="R-2", rule="rate-limiting", severity="minor", component="api",
                    message="no per-key rate limit on redirects",
                    recommendation="limit 100 redirects/s per client IP", quality="secure"),
        ],
        scorecard=[QualityScore(quality="resilient", score=2, note="single database node")],
    )
    r2 = Review(
        round=2, verdict="approve", summary="The blocker is resolved.",
        findings=[
            Finding(id="R-1", rule="no-spof", severity="blocker", component="url_db",
                    message="URL store has 1 instance: a single point of failure for every write",
                    recommendation="add a synchronous replica with automatic failover",
                    quality="resilient", status="resolved", resolved_in=1),
            Finding(id="R-2", rule="rate-limiting", severity="minor", component="api",
                    message="no per-key rate limit on redirects",
                    recommendation="limit 100 redirects/s per client IP", quality="secure",
                    status="accepted"),
            Finding(id="R-3", rule="hot-keys", severity="minor", component="cache",
                    message="one viral key can take 50% of reads on a single Redis shard",
                    recommendation="replicate hot keys", quality="scalable"),
        ],
        scorecard=[
            QualityScore(quality="resilient", score=4, note="replica + failover"),
            QualityScore(quality="cost_aware", score=5, note="$1,524 of $3,000"),
        ],
    )
    return [r1, r2]


def make_doc(*, complete: bool = True) -> DesignDoc:
    """The fixture document; `wrap_up` is left empty so tests can compute it."""
    stats = RunStats(run_id="run-123", model="offline", roles=[
        RoleStats(role="scoper", runs=1, seconds=0.05),
        RoleStats(role="architect", runs=2, model_calls=0, seconds=0.2,
                  fallbacks=["decisions: model output named an unknown component"]),
        RoleStats(role="reviewer", runs=2, prompt_tokens=12345, completion_tokens=2345,
                  usd=0.0123, seconds=1.5, cache_hits=1),
    ])
    return DesignDoc(
        title="URL shortener — design",
        requirements=Requirements(text="Design a URL shortener: 10M users, reads 100:1, "
                                  "99.9% available, p99 < 100 ms, keep 5 years, $3k/month."),
        scope=make_scope(), architecture=make_architecture(), cost=make_cost(),
        reviews=make_reviews(), wrap_up=WrapUp(risks=[], limits=[], roadmap=[]),
        stats=stats, complete=complete,
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
    arch.components[1].id = "lb.v2 \"x\""
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
