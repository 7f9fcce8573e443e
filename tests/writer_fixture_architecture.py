"""The architecture of the writer's fixture document (a URL shortener), built by hand."""

from __future__ import annotations

from agents.artefacts import (
    Architecture,
    Change,
    Component,
    Criterion,
    Decision,
    DeepDive,
    Endpoint,
    Entity,
    EntityField,
    FailureMode,
    Flow,
    FlowStep,
    Link,
    Observability,
    Option,
    Relation,
    ScalingStep,
)


def _component(
    cid: str,
    name: str,
    kind: str,
    tech: str,
    instances: int,
    serves: list[str],
    *,
    stateful: bool = False,
    managed: bool = False,
    estimates: list[str] | None = None,
    features: list[str] | None = None,
    sizing: str = "",
    availability: float = 0.9999,
    responsibility: str = "",
) -> Component:
    return Component(
        id=cid,
        name=name,
        kind=kind,
        technology=tech,
        responsibility=responsibility or f"The {name}.",
        instances=instances,
        sizing=sizing or f"{instances} for redundancy",
        stateful=stateful,
        managed=managed,
        serves=serves,
        estimates=estimates or [],
        features=features or [],
        availability=availability,
        replication=3 if stateful else 1,
    )


def make_architecture() -> Architecture:
    components = [
        _component(
            "cdn",
            "CDN",
            "cdn",
            "CloudFront",
            0,
            ["FR-2", "NFR-2"],
            managed=True,
            estimates=["egress_bandwidth"],
            responsibility="Caches popular redirects at the edge.",
        ),
        _component("lb", "load balancer", "load_balancer", "ALB", 0, ["NFR-1"], managed=True),
        _component(
            "api",
            "API service",
            "service",
            "Go service",
            3,
            ["FR-1", "FR-2", "FR-3", "NFR-2"],
            estimates=["read_qps_peak", "api_nodes"],
            sizing="max(ceil(3,472 / (2,000 × 0.7)), 2) = 3",
            features=["rate_limiting", "retries_with_backoff", "autoscaling"],
            responsibility="Creates keys, resolves redirects, publishes click events.",
        ),
        _component(
            "cache",
            "redirect cache",
            "cache",
            "Redis",
            3,
            ["FR-2", "NFR-2"],
            estimates=["cache_memory"],
            features=["ttl_invalidation", "jittered_ttl"],
            sizing="10 GB hot set / 6.4 GB per node → 2, +1 replica",
        ),
        _component(
            "url_db",
            "URL store",
            "sql_db",
            "PostgreSQL",
            2,
            ["FR-1", "FR-2", "FR-4", "NFR-3"],
            stateful=True,
            estimates=["storage_total", "write_qps_peak"],
            features=["automatic_failover", "backups", "point_in_time_recovery"],
            sizing="primary + synchronous replica (912.5 GB fits one node)",
        ),
        _component(
            "key_gen",
            "key-range allocator",
            "coordination",
            "ZooKeeper",
            3,
            ["FR-1"],
            stateful=True,
            features=["quorum"],
        ),
        _component(
            "click_queue",
            "click-event queue",
            "queue",
            "Kafka",
            3,
            ["FR-3"],
            stateful=True,
            estimates=["read_qps_peak"],
            features=["dead_letter_queue", "consumer_lag_alerts"],
        ),
        _component(
            "click_worker",
            "click aggregator",
            "worker",
            "Go worker",
            2,
            ["FR-3"],
            features=["idempotency_keys"],
        ),
        _component(
            "stats_store",
            "statistics store",
            "object_store",
            "S3 + Athena",
            0,
            ["FR-3"],
            stateful=True,
            managed=True,
        ),
    ]
    links = [
        Link(source="cdn", target="lb", label="GET /{key} on miss"),
        Link(source="lb", target="api", label="HTTPS"),
        Link(source="api", target="cache", label="GET key"),
        Link(source="api", target="url_db", label="INSERT / SELECT"),
        Link(source="api", target="key_gen", label="lease key range", critical=False),
        Link(source="api", target="click_queue", label="click event", sync=False, critical=False),
        Link(
            source="click_queue", target="click_worker", label="consume", sync=False, critical=False
        ),
        Link(
            source="click_worker",
            target="stats_store",
            label="hourly batch",
            sync=False,
            critical=False,
        ),
    ]
    endpoints = [
        Endpoint(
            method="POST",
            path="/v1/urls",
            purpose="Create a short URL.",
            request='{"long_url": "https://example.com/a/very/long/path", "ttl_days": 30}',
            response='201 {"key": "aZ3kQ9x", "short_url": "https://sho.rt/aZ3kQ9x"}',
            serves=["FR-1", "FR-4"],
            component="api",
        ),
        Endpoint(
            method="GET",
            path="/{key}",
            purpose="Redirect to the long URL.",
            response="301 Location: https://example.com/a/very/long/path",
            serves=["FR-2"],
            component="api",
        ),
        Endpoint(
            method="GET",
            path="/v1/urls/{key}/stats",
            purpose="Click statistics.",
            response='{"clicks": 1342, "by_day": {"2025-01-01": 120}}',
            serves=["FR-3"],
            component="api",
        ),
    ]
    entities = [
        Entity(
            name="User",
            store="url_db",
            partition_key="user_id",
            bytes_per_record=200,
            fields=[
                EntityField(name="user_id", type="bigint", key="PK"),
                EntityField(name="email", type="string", key="UK"),
            ],
            relations=[Relation(target="ShortUrl", cardinality="one_to_many", label="creates")],
        ),
        Entity(
            name="ShortUrl",
            store="url_db",
            partition_key="key",
            bytes_per_record=500,
            fields=[
                EntityField(name="key", type="string", key="PK", note="7 chars base62"),
                EntityField(name="long_url", type="string"),
                EntityField(name="owner_id", type="bigint", key="FK"),
                EntityField(name="expires_at", type="timestamp", note="TTL index"),
            ],
            relations=[
                Relation(target="ClickEvent", cardinality="one_to_many", label="records"),
                Relation(target="Ghost", cardinality="one_to_one", label="dangling"),
            ],
        ),
        Entity(
            name="ClickEvent",
            store="stats_store",
            partition_key="day",
            fields=[
                EntityField(name="key", type="string", key="FK"),
                EntityField(name="at", type="timestamp"),
            ],
        ),
    ]
    flows = [
        Flow(
            name="shorten a URL",
            path="write",
            example='{"long_url": "https://example.com/a/very/long/path", "ttl_days": 30}',
            steps=[
                FlowStep(source="client", target="lb", action="POST /v1/urls"),
                FlowStep(source="lb", target="api", action="forward"),
                FlowStep(
                    source="api", target="key_gen", action="next key from leased range: aZ3kQ9x"
                ),
                FlowStep(source="api", target="url_db", action="INSERT (aZ3kQ9x, long_url, ttl)"),
                FlowStep(source="url_db", target="api", action="committed", reply=True),
                FlowStep(
                    source="api", target="client", action="201 https://sho.rt/aZ3kQ9x", reply=True
                ),
            ],
        ),
        Flow(
            name="follow a short URL",
            path="read",
            example="GET https://sho.rt/aZ3kQ9x",
            steps=[
                FlowStep(source="client", target="cdn", action="GET /aZ3kQ9x"),
                FlowStep(source="cdn", target="lb", action="miss: forward"),
                FlowStep(source="lb", target="api", action="GET /aZ3kQ9x"),
                FlowStep(source="api", target="cache", action="GET aZ3kQ9x"),
                FlowStep(source="cache", target="api", action="miss", reply=True),
                FlowStep(
                    source="api", target="url_db", action="SELECT long_url WHERE key = 'aZ3kQ9x'"
                ),
                FlowStep(
                    source="url_db",
                    target="api",
                    action="https://example.com/a/very/long/path",
                    reply=True,
                ),
                FlowStep(source="api", target="click_queue", action="click {key, ts}"),
                FlowStep(source="api", target="client", action="301 Location", reply=True),
            ],
        ),
    ]
    decisions = [
        Decision(
            id="D-1",
            topic="URL store",
            component="url_db",
            criteria=[
                Criterion(name="durability", weight=0.3, why="NFR-3 no lost link"),
                Criterion(name="latency", weight=0.3, why="NFR-2 p99 < 100 ms"),
                Criterion(name="ops burden", weight=0.2, why="small team"),
                Criterion(name="cost", weight=0.2, why="NFR-4 $3k/month"),
            ],
            options=[
                Option(
                    name="PostgreSQL",
                    scores={"durability": 5, "latency": 4, "ops_burden": 4, "cost": 4},
                    weighted=4.3,
                ),
                Option(
                    name="DynamoDB",
                    scores={"durability": 5, "latency": 5, "ops_burden": 5, "cost": 2},
                    weighted=4.4,
                ),
                Option(
                    name="Cassandra",
                    scores={"durability": 4, "latency": 4, "ops_burden": 2, "cost": 3},
                    weighted=3.4,
                ),
            ],
            chosen="PostgreSQL",
            rationale="912.5 GB fits one primary; transactions keep key allocation simple.",
            sensitivity="Close: DynamoDB wins if ops burden weighs above 0.25.",
        ),
        Decision(
            id="D-2",
            topic="click-event queue",
            component="click_queue",
            criteria=[
                Criterion(name="throughput", weight=0.5, why="3,472 clicks/s at peak"),
                Criterion(name="cost", weight=0.5, why="NFR-4"),
            ],
            options=[
                Option(name="Kafka", scores={"throughput": 5, "cost": 3}, weighted=4.0),
                Option(name="SQS", scores={"throughput": 4, "cost": 3}, weighted=3.5),
            ],
            chosen="Kafka",
            rationale="Replay of click events after a worker bug.",
        ),
    ]
    deep_dives = [
        DeepDive(
            id="key_generation",
            title="Short-key generation",
            problem="1M keys a day must never collide; 62^7 = 3.5 trillion keys.",
            mechanism="Each API node leases a range of 10,000 counter values from ZooKeeper "
            "and base62-encodes them.",
            options=["random keys + collision check", "hash of the URL", "counter ranges"],
            tradeoff="Keys are guessable in sequence; a lost lease wastes up to 10,000 keys.",
            failure_modes=[
                "ZooKeeper down: nodes finish their current range (hours of "
                "headroom at 35 writes/s)."
            ],
            components=["api", "key_gen"],
        ),
        DeepDive(
            id="hot_keys",
            title="Viral links and hot keys",
            problem="One link can take 50% of 3,472 reads/s.",
            mechanism="CDN caches 301s for 5 minutes; Redis replicas serve the rest.",
            options=["CDN caching", "local in-process cache"],
            tradeoff="Statistics lag by the CDN TTL.",
            failure_modes=["CDN purge storms hit Redis: request coalescing."],
            components=["cdn", "cache"],
        ),
    ]
    failure_modes = [
        FailureMode(
            scenario="an API node dies",
            component="api",
            effect="the load balancer stops routing to it within 10 s",
            mitigation="3 nodes across AZs; health checks",
            data_safe=True,
            data_note="stateless",
            recovery="autoscaling replaces it in 2 min",
        ),
        FailureMode(
            scenario="the PostgreSQL primary dies",
            component="url_db",
            effect="writes fail for ~30 s; redirects served from cache",
            mitigation="synchronous replica, automatic failover",
            data_safe=True,
            data_note="synchronous replication: every acknowledged write is on two nodes",
        ),
        FailureMode(
            scenario="a Redis node dies",
            component="cache",
            effect="a third of the hot set misses; database reads rise 3×",
            mitigation="replica promotion",
            data_safe=True,
            data_note="cache only",
        ),
        FailureMode(
            scenario="the click queue loses a broker",
            component="click_queue",
            effect="partitions move leaders in seconds",
            mitigation="RF 3, acks=all",
            data_safe=False,
            data_note="clicks in the producer buffer (≤ 1 s) are lost",
        ),
    ]
    return Architecture(
        components=components,
        links=links,
        endpoints=endpoints,
        entities=entities,
        flows=flows,
        decisions=decisions,
        deep_dives=deep_dives,
        failure_modes=failure_modes,
        scaling=[
            ScalingStep(
                factor=10,
                breaks="34,722 reads/s needs 25 API nodes; Redis at 100 GB",
                next_step="shard Redis by key hash; 25 autoscaled API nodes",
            ),
            ScalingStep(
                factor=100,
                breaks="9.1 TB of URLs outgrow one PostgreSQL primary",
                next_step="move URLs to a partitioned KV store keyed by key",
            ),
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
        changes=[
            Change(
                revision=1,
                finding="R-1",
                rule="no-spof",
                description="URL store: single node → primary + synchronous replica",
            )
        ],
    )
