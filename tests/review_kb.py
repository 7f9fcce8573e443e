"""Small hand-built knowledge base (catalogue, prices, archetypes) for the cost and reviewer
tests. Catalogue options carry few built-in features so that a component's own features
decide each review rule; nothing here depends on the real knowledge-base data."""

from __future__ import annotations

from agents.kb import (
    Archetype,
    ComponentKind,
    KnowledgeBase,
    LoadDefaults,
    Prices,
    RuleInfo,
    TechOption,
)

SCORES = {
    "throughput": 3,
    "latency": 3,
    "durability": 3,
    "consistency": 3,
    "ops_burden": 3,
    "cost": 3,
    "flexibility": 3,
    "ecosystem": 3,
}


def _opt(name: str, cls: str, ops: float, **extra: object) -> TechOption:
    return TechOption.model_validate(
        {
            "name": name,
            "per_node_ops": ops,
            "consistency": "strong",
            "instance_class": cls,
            "scores": SCORES,
            **extra,
        }
    )


def _kind(
    kind_id: str, stateful: bool, *options: TechOption, replication: int = 1
) -> ComponentKind:
    return ComponentKind(
        id=kind_id,
        name=kind_id.replace("_", " "),
        stateful=stateful,
        replication=replication,
        options=list(options),
    )


PRICES = Prices(
    version="2026-01-01",
    source="test price list",
    instance_hour={
        "general": 0.1,
        "cache_node": 0.2,
        "db_node": 0.5,
        "broker": 0.25,
        "lb_hour": 0.05,
        "serverless": 0.0,
    },
    storage_gb_month={"block_ssd": 0.1, "object": 0.02, "object_ia": 0.01},
    egress_gb=0.09,
    cdn_egress_gb=0.05,
    requests_per_million={"s3_put": 5.0, "s3_get": 0.4, "sqs": 0.4, "cloudfront_https": 1.0},
    reserved_discount=0.4,
    hours_per_month=730,
)


def make_kb(rules: dict[str, RuleInfo] | None = None, prices: Prices = PRICES) -> KnowledgeBase:
    kinds = [
        _kind(
            "load_balancer",
            False,
            _opt(
                "ALB",
                "lb_hour",
                100000,
                managed=True,
                sla_pct=99.99,
                features=["automatic_failover"],
            ),
        ),
        _kind(
            "cdn",
            False,
            _opt(
                "Amazon CloudFront", "serverless", 1e6, managed=True, sla_pct=99.9, features=["tls"]
            ),
        ),
        _kind(
            "service",
            False,
            _opt("Python service", "general", 2000, synonyms=["stateless service"]),
        ),
        _kind("worker", False, _opt("Worker pool", "general", 5000)),
        _kind("cache", False, _opt("Redis", "cache_node", 100000)),
        _kind(
            "sql_db",
            True,
            _opt("PostgreSQL", "db_node", 5000, per_node_storage_gb=2000),
            replication=3,
        ),
        _kind(
            "kv_store",
            True,
            _opt(
                "Cassandra",
                "db_node",
                10000,
                per_node_storage_gb=2000,
                features=["automatic_failover", "quorum"],
            ),
            replication=3,
        ),
        _kind(
            "object_store",
            True,
            _opt(
                "Amazon S3",
                "serverless",
                1e6,
                managed=True,
                sla_pct=99.99,
                features=["encryption_at_rest"],
            ),
        ),
        _kind(
            "queue",
            True,
            _opt(
                "Kafka",
                "broker",
                50000,
                per_node_storage_gb=4000,
                features=["automatic_failover", "quorum"],
            ),
            _opt("Amazon SQS", "serverless", 20000, managed=True, sla_pct=99.9),
            replication=3,
        ),
    ]
    archetypes = {
        "pastebin": Archetype(
            id="pastebin",
            name="Pastebin",
            keywords=["paste"],
            family="storage",
            capabilities=["key_generation"],
            defaults=LoadDefaults(
                dau=1e6,
                writes_per_user_per_day=1,
                reads_per_write=10,
                object_bytes=10000,
                retention_days=365,
                availability_pct=99.9,
                p99_ms=200,
            ),
            write_noun="paste",
            read_noun="paste view",
            functional=["create", "read"],
            deep_dives=[],
            example_payload="{}",
            read_heavy=True,
        ),
        "chat": Archetype(
            id="chat",
            name="Chat",
            keywords=["chat"],
            family="messaging",
            capabilities=[],
            defaults=LoadDefaults(
                dau=1e6,
                writes_per_user_per_day=40,
                reads_per_write=1,
                object_bytes=200,
                retention_days=365,
                availability_pct=99.9,
                p99_ms=200,
            ),
            write_noun="message",
            read_noun="message",
            functional=["send"],
            deep_dives=[],
            example_payload="{}",
            read_heavy=False,
        ),
    }
    return KnowledgeBase(
        archetypes=archetypes,
        capabilities={},
        kinds={k.id: k for k in kinds},
        deep_dives={},
        patterns={},
        rules=rules or {},
        prices=prices,
        versions={"test/prices": "2026-01-01"},
    )
