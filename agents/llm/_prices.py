"""A dated price table per model and the lookup that never prices an unknown model at $0."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ConfigError

if TYPE_CHECKING:
    from ._config import ModelConfig

# Approximate list prices for standard (non-batch, uncached) chat completions, USD per 1M tokens.
PRICE_TABLE_DATE = "2025-08-01"
PRICE_TABLE_NAME = f"OpenAI list prices (approximate, {PRICE_TABLE_DATE})"


@dataclass(frozen=True)
class Price:
    """What one model costs per million input and output tokens."""

    input_per_m: float
    output_per_m: float
    source: str = PRICE_TABLE_NAME

    def cost(self, prompt_tokens: int | float, completion_tokens: int | float) -> float:
        """Dollars for this many prompt and completion tokens."""
        return (prompt_tokens * self.input_per_m + completion_tokens * self.output_per_m) / 1e6

    @property
    def free(self) -> bool:
        """Whether calls cost nothing (a local server marked free)."""
        return self.input_per_m == 0 and self.output_per_m == 0


PRICES: dict[str, Price] = {
    "gpt-5": Price(1.25, 10.00),
    "gpt-5-mini": Price(0.25, 2.00),
    "gpt-5-nano": Price(0.05, 0.40),
    "gpt-4.1": Price(2.00, 8.00),
    "gpt-4.1-mini": Price(0.40, 1.60),
    "gpt-4.1-nano": Price(0.10, 0.40),
    "gpt-4o": Price(2.50, 10.00),
    "gpt-4o-mini": Price(0.15, 0.60),
    "chatgpt-4o-latest": Price(5.00, 15.00),
    "gpt-4-turbo": Price(10.00, 30.00),
    "gpt-4": Price(30.00, 60.00),
    "gpt-3.5-turbo": Price(0.50, 1.50),
    "o1": Price(15.00, 60.00),
    "o1-mini": Price(1.10, 4.40),
    "o3": Price(2.00, 8.00),
    "o3-mini": Price(1.10, 4.40),
    "o4-mini": Price(1.10, 4.40),
}


def known_price(model: str) -> Price | None:
    """The table price of `model`, matching dated snapshots ('gpt-4o-2024-08-06') by prefix."""
    name = model.strip().lower()
    if name in PRICES:
        return PRICES[name]
    # longest prefix first, so 'gpt-4o-mini-2024-07-18' is not priced as 'gpt-4o'
    for known in sorted(PRICES, key=len, reverse=True):
        if name.startswith(known + "-"):
            return PRICES[known]
    return None


def price_for(model: str, config: ModelConfig | None = None) -> Price:
    """The price of `model`: the config's override or free flag, else the table.

    Raises ConfigError for a model with no known price and no override — a call is never
    costed at $0 silently.
    """
    if config is not None:
        if config.free:
            return Price(0.0, 0.0, source="marked free by the user")
        if config.price_input_per_m is not None and config.price_output_per_m is not None:
            return Price(
                config.price_input_per_m, config.price_output_per_m, source="price set by the user"
            )
    price = known_price(model)
    if price is None:
        raise ConfigError(
            f"no known price for model '{model}': give one (--price-input/--price-output USD "
            "per 1M tokens, or price_input_per_m/price_output_per_m in the config file) "
            "or mark it free (--free) for a local server"
        )
    return price
