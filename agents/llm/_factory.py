"""Build the run's ChatModel from its settings (the graph and the front ends call this)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..errors import ConfigError
from ._budget import Budget
from ._cache import ReplyCache
from ._config import ModelConfig
from ._prices import price_for

if TYPE_CHECKING:
    from ._client import OpenAIChatModel


class RunSettings(Protocol):
    """The part of agents.settings.Settings the model layer reads."""

    @property
    def model(self) -> ModelConfig | None: ...

    @property
    def budget_usd(self) -> float | None: ...

    @property
    def cache_dir(self) -> Path: ...

    @property
    def use_cache(self) -> bool: ...


def make_model(settings: RunSettings, budget: Budget | None = None) -> OpenAIChatModel:
    """The OpenAI-compatible model of `settings`, with its reply cache, price and budget.

    Pass `budget` to share one spend cap across runs (a batch); otherwise a new Budget with
    `settings.budget_usd` is made. Raises ConfigError when no model is configured or the model
    has no known price (and none was given, and it is not marked free).
    """
    if settings.model is None:
        raise ConfigError("no model configured: pass --model (or run offline)")
    config = settings.model
    price = price_for(config.model, config)  # fails before any request for an unpriced model
    from ._client import OpenAIChatModel  # imports openai only when a model is used

    return OpenAIChatModel(
        config,
        cache=ReplyCache(settings.cache_dir, enabled=settings.use_cache),
        budget=budget if budget is not None else Budget(settings.budget_usd),
        pricing=price,
    )
