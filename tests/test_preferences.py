"""Technology preferences: front matter and prose ask for technologies; the design uses them."""

from __future__ import annotations

import pytest

from agents.architect import draft_architecture, revise_architecture
from agents.artefacts import Architecture, Component, Scope
from agents.cost_analyst import estimate_cost
from agents.kb import KnowledgeBase, default_kb
from agents.requirements import parse_requirements
from agents.reviewer import review_design
from agents.scoper import scope_requirements
from agents.scoper.preferences import multi_region_phrase, preferences_in_text

SHORTENER = "Design a URL shortener like bit.ly"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_kb()


def _design(text: str, kb: KnowledgeBase) -> tuple[Scope, Architecture]:
    scope = scope_requirements(parse_requirements(text), kb)
    return scope, draft_architecture(scope, kb)


def _main_store(arch: Architecture) -> Component:
    return next(c for c in arch.components if "storage_total" in c.estimates)


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("use Postgres", ["PostgreSQL"]),
        ("We run on Kafka.", ["Apache Kafka"]),
        ("Store it in Cassandra.", ["Apache Cassandra"]),
        ("Use managed Kafka and Redis.", ["Amazon MSK", "Redis"]),
        ("Use Postgres instead of DynamoDB.", ["PostgreSQL"]),
        ("replace DynamoDB with Postgres", ["PostgreSQL"]),
        ("migrate from DynamoDB to aurora postgres", ["Amazon Aurora PostgreSQL"]),
        ("No Kafka, use SQS.", ["Amazon SQS"]),
        ("Postgres is preferred; MongoDB is not allowed.", ["PostgreSQL"]),
        ("instead of DynamoDB", []),
        ("no MongoDB", []),
        ("Build it without Kafka.", []),
        ("avoid Redis", []),
        ("Don't use Kafka.", []),
        ("Design a message queue like Kafka.", []),
        ("Use elastic scaling on a VM.", []),
    ],
)
def test_prose_asks_for_technologies_but_not_the_rejected_ones(
    text: str, wanted: list[str], kb: KnowledgeBase
) -> None:
    assert preferences_in_text(text, kb) == wanted


def test_front_matter_names_map_to_catalogue_names_and_unknown_ones_warn(
    kb: KnowledgeBase,
) -> None:
    text = "---\ntechnologies: [postgres, kafka, FoxDB]\n---\nDesign a URL shortener like bit.ly"
    scope = scope_requirements(parse_requirements(text), kb)
    assert scope.preferences == ["PostgreSQL", "Apache Kafka"]
    assert any("FoxDB" in w for w in scope.warnings)
    assert "the requirements ask for PostgreSQL, Apache Kafka" in scope.summary


def test_no_preference_by_default(kb: KnowledgeBase) -> None:
    scope = scope_requirements(parse_requirements(SHORTENER), kb)
    assert scope.preferences == []


def test_postgres_preference_moves_the_main_store_to_sql(kb: KnowledgeBase) -> None:
    _, plain = _design(SHORTENER, kb)
    _, preferred = _design("---\ntechnologies: [PostgreSQL]\n---\n" + SHORTENER, kb)
    before, after = _main_store(plain), _main_store(preferred)
    assert (before.kind, before.technology) == ("kv_store", "Amazon DynamoDB")
    assert (after.kind, after.technology) == ("sql_db", "PostgreSQL")
    assert "the requirements ask for PostgreSQL" in after.responsibility
    # the entity that lived in the key-value store moved with it
    assert any(e.store == after.id for e in preferred.entities)
    decision = next(d for d in preferred.decisions if d.component == after.id)
    assert decision.chosen == "PostgreSQL"
    assert decision.rationale.startswith("Chosen because the requirements ask for PostgreSQL")
    best = decision.options[0]  # the table still ranks the options by their scores
    assert best.name != "PostgreSQL" and best.weighted > next(
        o.weighted for o in decision.options if o.name == "PostgreSQL"
    )
    assert f"The scores would have picked {best.name}" in decision.sensitivity


def test_kafka_preference_picks_kafka_for_the_queues(kb: KnowledgeBase) -> None:
    base = "Design a notification service that sends push, email and SMS."
    _, plain = _design(base, kb)
    _, preferred = _design(base + " Use Kafka.", kb)
    plain_queues = [c.technology for c in plain.components if c.kind == "queue"]
    queues = [c.technology for c in preferred.components if c.kind == "queue"]
    assert plain_queues and "Apache Kafka" not in plain_queues
    assert queues and set(queues) == {"Apache Kafka"}


def test_instead_of_dynamodb_does_not_prefer_dynamodb(kb: KnowledgeBase) -> None:
    scope, arch = _design(
        "Design a payment system for a marketplace. Use Postgres instead of DynamoDB.", kb
    )
    assert scope.preferences == ["PostgreSQL"]
    databases = [c for c in arch.components if c.kind in ("sql_db", "kv_store", "document_db")]
    assert databases and {c.technology for c in databases} == {"PostgreSQL"}
    scope, arch = _design(SHORTENER + ". Use Cassandra instead of DynamoDB.", kb)
    assert scope.preferences == ["Apache Cassandra"]
    assert _main_store(arch).technology == "Apache Cassandra"


def test_a_preferred_technology_survives_the_revisions(kb: KnowledgeBase) -> None:
    text = "---\ntechnologies: [PostgreSQL]\n---\n" + SHORTENER + ". 99.99% availability."
    scope, arch = _design(text, kb)
    cost = estimate_cost(arch, scope, kb)
    review = review_design(scope, arch, cost, kb, 1)
    for n in range(2):
        if review.verdict == "approve":
            break
        arch = revise_architecture(arch, scope, review, cost, kb)
        cost = estimate_cost(arch, scope, kb)
        review = review_design(scope, arch, cost, kb, n + 2, review)
    sql = [c for c in arch.components if c.kind == "sql_db"]
    assert sql and {c.technology for c in sql} == {"PostgreSQL"}


def test_multi_region_phrases(kb: KnowledgeBase) -> None:
    assert multi_region_phrase("It must be multi-region.") == "multi-region"
    assert multi_region_phrase("We do not need multi-region.") is None
    assert multi_region_phrase("Multi-region is out of scope.") is None
