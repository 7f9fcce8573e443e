"""The bill of materials: every line priced from the table, with its formula; totals add up."""

from __future__ import annotations

import pytest
from review_fixtures import PRICES, good_design, good_scope, make_kb

from agents.artefacts import Architecture, Component, CostItem, CostReport, Scope
from agents.cost import average_load, peak_load
from agents.cost_analyst import estimate_cost


def _cost(
    arch: Architecture | None = None, scope: Scope | None = None, **price_changes: object
) -> CostReport:
    prices = PRICES.model_copy(update=price_changes)
    return estimate_cost(arch or good_design(), scope or good_scope(), make_kb(prices=prices))


def _items(cost: CostReport, component: str, category: str | None = None) -> list[CostItem]:
    return [
        i
        for i in cost.items
        if i.component == component and (category is None or i.category == category)
    ]


def _comp(arch: Architecture, cid: str) -> Component:
    comp = arch.component(cid)
    assert comp is not None
    return comp


def test_items_sum_to_the_total_and_each_line_is_quantity_times_price() -> None:
    cost = _cost()
    assert cost.items
    assert cost.total_monthly_usd == pytest.approx(sum(i.monthly_usd for i in cost.items), abs=0.01)
    for item in cost.items:
        assert item.monthly_usd == pytest.approx(item.quantity * item.unit_price_usd, abs=0.01)
        assert item.formula and item.unit
    assert cost.price_table == "test price list (2026-01-01)"


def test_compute_is_instances_times_hours_times_the_hourly_price() -> None:
    (api,) = _items(_cost(), "api", "compute")
    assert (api.quantity, api.unit, api.unit_price_usd) == (2190, "instance-hours", 0.1)
    assert api.monthly_usd == 219.0
    assert api.formula == "3 instances × 730 h/month × $0.10/h"


def test_a_managed_unit_with_an_hourly_price_is_billed_once() -> None:
    (lb,) = _items(_cost(), "lb")
    assert lb.quantity == 730 and lb.monthly_usd == 36.5
    assert "1 managed unit" in lb.formula


def test_reserved_instances_take_the_discount_off_compute() -> None:
    on_demand = _items(_cost(), "paste_db", "compute")[0]
    arch = good_design()
    _comp(arch, "paste_db").features.append("reserved_instances")
    reserved = _items(_cost(arch), "paste_db", "compute")[0]
    assert on_demand.monthly_usd == 1095.0
    assert reserved.monthly_usd == pytest.approx(1095.0 * (1 - PRICES.reserved_discount))
    assert "reserved discount" in reserved.formula


def test_database_storage_counts_every_replica_on_block_storage() -> None:
    (disk,) = _items(_cost(), "paste_db", "storage")
    assert disk.quantity == pytest.approx(100 * 3)  # 100 GB metadata x 3 copies
    assert disk.unit_price_usd == PRICES.storage_gb_month["block_ssd"]
    assert "3 copies" in disk.formula and "metadata_storage_total" in disk.formula


def test_object_store_bills_one_copy_and_its_requests() -> None:
    cost = _cost()
    (blob,) = _items(cost, "blob", "storage")
    assert blob.quantity == pytest.approx(1825) and "1 copy" in blob.formula
    requests = {i.item: i for i in _items(cost, "blob", "managed")}
    writes = requests["blob writes (Amazon S3)"]
    assert writes.quantity == pytest.approx(116 * 730 * 3600 / 1e6, rel=1e-4)
    assert writes.unit_price_usd == PRICES.requests_per_million["s3_put"]
    assert (
        requests["blob reads (Amazon S3)"].unit_price_usd == PRICES.requests_per_million["s3_get"]
    )


def test_storage_tiering_moves_data_older_than_30_days_to_infrequent_access() -> None:
    arch = good_design()
    _comp(arch, "blob").features.append("storage_tiering")
    hot, cold = _items(_cost(arch), "blob", "storage")
    assert hot.quantity == pytest.approx(1825 * 30 / 365)
    assert cold.quantity == pytest.approx(1825 * 335 / 365)
    assert cold.unit_price_usd == PRICES.storage_gb_month["object_ia"]
    untiered = _items(_cost(), "blob", "storage")[0].monthly_usd
    assert hot.monthly_usd + cold.monthly_usd < untiered


def test_egress_goes_to_the_internet_without_a_cdn_and_through_it_with_one() -> None:
    seconds = 730 * 3600
    (direct,) = [i for i in _cost().items if i.category == "egress"]
    assert direct.quantity == pytest.approx(1.16e6 * seconds / 1e9, rel=1e-4)
    assert direct.unit_price_usd == PRICES.egress_gb and direct.component == ""

    arch = good_design()
    arch.components.append(
        Component(
            id="edge",
            name="edge",
            kind="cdn",
            technology="Amazon CloudFront",
            instances=0,
            sizing="managed",
            stateful=False,
            managed=True,
            serves=["FR-2"],
            responsibility="r",
        )
    )
    cost = _cost(arch)
    (via_cdn,) = [i for i in cost.items if i.category == "egress"]
    assert via_cdn.component == "edge" and via_cdn.unit_price_usd == PRICES.cdn_egress_gb
    assert via_cdn.monthly_usd < direct.monthly_usd
    (cdn_requests,) = _items(cost, "edge", "managed")
    assert "read_qps_avg" in cdn_requests.formula  # a CDN serves the reads


def test_peak_egress_is_billed_at_the_average_rate() -> None:
    scope = good_scope()
    est = scope.estimate("egress_bandwidth")
    assert est is not None
    est.value, est.label = 3.48e6, "peak egress"
    (egress,) = [i for i in _cost(scope=scope).items if i.category == "egress"]
    assert egress.quantity == pytest.approx(3.48e6 / 3 * 730 * 3600 / 1e9, rel=1e-4)
    assert "egress_bandwidth / peak_factor" in egress.formula


def test_a_serverless_queue_bills_three_requests_per_message() -> None:
    arch = good_design()
    queue = _comp(arch, "view_queue")
    queue.technology, queue.instances, queue.managed, queue.estimates = "Amazon SQS", 0, True, []
    (requests,) = _items(_cost(arch), "view_queue")
    assert requests.quantity == pytest.approx(116 * 3 * 730 * 3600 / 1e6, rel=1e-4)
    assert "3 requests per message" in requests.formula


def test_unpriceable_components_are_named_in_the_notes_not_billed_at_zero() -> None:
    arch = good_design()
    _comp(arch, "api").technology = "Erlang on bare metal"
    arch.components.append(
        Component(
            id="stripe",
            name="payments",
            kind="external",
            technology="Stripe",
            instances=0,
            sizing="-",
            stateful=False,
            serves=["FR-1"],
            responsibility="r",
        )
    )
    prices = {**PRICES.instance_hour}
    del prices["broker"]
    cost = _cost(arch, instance_hour=prices)
    assert not _items(cost, "api") and not _items(cost, "stripe")
    assert not _items(cost, "view_queue", "compute")
    notes = " ".join(cost.notes)
    assert "'Erlang on bare metal' is not in the service catalogue" in notes
    assert "stripe (Stripe) is billed by its provider" in notes
    assert "instance class 'broker' has no price" in notes


def test_budget_comparison() -> None:
    cost = _cost()
    assert cost.budget_monthly_usd == 8000 and cost.within_budget is True
    scope = good_scope()
    budget = scope.nfr("budget")
    assert budget is not None
    budget.target = 1000
    over = _cost(scope=scope)
    assert over.within_budget is False
    assert any(n.startswith("Over budget by") for n in over.notes)
    scope.non_functional.remove(budget)
    none = _cost(scope=scope)
    assert none.budget_monthly_usd is None and none.within_budget is None


def test_storage_is_assigned_by_kind_when_nothing_cites_it() -> None:
    arch = good_design()
    for comp in arch.components:
        comp.estimates = [e for e in comp.estimates if "storage" not in e]
    cost = _cost(arch)
    (disk,) = _items(cost, "paste_db", "storage")
    assert disk.quantity == pytest.approx(1825 * 3)  # storage_total x 3 replicas
    assert not _items(cost, "blob", "storage")
    assert any("assigned by kind" in n for n in cost.notes)


def test_component_load_uses_the_peak_twin_of_a_cited_average() -> None:
    scope, arch = good_scope(), good_design()
    counter = _comp(arch, "counter")  # cites read_qps_avg
    peak = peak_load(counter, scope)
    assert (peak.value, peak.formula) == (3480, "read_qps_peak")
    api = _comp(arch, "api")  # cites the peaks
    avg = average_load(api, scope)
    assert (avg.value, avg.formula) == (1160 + 116, "read_qps_avg + write_qps_avg")


def test_long_retention_bills_the_volume_held_after_year_one() -> None:
    scope = good_scope()
    retention = next(a for a in scope.assumptions if a.name == "retention_days")
    retention.value = 3650  # storage_total (1.825 TB) is the ten-year volume
    cost = _cost(scope=scope)
    (blob,) = _items(cost, "blob", "storage")
    assert blob.quantity == pytest.approx(1825 * 365 / 3650)
    assert "365/3,650 days held after year 1" in blob.formula
    note = next(n for n in cost.notes if n.startswith("blob keeps data 10 years"))
    assert "1.8 TB and $36.50/month at full retention" in note
