"""Model judges: rubric scores through the ChatModel protocol, panels, agreement, pairwise A/B."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fake_openai_server import FakeOpenAIServer, valid

from agents.errors import ModelUnavailableError
from agents.llm import FakeChatModel, OpenAIChatModel
from evals.judges import (
    DIMENSIONS,
    RUBRIC,
    JudgeResult,
    JudgeScore,
    PairwiseVerdict,
    agreement,
    compare_pair,
    judge_design,
    panel_means,
)


def score_reply(*scores: int, summary: str = "solid") -> dict[str, Any]:
    values = scores or (3,) * len(DIMENSIONS)
    return {
        "scores": [
            {"dimension": d, "reasoning": f"evidence for {d}", "score": s}
            for d, s in zip(DIMENSIONS, values, strict=True)
        ],
        "summary": summary,
    }


def verdict(winner: str, per_dimension: str | None = None) -> dict[str, Any]:
    return {
        "dimensions": [
            {"dimension": d, "reasoning": "differences", "winner": per_dimension or winner}
            for d in DIMENSIONS
        ],
        "reasoning": "overall",
        "winner": winner,
    }


def test_rubric_has_five_dimensions_with_six_anchors() -> None:
    assert list(RUBRIC) == list(DIMENSIONS)
    assert all(len(c.levels) == 6 and all(c.levels) for c in RUBRIC.values())


def test_reasoning_comes_before_the_score_in_the_schema() -> None:
    schema = JudgeScore.model_json_schema()
    fields = list(schema["$defs"]["DimensionScore"]["properties"])
    assert fields.index("reasoning") < fields.index("score")
    pair = list(PairwiseVerdict.model_json_schema()["$defs"]["DimensionPreference"]["properties"])
    assert pair.index("reasoning") < pair.index("winner")


def test_a_judge_scores_every_dimension() -> None:
    model = FakeChatModel(score_reply(4, 3, 5, 2, 3), model_name="judge-a")
    result = judge_design(
        model, "Design a pastebin", "# Pastebin\n## Scope", design_model="offline"
    )
    assert result.error is None
    assert result.scores == dict(zip(DIMENSIONS, (4, 3, 5, 2, 3), strict=True))
    assert result.reasoning["capacity_estimation"] == "evidence for capacity_estimation"
    assert result.mean == pytest.approx(3.4)
    assert not result.self_judged
    (call,) = model.history
    assert call.role == "judge" and call.output_type is JudgeScore
    system, user = call.messages[0]["content"], call.messages[1]["content"]
    assert RUBRIC["deep_dive_depth"].levels[5] in system  # anchored levels reach the judge
    assert "reasoning" in system.lower() and "# Pastebin" in user and "Design a pastebin" in user


def test_a_reply_missing_a_dimension_is_asked_again() -> None:
    partial = score_reply()
    partial["scores"] = partial["scores"][:4]
    model = FakeChatModel(partial, score_reply(2, 2, 2, 2, 2), model_name="judge-a")
    result = judge_design(model, "req", "doc")
    assert result.scores["tradeoffs_failure_modes"] == 2
    assert len(model.history) == 2
    assert "tradeoffs_failure_modes" in model.history[1].messages[-1]["content"]


def test_out_of_range_scores_never_validate() -> None:
    with pytest.raises(ValueError):
        JudgeScore.model_validate(score_reply(6, 3, 3, 3, 3))


def test_a_failing_judge_is_recorded_not_raised() -> None:
    model = FakeChatModel(ModelUnavailableError("server down"), model_name="judge-a")
    result = judge_design(model, "req", "doc")
    assert result.scores == {}
    assert result.error is not None and "server down" in result.error


def test_a_judge_of_its_own_model_is_flagged() -> None:
    model = FakeChatModel(score_reply(), model_name="openai/gpt-4o")
    assert judge_design(model, "req", "doc", design_model="gpt-4o").self_judged
    model = FakeChatModel(score_reply(), model_name="gpt-4o")
    assert not judge_design(model, "req", "doc", design_model="offline").self_judged


def _result(judge: str, *scores: int) -> JudgeResult:
    return JudgeResult(judge=judge, scores=dict(zip(DIMENSIONS, scores, strict=True)))


def test_panel_means_and_agreement() -> None:
    design_1 = [
        _result("a", 4, 4, 4, 4, 4),
        _result("b", 2, 4, 4, 4, 5),
        _result("c", 3, 4, 4, 4, 3),
    ]
    design_2 = [_result("a", 1, 1, 1, 1, 1), _result("b", 1, 1, 1, 1, 1)]
    means = panel_means(design_1)
    assert means["requirements_scoping"] == pytest.approx(3.0)
    assert means["capacity_estimation"] == pytest.approx(4.0)
    by_dim = {a.dimension: a for a in agreement([design_1, design_2])}
    scoping = by_dim["requirements_scoping"]
    # design 1: |4-2|, |4-3|, |2-3| = 2, 1, 1; design 2: 0 -> mean 1.0; spreads 2 and 0 -> 1.0
    assert scoping.mean_abs_diff == pytest.approx(1.0)
    assert scoping.mean_spread == pytest.approx(1.0)
    assert scoping.designs == 2
    assert by_dim["capacity_estimation"].mean_abs_diff == pytest.approx(0.0)


def test_pairwise_counts_only_order_independent_preferences() -> None:
    # 'new' is A in the first call and B in the second: preferring it both times is a win
    model = FakeChatModel(verdict("A"), verdict("B"), model_name="judge-a")
    result = compare_pair(model, "req", ("new", "doc new"), ("base", "doc base"))
    assert (result.winner, result.score, result.consistent) == ("new", 1.0, True)
    assert set(result.dimensions.values()) == {"new"}
    first, second = (call.messages[1]["content"] for call in model.history)
    assert first.index("doc new") < first.index("doc base")
    assert second.index("doc base") < second.index("doc new")


def test_pairwise_position_bias_becomes_a_tie() -> None:
    model = FakeChatModel(verdict("A"), verdict("A"), model_name="judge-a")
    result = compare_pair(model, "req", ("new", "x"), ("base", "y"))
    assert (result.winner, result.score, result.consistent) == ("tie", 0.0, False)
    assert set(result.dimensions.values()) == {"tie"}


def test_pairwise_loss_and_error() -> None:
    model = FakeChatModel(verdict("B"), verdict("A", per_dimension="tie"), model_name="j")
    result = compare_pair(model, "req", ("new", "x"), ("base", "y"))
    assert (result.winner, result.score) == ("base", -1.0)
    assert set(result.dimensions.values()) == {"tie"}
    failing = FakeChatModel(ModelUnavailableError("down"), model_name="j")
    assert compare_pair(failing, "req", ("new", "x"), ("base", "y")).error is not None


def test_judge_through_the_fake_openai_server(
    fake_openai: FakeOpenAIServer, make_openai_model: Callable[..., OpenAIChatModel]
) -> None:
    fake_openai.enqueue(valid(score_reply(5, 4, 3, 2, 1)))
    model = make_openai_model(structured_mode="json_schema")
    result = judge_design(model, "Design a chat app", "# Chat design", design_model="gpt-4o-mini")
    assert result.error is None
    assert result.scores["requirements_scoping"] == 5
    assert result.scores["tradeoffs_failure_modes"] == 1
    assert result.self_judged  # the fake server's model made the design too
    (body,) = fake_openai.requests
    assert body["response_format"]["type"] == "json_schema"
    assert "scores" in body["response_format"]["json_schema"]["schema"]["properties"]
