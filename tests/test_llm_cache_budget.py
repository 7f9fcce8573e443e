"""Reply cache (zero requests on a rerun, never the key on disk), the spend cap, and prices."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from fake_openai_server import TEST_KEY, FakeOpenAIServer, valid
from pydantic import BaseModel

from agents.errors import BudgetExceededError, ConfigError
from agents.llm import (
    PRICE_TABLE_DATE,
    Budget,
    ModelConfig,
    OpenAIChatModel,
    Price,
    known_price,
    make_model,
    price_for,
)

pytest_plugins = ["llm_fixtures"]
ModelFactory = Callable[..., OpenAIChatModel]


class Note(BaseModel):
    text: str
    score: int


MESSAGES = [{"role": "user", "content": "Write a note."}]
REPLY = {"text": "hello", "score": 3}


def test_repeated_call_makes_zero_requests(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory, tmp_path: Path
) -> None:
    fake_openai.enqueue(valid(REPLY))
    first = make_openai_model(cache=True, cache_dir=tmp_path / "c").complete(
        MESSAGES, Note, role="writer"
    )
    rerun = make_openai_model(cache=True, cache_dir=tmp_path / "c")  # a new session
    second = rerun.complete(MESSAGES, Note, role="writer")

    assert fake_openai.calls == 1
    assert second.output == first.output == Note(**REPLY)
    assert second.usage.cached and second.usage.calls == 0 and second.usage.usd == 0
    assert rerun.cache.hits == 1
    assert rerun.usage_by_role()["writer"].cache_hits == 1


def test_cache_key_changes_with_messages_schema_and_parameters(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory, tmp_path: Path
) -> None:
    class Other(BaseModel):
        text: str
        score: int
        extra: str = ""

    model = make_openai_model(cache=True, cache_dir=tmp_path / "c")
    fake_openai.default = valid(REPLY)
    model.complete(MESSAGES, Note, role="r")
    model.complete([{"role": "user", "content": "Write another."}], Note, role="r")
    model.complete(MESSAGES, Other, role="r")
    make_openai_model(cache=True, cache_dir=tmp_path / "c", temperature=0.7).complete(
        MESSAGES, Note, role="r"
    )
    assert fake_openai.calls == 4


def test_no_cache_calls_every_time(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory, tmp_path: Path
) -> None:
    fake_openai.default = valid(REPLY)
    for _ in range(2):
        make_openai_model(cache=False, cache_dir=tmp_path / "c").complete(MESSAGES, Note, role="r")
    assert fake_openai.calls == 2
    assert not (tmp_path / "c").exists()


def test_the_api_key_never_reaches_the_cache_files(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory, tmp_path: Path
) -> None:
    fake_openai.enqueue(valid(REPLY))
    model = make_openai_model(cache=True, cache_dir=tmp_path / "c")
    model.complete(MESSAGES, Note, role="r")
    model.cache.close()

    files = [p for p in (tmp_path / "c").rglob("*") if p.is_file()]
    assert files
    blob = b"".join(p.read_bytes() for p in files)
    assert b"hello" in blob  # the reply is there...
    assert TEST_KEY.encode() not in blob and b"SECRET" not in blob  # ...the key is not


EXPENSIVE = Price(1000.0, 1000.0, source="test")  # $0.001 per token


def test_budget_is_never_exceeded_and_stops_before_the_call(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory
) -> None:
    budget = Budget(0.5)
    model = make_openai_model(budget=budget, price=EXPENSIVE, max_completion_tokens=60)
    fake_openai.default = valid(REPLY, usage={"prompt_tokens": 40, "completion_tokens": 60})

    done = 0
    with pytest.raises(BudgetExceededError, match=r"budget \$0.50 would be exceeded: spent \$0"):
        for i in range(100):
            model.complete([{"role": "user", "content": f"note {i}"}], Note, role="r")
            done += 1

    assert done >= 1 and fake_openai.calls == done  # the refused call never went out
    assert budget.spent_usd <= 0.5
    assert budget.spent_usd == pytest.approx(done * 0.1)  # what the server billed
    assert budget.held_usd == 0


def test_budget_reserve_counts_calls_in_flight() -> None:
    budget = Budget(0.25)
    price = Price(1000.0, 1000.0)
    first = budget.reserve(50, 100, price)
    with pytest.raises(BudgetExceededError) as err:
        budget.reserve(50, 100, price)
    assert "spent $0.1845, next call up to $0.1845" in str(err.value)
    budget.settle(first, 0.05)
    assert budget.spent_usd == pytest.approx(0.05)
    assert budget.remaining_usd == pytest.approx(0.20)
    budget.reserve(50, 100, price)  # fits now


def test_uncapped_budget_only_counts() -> None:
    budget = Budget(None)
    reservation = budget.reserve(10**6, 10**6, Price(100, 100))
    budget.settle(reservation, 3.5)
    assert budget.spent_usd == 3.5 and budget.remaining_usd is None


def test_unknown_model_price_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"no known price for model 'qwen2\.5:14b'"):
        price_for("qwen2.5:14b")
    config = ModelConfig(model="qwen2.5:14b", base_url="http://127.0.0.1:1/v1")
    with pytest.raises(ConfigError, match="--free"):
        OpenAIChatModel(config)


def test_prices_override_free_and_dated_snapshots() -> None:
    assert (
        known_price("gpt-4o-mini-2024-07-18") == known_price("gpt-4o-mini") != known_price("gpt-4o")
    )
    assert PRICE_TABLE_DATE in price_for("gpt-4o").source
    local = ModelConfig(model="llama3", base_url="http://127.0.0.1:1/v1", free=True)
    assert price_for("llama3", local).free
    priced = ModelConfig(
        model="my-azure-deployment", api_key="k", price_input_per_m=2, price_output_per_m=8
    )
    assert price_for("my-azure-deployment", priced).cost(1_000_000, 500_000) == pytest.approx(6.0)


class _Settings:
    def __init__(self, model: ModelConfig | None, home: Path) -> None:
        self.model = model
        self.budget_usd = 1.0
        self.cache_dir = home / "cache"
        self.use_cache = False


def test_make_model_builds_from_settings(tmp_path: Path, no_real_models: None) -> None:
    config = ModelConfig(model="gpt-4o-mini", base_url="http://127.0.0.1:9/v1")
    model = make_model(_Settings(config, tmp_path))
    assert model.budget.cap_usd == 1.0 and not model.cache.enabled
    assert model.price == known_price("gpt-4o-mini")
    with pytest.raises(ConfigError, match="no model configured"):
        make_model(_Settings(None, tmp_path))


def test_concurrent_reservations_never_pass_the_cap() -> None:
    budget = Budget(1.0)
    price = Price(1000.0, 1000.0)  # each reservation below holds about $0.3
    barrier = threading.Barrier(8)
    granted: list[bool] = []

    def worker() -> None:
        barrier.wait()
        try:
            budget.reserve(100, 166, price)
            granted.append(True)
        except BudgetExceededError:
            granted.append(False)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert granted.count(True) == 3 and budget.held_usd <= 1.0
