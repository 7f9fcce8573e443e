"""Technology decisions: weights from the NFRs and numbers, scores, winner, sensitivity."""

from __future__ import annotations

import pytest
from architect_fixtures import chat, pastebin

from agents.architect import draft_architecture
from agents.architect._common import Ctx
from agents.architect.decisions import DecisionInput, decide, normalise, sensitivity
from agents.artefacts import Criterion, Option
from agents.kb import KnowledgeBase, TechOption, default_kb


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_kb()


def _weight(decision_criteria: list[Criterion], name: str) -> float:
    return next(c.weight for c in decision_criteria if c.name == name)


def test_weights_sum_to_one_and_scores_recompute(kb: KnowledgeBase) -> None:
    for scope in (pastebin(kb), chat(kb)):
        arch = draft_architecture(scope, kb)
        assert arch.decisions
        for dec in arch.decisions:
            assert sum(c.weight for c in dec.criteria) == pytest.approx(1.0, abs=1e-9)
            assert all(c.why for c in dec.criteria)
            for opt in dec.options:
                expected = round(sum(c.weight * opt.scores[c.name] for c in dec.criteria), 2)
                assert opt.weighted == pytest.approx(expected, abs=1e-9)
            assert [o.weighted for o in dec.options] == sorted(
                (o.weighted for o in dec.options), reverse=True
            )
            assert dec.chosen == dec.options[0].name
            assert dec.sensitivity.startswith(("Margin", "Tied", "Only"))
            comp = arch.component(dec.component)
            assert comp is not None and comp.technology == dec.chosen


def test_weights_follow_the_requirements(kb: KnowledgeBase) -> None:
    small = Ctx.build(pastebin(kb), kb)  # $3,000 budget, 35 writes/s
    big = Ctx.build(chat(kb), kb)  # no budget, 69,444 writes/s
    options = kb.kind("kv_store").options

    def criteria(ctx: Ctx, load: float) -> list[Criterion]:
        d = DecisionInput(
            component_id="store",
            component_name="store",
            kind="kv_store",
            load=load,
            load_desc=f"write_qps_peak = {load:,.0f}/s",
            relations=0,
            storage_bytes=0,
        )
        return decide(d, options, ctx, "D-1")[0].criteria

    cheap = criteria(small, small.write_peak)
    heavy = criteria(big, big.write_peak)
    assert _weight(heavy, "throughput") > _weight(cheap, "throughput")
    assert _weight(cheap, "cost") > _weight(heavy, "cost")
    assert "budget" in next(c.why for c in cheap if c.name == "cost")
    assert "write_qps_peak" in next(c.why for c in heavy if c.name == "throughput")


def test_transactions_weigh_consistency(kb: KnowledgeBase) -> None:
    from architect_fixtures import make_scope

    booking = Ctx.build(
        make_scope(
            kb,
            "booking",
            dau=1_000_000,
            writes_per_user_per_day=1,
            reads_per_write=20,
            object_bytes=1000,
            retention_days=365,
        ),
        kb,
    )
    plain = Ctx.build(pastebin(kb), kb)
    d = DecisionInput(
        component_id="db",
        component_name="db",
        kind="sql_db",
        load=100,
        load_desc="100/s",
        relations=2,
        storage_bytes=0,
    )
    opts = kb.kind("sql_db").options
    assert _weight(decide(d, opts, booking, "D-1")[0].criteria, "consistency") > _weight(
        decide(d, opts, plain, "D-1")[0].criteria, "consistency"
    )


def test_normalise_rounds_to_exactly_one() -> None:
    raw = {"a": (1.0, "x"), "b": (1.0, "y"), "c": (1.0, "z")}
    weights = normalise(raw, ["a", "b", "c"])
    assert [c.weight for c in weights] == [0.34, 0.33, 0.33]
    assert sum(c.weight for c in weights) == pytest.approx(1.0)


def test_sensitivity_finds_the_weight_that_flips_the_call() -> None:
    criteria = [
        Criterion(name="throughput", weight=0.5, why="peak"),
        Criterion(name="ops_burden", weight=0.5, why="team"),
    ]
    kafka = Option(name="Kafka", scores={"throughput": 5, "ops_burden": 2}, weighted=3.5)
    sqs = Option(name="SQS", scores={"throughput": 3, "ops_burden": 5}, weighted=4.0)
    text = sensitivity(sqs, [sqs, kafka], criteria)
    # margin 0.5; moving w from ops_burden to throughput changes the gap by 5w: flips at 0.1
    assert "Margin 0.50 over Kafka" in text
    assert "throughput weight rises above 0.60" in text and "taken from ops_burden" in text
    robust = sensitivity(
        Option(name="A", scores={"throughput": 5, "ops_burden": 5}, weighted=5.0),
        [Option(name="B", scores={"throughput": 1, "ops_burden": 1}, weighted=1.0)],
        criteria,
    )
    assert "Robust" in robust


def test_ties_go_to_the_easier_option(kb: KnowledgeBase) -> None:
    base = kb.kind("queue").options[0]
    easy = TechOption(
        **{
            **base.model_dump(),
            "name": "Easy",
            "scores": {**base.scores, "ops_burden": 5, "throughput": 1},
        }
    )
    hard = TechOption(
        **{
            **base.model_dump(),
            "name": "Hard",
            "scores": {**base.scores, "ops_burden": 1, "throughput": 5},
        }
    )
    ctx = Ctx.build(pastebin(kb), kb)
    d = DecisionInput(
        component_id="q",
        component_name="q",
        kind="queue",
        load=1.0,
        load_desc="1/s",
        relations=0,
        storage_bytes=0,
    )
    decision, chosen = decide(d, [hard, easy], ctx, "D-1")
    top = decision.options
    if top[0].weighted == top[1].weighted:
        assert chosen.name == "Easy" and decision.sensitivity.startswith("Tied")
    else:
        assert chosen.name == top[0].name
