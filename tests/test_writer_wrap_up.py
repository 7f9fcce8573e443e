"""wrap_up: risks, limits and roadmap computed from the artefacts."""

from __future__ import annotations

from writer_fixtures import make_doc

from agents.artefacts import SavingsLever, WrapUp
from agents.writer import wrap_up
from agents.writer.analysis import assumption_influence, composed_availability, critical_path


def compute(doc=None) -> WrapUp:  # type: ignore[no-untyped-def]
    doc = doc or make_doc()
    return wrap_up(doc.scope, doc.architecture, doc.cost, doc.review)


def risk_texts(w: WrapUp) -> str:
    return "\n".join(r.risk for r in w.risks)


def test_open_and_accepted_findings_are_risks_resolved_ones_are_not() -> None:
    text = risk_texts(compute())
    assert "R-3 (hot-keys, minor, still open) on redirect cache" in text
    assert "R-2 (rate-limiting, minor) on API service was accepted" in text
    assert "R-1" not in text


def test_close_call_decision_is_a_risk() -> None:
    w = compute()
    risk = next(r for r in w.risks if r.risk.startswith("D-1"))
    assert "PostgreSQL was chosen although DynamoDB scores higher (4.30 vs 4.40)" in risk.risk
    assert risk.impact == "medium"  # the URL store holds data: switching means migrating it
    assert "DynamoDB wins if ops burden weighs above 0.25" in risk.mitigation
    assert not any(r.risk.startswith("D-2") for r in w.risks)  # Kafka leads by 0.50


def test_budget_margin_is_computed() -> None:
    text = risk_texts(compute())
    assert (
        "The bill uses 51% of the budget ($1,524 of $3,000); load growth of 2.0× exhausts it"
        in text
    )


def test_over_budget_says_whether_the_levers_close_the_gap() -> None:
    doc = make_doc()
    doc.cost.budget_monthly_usd = 1400
    doc.cost.levers.append(
        SavingsLever(name="spot workers", description="x", monthly_saving_usd=20, tradeoff="y")
    )
    w = compute(doc)
    top = w.risks[0]
    assert top.likelihood == "high" and top.impact == "high"
    assert "exceeds the $1,400 budget by $124 (9%)" in top.risk
    assert top.mitigation.startswith("Savings levers: reserved instances (saves $250/month)")
    assert "which would close the gap" in top.mitigation


def test_influential_assumed_inputs_are_risks_stated_ones_are_not() -> None:
    text = risk_texts(compute())
    assert (
        "new short URLs per user per day (writes_per_user_per_day = 0.1) is assumed, not "
        "stated: capacity scales linearly with it — 12 of 12 estimates depend on it"
    ) in text
    assert "(dau = 10M)" not in text  # stated by the user
    assert "seconds_per_day" not in text  # a definition, not a guess


def test_assumption_influence_recomputes_the_chain() -> None:
    influence = {i.name: i for i in assumption_influence(make_doc().scope)}
    dau = influence["dau"]
    assert dau.dependents[:2] == ["writes_per_day", "reads_per_day"]
    assert abs(dau.doubling["storage_total"] - 2.0) < 1e-9
    assert abs(influence["peak_factor"].doubling["read_qps_peak"] - 2.0) < 1e-9
    assert "storage_total" not in influence["peak_factor"].dependents


def test_single_instance_and_lossy_failure_modes_are_risks() -> None:
    doc = make_doc()
    doc.architecture.components[7].instances = 1  # click aggregator
    text = risk_texts(compute(doc))
    assert "click aggregator runs as a single instance: losing it stops what it serves" in text
    assert "When the click queue loses a broker, acknowledged data can be lost" in text


def test_critical_path_below_target_is_a_risk() -> None:
    doc = make_doc()
    doc.architecture.component("url_db").availability = 0.99  # type: ignore[union-attr]
    path = critical_path(doc.architecture)
    assert "click_queue" not in [c.id for c in path]  # reached only asynchronously
    assert composed_availability(path) < 0.999
    assert "below the 99.9% target" in risk_texts(compute(doc))


def test_limits_say_what_cannot_be_handled_and_what_then() -> None:
    limits = compute().limits
    assert limits[0].startswith("Cannot handle 10× today's load (34,722 reads/s) as built:")
    assert "then we would need: shard Redis by key hash" in limits[0]
    assert any(
        "Cannot survive the loss of its only region" in x and "$3,048/month" in x for x in limits
    )
    assert any(
        "Cannot grow past about 2.0× today's load within the $3,000/month budget" in x
        for x in limits
    )


def test_roadmap_is_ordered_from_fixes_to_growth() -> None:
    roadmap = compute().roadmap
    assert roadmap[0] == "Soon after launch: the minor findings R-3."
    assert roadmap[1].startswith(
        "Confirm the assumed inputs that size the system "
        "(writes_per_user_per_day, object_bytes, peak_factor)"
    )
    growth = [i for i, s in enumerate(roadmap) if s.startswith("At 10×") or s.startswith("At 100×")]
    assert growth == sorted(growth) and len(growth) == 2
    assert roadmap[-1] == "When a regional outage becomes unacceptable: a second region."


def test_blockers_come_first_in_the_roadmap() -> None:
    doc = make_doc()
    review = doc.reviews[-1]
    review.findings[2].severity = "blocker"
    w = compute(doc)
    assert w.roadmap[0] == "Before launch: fix R-3 (hot-keys) — replicate hot keys."
    assert w.risks[0].risk.startswith("R-3")


def test_without_review_or_budget() -> None:
    doc = make_doc()
    doc.cost.budget_monthly_usd = None
    w = wrap_up(doc.scope, doc.architecture, doc.cost, None)
    assert "No budget was given; the bill of $1,524/month is checked against nothing" in risk_texts(
        w
    )
    assert not any(r.risk.startswith("R-") for r in w.risks)


def test_single_primary_sql_store_is_a_limit() -> None:
    limits = compute().limits
    assert (
        "Cannot scale the URL store's writes (35/s at peak today) past what one PostgreSQL "
        "primary sustains: read replicas add reads, never writes; then we would need to "
        "partition it by user_id, key (or move it to a store that shards writes)."
    ) in limits


def test_lever_step_reads_as_a_sentence() -> None:
    roadmap = compute().roadmap
    assert (
        "When the bill nears the budget: reserved instances, saving $250/month; the price: "
        "a year's commitment."
    ) in roadmap


def test_an_open_composition_finding_is_not_repeated_as_a_second_risk() -> None:
    doc = make_doc()
    doc.architecture.component("url_db").availability = 0.99  # type: ignore[union-attr]
    doc.reviews[-1].findings[2].rule = "availability-composition"
    text = risk_texts(compute(doc))
    assert "R-3 (availability-composition" in text
    assert "composes to" not in text
