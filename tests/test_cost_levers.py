"""Savings levers carry a computed monthly effect and a tradeoff; budget alarms carry figures."""

from __future__ import annotations

import pytest
from review_fixtures import PRICES, good_design, good_scope, make_kb

from agents.artefacts import Architecture, Component, CostReport, SavingsLever, Scope
from agents.cost_analyst import estimate_cost

HOURS = PRICES.hours_per_month


def _cost(arch: Architecture | None = None, scope: Scope | None = None) -> CostReport:
    return estimate_cost(arch or good_design(), scope or good_scope(), make_kb())


def _lever(cost: CostReport, starts: str) -> SavingsLever:
    found = [lv for lv in cost.levers if lv.name.startswith(starts)]
    assert len(found) == 1, [lv.name for lv in cost.levers]
    return found[0]


def _comp(arch: Architecture, cid: str) -> Component:
    comp = arch.component(cid)
    assert comp is not None
    return comp


def test_every_lever_saves_money_and_names_its_tradeoff() -> None:
    cost = _cost()
    assert len(cost.levers) >= 3
    for lever in cost.levers:
        assert lever.monthly_saving_usd >= 1 and len(lever.tradeoff) > 20
    savings = [lv.monthly_saving_usd for lv in cost.levers]
    assert savings == sorted(savings, reverse=True)


def test_reserved_instances_lever_reserves_the_steady_floor() -> None:
    lever = _lever(_cost(), "reserved instances")
    # fixed tiers: paste_cache 2 x 0.2, paste_db 3 x 0.5, view_queue 3 x 0.25;
    # autoscaled tiers reserve only the redundancy floor (2 at 99.9%): api 2 x 0.1, counter 2 x 0.1
    hourly = 2 * 0.2 + 3 * 0.5 + 3 * 0.25 + 2 * 0.1 + 2 * 0.1
    assert lever.monthly_saving_usd == pytest.approx(hourly * HOURS * 0.4, abs=0.01)
    assert "paste_db (3 × $0.50/h)" in lever.description


def test_reserved_tiers_are_not_offered_again() -> None:
    arch = good_design()
    for comp in arch.components:
        comp.features.append("reserved_instances")
    assert not [lv for lv in _cost(arch).levers if lv.name.startswith("reserved")]


def test_right_sizing_an_over_provisioned_tier() -> None:
    arch = good_design()
    _comp(arch, "api").instances = 10
    lever = _lever(_cost(arch), "right-size api from 10 to 3")
    assert lever.monthly_saving_usd == pytest.approx(7 * HOURS * 0.1, abs=0.01)
    assert "3,828/s" in lever.description and "19% utilisation" in lever.description


def test_storage_tiering_lever_prices_the_cold_share() -> None:
    lever = _lever(_cost(), "tier blob data")
    cold_gb = 1825 * (365 - 30) / 365
    assert lever.monthly_saving_usd == pytest.approx(cold_gb * (0.02 - 0.01), abs=0.01)


def test_cdn_lever_prices_egress_at_the_cdn_rate() -> None:
    lever = _lever(_cost(), "serve egress through a CDN")
    gb = 1.16e6 * HOURS * 3600 / 1e9
    assert lever.monthly_saving_usd == pytest.approx(gb * (0.09 - 0.05), abs=0.01)


def test_cache_lever_when_reads_hit_the_database() -> None:
    arch = good_design()
    arch.components = [c for c in arch.components if c.kind != "cache"]
    arch.links = [lk for lk in arch.links if lk.target != "paste_cache"]
    db = _comp(arch, "paste_db")
    db.instances, db.estimates = 4, ["read_qps_peak", "write_qps_peak", "metadata_storage_total"]
    lever = _lever(_cost(arch), "cache reads in front of paste_db")
    # 3,828/s on 4 nodes; with 80% of 3,480 reads cached: max(ceil(1,044 / 3,500), 3) = 3 nodes
    assert lever.monthly_saving_usd == pytest.approx(1 * HOURS * 0.5 - 2 * HOURS * 0.2, abs=0.01)


def test_autoscaling_lever_for_a_fixed_stateless_tier() -> None:
    arch = good_design()
    api = _comp(arch, "api")
    api.instances = 9
    api.features.remove("autoscaling")
    lever = _lever(_cost(arch), "autoscale api")
    assert lever.monthly_saving_usd == pytest.approx((9 - 3) * HOURS * 0.1, abs=0.01)
    assert "ceil(9 / 3) = 3" in lever.description


def test_budget_alarms_at_50_80_and_100_percent() -> None:
    alarms = _cost().alarms
    assert alarms[0].startswith("50% of the budget: forecast spend reaches $4,000/month")
    assert alarms[1].startswith("80% of the budget: $6,400/month")
    assert alarms[2].startswith("100% of the budget: $8,000/month")
    assert alarms[3].startswith("egress anomaly")


def test_alarms_follow_the_estimate_without_a_budget() -> None:
    scope = good_scope()
    budget = scope.nfr("budget")
    assert budget is not None
    scope.non_functional.remove(budget)
    cost = _cost(scope=scope)
    half = f"${cost.total_monthly_usd * 0.5:,.0f}/month"
    assert cost.alarms[0] == (
        f"50% of the estimate: forecast spend reaches {half} — notify the owning team "
        "(early warning)."
    )


def test_per_request_service_at_high_volume_gets_a_nodes_lever() -> None:
    arch = good_design()
    queue = _comp(arch, "view_queue")
    queue.technology, queue.instances, queue.managed = "Amazon SQS", 0, True  # cites read peak
    cost = _cost(arch)
    (requests,) = [i for i in cost.items if i.component == "view_queue"]
    lever = _lever(cost, "run view_queue on Kafka nodes instead of per request")
    kafka = 2 * HOURS * 0.25  # max(ceil(3,480 / (50,000 x 0.7)), 2) = 2 brokers
    assert lever.monthly_saving_usd == pytest.approx(requests.monthly_usd - kafka, abs=0.01)
    assert "fits on 2 × Kafka nodes" in lever.description
