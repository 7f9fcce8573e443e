"""The scoper on a Pastebin with stated numbers: the capacity chain is exact and checkable."""

from __future__ import annotations

import pytest

from agents.artefacts import Scope
from agents.formula import evaluate
from agents.kb import default_kb
from agents.requirements import parse_requirements
from agents.scoper import scope_requirements

PASTEBIN = """# Pastebin

A pastebin with 10M users, 10M new pastes and 100M reads a month, ~1 KB each.
99.9% available, p99 < 200 ms, budget $3k/month. Keep pastes for 1 year.

- Users can set an expiry time on a paste.
- Users can create private pastes visible only to them.
"""

MONTH_SECONDS = 30 * 86400


@pytest.fixture(scope="module")
def scope() -> Scope:
    return scope_requirements(parse_requirements(PASTEBIN, "pastebin.md"), default_kb())


def test_archetype_and_name(scope: Scope) -> None:
    assert scope.archetype == "pastebin"
    assert scope.archetype_score > 0
    assert scope.system_name == "Pastebin"


def test_stated_totals_win(scope: Scope) -> None:
    assert scope.value("writes_per_day") == 10e6 / 30
    assert scope.value("reads_per_day") == 100e6 / 30
    assert scope.value("write_qps_avg") == pytest.approx(10e6 / MONTH_SECONDS)
    assert scope.value("write_qps_avg") == pytest.approx(3.858, abs=0.001)
    assert scope.value("read_qps_avg") == pytest.approx(38.58, abs=0.01)
    assert scope.estimate("write_qps_avg").display == "3.9/s"  # type: ignore[union-attr]
    assert scope.estimate("writes_per_day").formula == "stated_writes_per_month / days_per_month"  # type: ignore[union-attr]


def test_peak_is_average_times_peak_factor(scope: Scope) -> None:
    peak = scope.value("peak_factor")
    assert scope.value("write_qps_peak") == pytest.approx(scope.value("write_qps_avg") * peak)
    assert scope.value("read_qps_peak") == pytest.approx(scope.value("read_qps_avg") * peak)


def test_storage(scope: Scope) -> None:
    per_month = scope.value("storage_per_month")
    assert 10e9 <= per_month <= 13.01e9  # ~1 KB + metadata per paste, 10M pastes
    assert per_month == pytest.approx(scope.value("storage_per_day") * 30)
    assert scope.value("storage_per_year") == pytest.approx(scope.value("storage_per_day") * 365)
    assert scope.value("storage_total") == pytest.approx(scope.value("storage_per_day") * 365)
    assert scope.estimate("storage_per_month").display.endswith("GB/month")  # type: ignore[union-attr]


def test_cache_is_hot_fraction_of_daily_reads(scope: Scope) -> None:
    per_item = scope.value("object_bytes") + scope.value("metadata_bytes")
    expected = 0.2 * scope.value("reads_per_day") * per_item
    assert scope.value("cache_memory") == pytest.approx(expected)


def test_every_estimate_recomputes_from_its_inputs(scope: Scope) -> None:
    known = {a.name for a in scope.assumptions}
    for est in scope.estimates:
        assert evaluate(est.formula, est.inputs) == pytest.approx(est.value, rel=1e-12)
        assert set(est.inputs) <= known | {e.name for e in scope.estimates}
        assert est.display


def test_contract_estimates_present(scope: Scope) -> None:
    names = [e.name for e in scope.estimates]
    for name in (
        "writes_per_day", "reads_per_day", "write_qps_avg", "read_qps_avg", "write_qps_peak",
        "read_qps_peak", "storage_per_day", "storage_per_month", "storage_per_year",
        "storage_total", "ingress_bandwidth", "egress_bandwidth", "cache_memory",
    ):  # fmt: skip
        assert name in names
    assert (
        names.index("writes_per_day") < names.index("write_qps_avg") < names.index("write_qps_peak")
    )


def test_stated_and_assumed_inputs(scope: Scope) -> None:
    by_name = {a.name: a for a in scope.assumptions}
    assert by_name["object_bytes"].provenance == "stated"
    assert by_name["object_bytes"].value == 1000
    assert by_name["retention_days"].value == 365
    assert by_name["stated_writes_per_month"].why == 'stated: "10M new pastes"'
    assert by_name["metadata_bytes"].provenance == "assumed"
    assert "Pastebin" in by_name["metadata_bytes"].why
    assert by_name["dau"].provenance == "assumed"
    assert "10M users" in by_name["dau"].why
    assert by_name["writes_per_user_per_day"].value == pytest.approx(
        10e6 / 30 / by_name["dau"].value
    )
    assert by_name["reads_per_write"].value == pytest.approx(10)


def test_nfrs_are_metrics(scope: Scope) -> None:
    availability = scope.nfr("availability")
    assert availability is not None and availability.target == 99.9
    assert availability.provenance == "stated"
    latency = scope.nfr("latency_p99")
    assert latency is not None and latency.target == pytest.approx(0.2)
    budget = scope.nfr("budget")
    assert budget is not None and (budget.target, budget.unit) == (3000, "USD/month")
    retention = scope.nfr("retention")
    assert retention is not None and retention.target == 365 * 86400
    throughput = scope.nfr("throughput")
    assert throughput is not None
    assert throughput.target == pytest.approx(
        scope.value("read_qps_peak") + scope.value("write_qps_peak")
    )
    assert scope.nfr("durability") is not None
    consistency = scope.nfr("consistency")
    assert consistency is not None and consistency.target is None
    assert [r.id for r in scope.non_functional] == [
        f"NFR-{i}" for i in range(1, len(scope.non_functional) + 1)
    ]


def test_functional_requirements(scope: Scope) -> None:
    ids = [r.id for r in scope.functional]
    assert ids == [f"FR-{i}" for i in range(1, len(ids) + 1)]
    texts = [r.text.lower() for r in scope.functional]
    assert any("private" in t for t in texts)
    # "set an expiry time" duplicates the archetype's expiry requirement: merged, marked stated
    assert sum("expir" in t for t in texts) == 1
    assert any(r.provenance == "stated" and "expir" in r.text.lower() for r in scope.functional)
    assert len(set(texts)) == len(texts)


def test_summary_has_the_key_numbers(scope: Scope) -> None:
    assert "3.9/s" in scope.summary
    assert "99.9% available" in scope.summary
    assert "$3,000/month" in scope.summary
    assert scope.warnings == []
