"""Change requests -> amended requirements (agents/changes.py), on a real offline design."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.api import run_design
from agents.artefacts import DesignDoc
from agents.changes import apply_change_request, find_capabilities, split_clauses
from agents.kb import default_kb
from agents.requirements import parse_requirements
from agents.settings import Settings

PASTEBIN = (Path(__file__).resolve().parents[1] / "examples" / "pastebin.md").read_text("utf-8")


@pytest.fixture(scope="module")
def pastebin(tmp_path_factory: pytest.TempPathFactory) -> DesignDoc:
    """The Pastebin example designed offline: 10M users (dau 3M), stated monthly totals,
    budget $3k/month, one region, Amazon DynamoDB for the metadata."""
    home = tmp_path_factory.mktemp("home")
    return run_design(parse_requirements(PASTEBIN, "pastebin.md"), Settings(home=home))


def test_make_it_cheaper_targets_70_percent_of_the_lower_of_cost_and_budget(
    pastebin: DesignDoc,
) -> None:
    result = apply_change_request(pastebin, "make it cheaper")
    total = pastebin.cost.total_monthly_usd
    budget = pastebin.cost.budget_monthly_usd
    assert budget == 3000
    base = min(total, budget)
    assert result.requirements.front_matter["budget"] == f"${round(base * 0.7):,}/month"
    assert result.needs_model == []
    (line,) = result.understood
    assert line.startswith("budget: ") and "70% of the current" in line and "was $3,000" in line
    # the original request is kept; only the front matter changes
    assert result.requirements.text == pastebin.requirements.text
    assert pastebin.requirements.front_matter == {}  # the design's own requirements untouched


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        ("budget $2,000/month", "$2,000/month"),
        ("keep it under $1.5k a month", "$1,500/month"),
    ],
)
def test_a_stated_budget_is_taken_as_asked(
    pastebin: DesignDoc, request_text: str, expected: str
) -> None:
    result = apply_change_request(pastebin, request_text)
    assert result.requirements.front_matter == {"budget": expected}


def test_30_percent_cheaper(pastebin: DesignDoc) -> None:
    result = apply_change_request(pastebin, "make it 30% cheaper")
    base = min(pastebin.cost.total_monthly_usd, 3000)
    assert result.requirements.front_matter["budget"] == f"${round(base * 0.7):,}/month"


def test_ten_times_the_traffic_scales_users_and_the_stated_totals(pastebin: DesignDoc) -> None:
    result = apply_change_request(pastebin, "10× the traffic")
    fm = result.requirements.front_matter
    assert fm["dau"] == 30_000_000
    assert fm["users"] == 100_000_000  # stated "10M users" scales too
    assert fm["writes_per_day"] == round(pastebin.scope.value("writes_per_day") * 10)
    assert fm["reads_per_day"] == round(pastebin.scope.value("reads_per_day") * 10)
    assert result.understood == [
        "scale: daily active users 3M → 30M, writes 3.3M/day, reads 33.3M/day (×10)"
    ]


def test_double_the_users_and_an_absolute_dau(pastebin: DesignDoc) -> None:
    assert (
        apply_change_request(pastebin, "double the users").requirements.front_matter["dau"]
        == 6_000_000
    )
    fm = apply_change_request(pastebin, "50M DAU").requirements.front_matter
    assert fm["dau"] == 50_000_000
    assert fm["writes_per_day"] == round(pastebin.scope.value("writes_per_day") * 50 / 3)


def test_technology_swap_names_the_kb_technology(pastebin: DesignDoc) -> None:
    result = apply_change_request(pastebin, "use Postgres instead of DynamoDB")
    assert result.requirements.front_matter["technologies"] == ["PostgreSQL"]
    assert result.understood == ["technology: use PostgreSQL instead of Amazon DynamoDB"]

    kafka = apply_change_request(pastebin, "use Kafka").requirements.front_matter
    assert kafka["technologies"] == ["Apache Kafka"]
    replace = apply_change_request(pastebin, "replace DynamoDB with MySQL")
    assert replace.requirements.front_matter["technologies"] == ["MySQL"]


def test_a_later_swap_drops_the_replaced_technology(pastebin: DesignDoc) -> None:
    first = apply_change_request(pastebin, "use Postgres instead of DynamoDB")
    revised = pastebin.model_copy(update={"requirements": first.requirements})
    second = apply_change_request(revised, "switch from Postgres to Cassandra, use Kafka")
    assert second.requirements.front_matter["technologies"] == ["Apache Cassandra", "Apache Kafka"]


def test_regions(pastebin: DesignDoc) -> None:
    assert apply_change_request(pastebin, "we now need two regions").requirements.front_matter == {
        "regions": 2
    }
    assert apply_change_request(pastebin, "go multi-region").requirements.front_matter == {
        "regions": 2
    }
    assert apply_change_request(pastebin, "deploy to 3 regions").understood == [
        "regions: 3 (was 1)"
    ]


def test_features_become_capability_ids(pastebin: DesignDoc) -> None:
    result = apply_change_request(pastebin, "add search and notifications")
    assert result.requirements.front_matter["capabilities"] == ["search", "notifications"]
    assert len(result.understood) == 2 and result.needs_model == []
    assert find_capabilities("add search suggestions", default_kb()) == ["autocomplete"]
    already = apply_change_request(pastebin, "add short links")
    assert "capabilities" not in already.requirements.front_matter
    assert already.understood == ["features: Short unique keys already in the design"]


def test_what_the_kernel_cannot_read_needs_a_model(pastebin: DesignDoc) -> None:
    result = apply_change_request(
        pastebin, "use Kafka and double the users, then add a leaderboard. Make it more secure"
    )
    fm = result.requirements.front_matter
    assert fm["technologies"] == ["Apache Kafka"]
    assert fm["dau"] == 6_000_000
    assert fm["capabilities"] == ["ranking"]
    assert result.needs_model == [
        "'Make it more secure' needs a model: configure one in the sidebar"
    ]
    assert result.unhandled == ["Make it more secure"]


def test_clauses_split_on_words_and_punctuation_but_not_inside_numbers() -> None:
    assert split_clauses("budget $2,000/month. 1.5M DAU; use Kafka and add search") == [
        "budget $2,000/month",
        "1.5M DAU",
        "use Kafka",
        "add search",
    ]
    assert split_clauses("   ") == []


def test_the_amended_requirements_scope_with_the_new_numbers(pastebin: DesignDoc) -> None:
    from agents.scoper import scope_requirements

    result = apply_change_request(pastebin, "budget $2,000/month and 10x the traffic")
    scope = scope_requirements(result.requirements, default_kb())
    budget = scope.nfr("budget")
    assert budget is not None and budget.target == 2000
    assert scope.value("dau") == 30_000_000
    assert scope.value("writes_per_day") == pytest.approx(
        pastebin.scope.value("writes_per_day") * 10, rel=1e-6
    )
