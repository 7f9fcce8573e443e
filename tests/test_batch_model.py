"""The model path of a batch: threads, one Budget for the whole batch, model faults isolated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agents.errors import ModelAuthError
from agents.llm import Budget, ChatModel, FakeChatModel, Price
from agents.settings import Settings
from app.batch import BatchOptions, collect_inputs, run_batch
from app.cli import main

# $1 per 1000 completion tokens, prompts free: a call reserves exactly its completion cap
PRICE = Price(0.0, 1000.0, source="test")
MAX_COMPLETION = 1000  # worst case $1.00 per call
JUNK = "x " * 900  # an expensive reply (~900 tokens, ~$0.90) that never validates


def _inputs(tmp_path: Path, count: int) -> list[Any]:
    folder = tmp_path / "req"
    folder.mkdir()
    for i in range(count):
        (folder / f"item{i}.md").write_text(f"A URL shortener for {i + 1}M users", encoding="utf-8")
    return collect_inputs([str(folder)])


def test_batch_budget_stops_new_items_and_lists_what_did_not_run(tmp_path: Path) -> None:
    made: list[FakeChatModel] = []

    def factory(settings: Settings, budget: Budget) -> ChatModel:
        model = FakeChatModel(
            price=PRICE,
            budget=budget,
            max_completion_tokens=MAX_COMPLETION,
            responder=lambda *_: JUNK,
        )
        made.append(model)
        return model

    out = tmp_path / "designs"
    # two calls in flight at once fit ($2 held of $2.50); after they settle ($1.80) no third does
    options = BatchOptions(out_dir=out, jobs=2, budget_usd=2.5, quiet=True)
    outcome = run_batch(_inputs(tmp_path, 5), Settings(), options, model_factory=factory)

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    statuses = [item["status"] for item in summary["items"]]
    assert statuses == ["incomplete", "incomplete", "not_run", "not_run", "not_run"]
    assert len(made) == 2  # no model was even built for the items that did not start
    assert summary["budget_reached"] is True
    assert summary["not_run"] == ["item2", "item3", "item4"]
    assert all("budget ($2.50) was reached" in i["reason"] for i in summary["items"][2:])
    assert all("BudgetExceededError" in i["reason"] for i in summary["items"][:2])
    assert 1.7 < summary["spent_usd"] <= 2.5
    assert sum(i["usd"] for i in summary["items"]) == pytest.approx(summary["spent_usd"])
    assert all((out / f"item{i}" / "design.md").exists() for i in (0, 1))  # kept, incomplete
    assert outcome.exit_status == 3
    assert "did not start" in (out / "index.md").read_text(encoding="utf-8")


def test_model_fault_in_one_item_does_not_stop_the_others(tmp_path: Path) -> None:
    def factory(settings: Settings, budget: Budget) -> ChatModel:
        def respond(messages: Any, output_type: Any, role: str) -> Any:
            if any("2M users" in m["content"] for m in messages):
                return ModelAuthError("401 from the server: check the key")
            return JUNK  # invalid: the kernel's draft is kept, the item completes

        return FakeChatModel(price=Price(0.0, 0.0), budget=budget, max_repairs=0, responder=respond)

    out = tmp_path / "designs"
    outcome = run_batch(
        _inputs(tmp_path, 3),
        Settings(max_revisions=0),
        BatchOptions(out_dir=out, jobs=3, quiet=True),
        model_factory=factory,
    )
    items = {i.name: i for i in outcome.summary.items}
    assert items["item1"].status == "failed"
    assert items["item1"].reason == "ModelAuthError: 401 from the server: check the key"
    assert items["item0"].status == items["item2"].status == "done"
    assert outcome.exit_status == 1


def test_cli_batch_against_the_fake_openai_server(
    tmp_path: Path, fake_openai: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "req"
    folder.mkdir()
    (folder / "a.md").write_text("A URL shortener for 1M users", encoding="utf-8")
    (folder / "b.md").write_text("A pastebin for 2M users", encoding="utf-8")
    out = tmp_path / "designs"
    argv = [
        "batch",
        str(folder),
        "-o",
        str(out),
        "-q",
        "--model",
        "gpt-4o-mini",
        "--base-url",
        fake_openai.base_url,
        "--jobs",
        "2",
        "--rpm",
        "1000",
        "--max-revisions",
        "0",
        "--no-cache",
    ]
    assert main(argv) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["model"] == "gpt-4o-mini" and summary["counts"]["done"] == 2
    assert fake_openai.calls > 0
    assert summary["totals"]["tokens"] > 0 and summary["spent_usd"] > 0
    assert summary["totals"]["usd"] == pytest.approx(summary["spent_usd"])
    assert "2 items: 2 done" in capsys.readouterr().out
