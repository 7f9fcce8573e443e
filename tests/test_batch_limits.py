"""Batch-wide model limits: rate limiter, nested item budgets, budget signal; and progress."""

from __future__ import annotations

import io

import pytest
from pydantic import BaseModel

from agents.errors import BudgetExceededError
from agents.llm import Budget, FakeChatModel, Price
from app.batch.limits import BatchModel, BudgetSignal, ItemBudget, RateLimiter
from app.batch.progress import Progress, format_seconds
from app.batch.records import ItemResult


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_rate_limiter_spaces_requests_over_the_minute() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rpm=2, clock=clock, sleep=clock.sleep)
    assert limiter.acquire() == 0 and limiter.acquire() == 0
    clock.now = 10.0
    assert limiter.acquire() == pytest.approx(50.0)  # waits for the first to leave the window
    assert clock.now == pytest.approx(60.0)


def test_rate_limiter_counts_prompt_and_completion_tokens() -> None:
    clock = FakeClock()
    limiter = RateLimiter(tpm=1000, clock=clock, sleep=clock.sleep)
    limiter.acquire(600)
    limiter.record(300)
    assert limiter.acquire(50) == 0  # 950 of 1000
    clock.now = 1.0
    assert limiter.acquire(100) == pytest.approx(59.0)


def test_item_budget_refuses_above_its_own_cap_and_settles_into_the_batch() -> None:
    price = Price(1000.0, 0.0, source="test")  # $0.001 per prompt token
    batch = Budget(1.0)
    item = ItemBudget(0.2, batch)
    held = item.reserve(100, 0, price)  # ~$0.137 worst case
    assert batch.held_usd == pytest.approx(item.held_usd)
    item.settle(held, 0.1)
    assert (item.spent_usd, batch.spent_usd, batch.held_usd) == (0.1, 0.1, 0.0)
    with pytest.raises(BudgetExceededError):
        item.reserve(100, 0, price)  # item cap 0.2: 0.1 spent + 0.137 > 0.2
    assert batch.held_usd == 0.0


class Answer(BaseModel):
    text: str


def test_batch_model_signals_when_the_shared_budget_refuses_a_call() -> None:
    signal = BudgetSignal()
    inner = FakeChatModel(
        {"text": "hi"},
        {"text": "again"},
        price=Price(1000.0, 1000.0),
        budget=Budget(0.2),
        max_completion_tokens=10,
    )
    model = BatchModel(inner, None, signal)
    messages = [{"role": "user", "content": "hello " * 5}]
    assert model.complete(messages, Answer, role="scoper").output.text == "hi"
    assert not signal.is_set()
    inner.max_completion_tokens = 100_000  # next worst case is far above the cap
    with pytest.raises(BudgetExceededError):
        model.complete(messages, Answer, role="scoper")
    assert signal.is_set()
    assert model.model_name == "fake-model" and model.pending == 1  # delegated attribute


def _result(status: str, name: str = "x", reason: str = "") -> ItemResult:
    return ItemResult(
        name=name,
        source=f"{name}.md",
        status=status,
        reason=reason,  # type: ignore[arg-type]
        seconds=1.0,
    )


def test_progress_prints_plain_lines_when_not_a_terminal() -> None:
    clock = FakeClock()
    stream = io.StringIO()
    progress = Progress(3, reused=2, stream=stream, tty=False, clock=clock)
    progress.started_item()
    clock.now = 10.0
    progress.finished_item(_result("done", "a"))
    progress.finished_item(_result("failed", "b", "InputError: empty"))
    assert progress.eta_seconds() == pytest.approx(5.0)
    progress.close()
    lines = stream.getvalue().splitlines()
    assert lines[0] == "[1/3] done a 1.0s"
    assert lines[1] == "[2/3] failed b 1.0s: InputError: empty"
    assert lines[2] == "1/3 done (+2 already done) · 1 failed · 0 running · 1 left · ETA 5s"
    assert "\r" not in stream.getvalue()


def test_progress_redraws_one_line_on_a_terminal_with_dollars() -> None:
    stream = io.StringIO()
    progress = Progress(2, stream=stream, tty=True, spent=lambda: 1.5, clock=FakeClock())
    progress.started_item()
    progress.finished_item(_result("done"))
    progress.close()
    text = stream.getvalue()
    assert text.count("\n") == 1 and text.startswith("\r")
    assert text.rstrip().endswith("$1.50")


def test_format_seconds() -> None:
    assert [format_seconds(s) for s in (4.4, 65, 3725)] == ["4s", "1m05s", "1h02m"]
