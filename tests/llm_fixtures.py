"""Fixtures for the model-path tests: the fake OpenAI server, a recording sleep, and a factory
for OpenAIChatModel pointed at the fake server (temp cache, no real sleeping)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_openai_server import TEST_KEY, FakeOpenAIServer, SleepRecorder

from agents.llm import Budget, ModelConfig, OpenAIChatModel, Price, ReplyCache, block_real_models


@pytest.fixture
def no_real_models() -> Iterator[None]:
    """Any OpenAIChatModel aimed at a non-local URL raises RealModelRequestBlocked."""
    previous = block_real_models(True)
    yield
    block_real_models(previous)


@pytest.fixture
def fake_openai(no_real_models: None) -> Iterator[FakeOpenAIServer]:
    """A running fake OpenAI-compatible server on 127.0.0.1."""
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def sleeps() -> SleepRecorder:
    """The injected sleep of the model under test."""
    return SleepRecorder()


@pytest.fixture
def make_openai_model(
    fake_openai: FakeOpenAIServer, tmp_path: Path, sleeps: SleepRecorder
) -> Callable[..., OpenAIChatModel]:
    """Build an OpenAIChatModel on the fake server: `make_openai_model(structured_mode=...,
    budget=Budget(...), price=Price(...), cache=True, **config_fields)`."""

    def build(
        *,
        budget: Budget | None = None,
        price: Price | None = None,
        cache: bool = False,
        cache_dir: Path | None = None,
        **fields: Any,
    ) -> OpenAIChatModel:
        settings: dict[str, Any] = {
            "model": "gpt-4o-mini",
            "base_url": fake_openai.base_url,
            "api_key": TEST_KEY,
            "max_retries": 3,
            "timeout_s": 5.0,
            **fields,
        }
        config = ModelConfig.model_validate(settings)
        return OpenAIChatModel(
            config,
            cache=ReplyCache(cache_dir or tmp_path / "replies", enabled=cache),
            budget=budget,
            pricing=price,
            sleep=sleeps,
            jitter=lambda: 0.5,
        )

    return build
