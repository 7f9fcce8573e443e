"""The spend cap: every call reserves its worst case before it is made, and settles after."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass

from ..errors import BudgetExceededError
from ._prices import Price

# tiktoken's count can differ a little from the server's; reserve a margin on the prompt side
PROMPT_MARGIN = 1.05
PROMPT_SLACK_TOKENS = 32


@dataclass(frozen=True)
class Reservation:
    """A worst-case amount held for one call in flight."""

    id: int
    usd: float


class Budget:
    """A spend cap shared by a whole run (or batch); `cap_usd=None` only keeps count.

    Thread-safe: concurrent calls each hold their worst case, so together they cannot pass the
    cap either.
    """

    def __init__(self, cap_usd: float | None = None) -> None:
        if cap_usd is not None and cap_usd < 0:
            raise ValueError(f"budget cap must be >= 0, got {cap_usd}")
        self.cap_usd = cap_usd
        self._spent = 0.0
        self._held: dict[int, float] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def spent_usd(self) -> float:
        """Dollars settled so far."""
        with self._lock:
            return self._spent

    @property
    def held_usd(self) -> float:
        """Dollars reserved by calls in flight."""
        with self._lock:
            return sum(self._held.values())

    @property
    def remaining_usd(self) -> float | None:
        """Dollars left under the cap (None without a cap)."""
        if self.cap_usd is None:
            return None
        with self._lock:
            return max(0.0, self.cap_usd - self._spent - sum(self._held.values()))

    @staticmethod
    def worst_case(prompt_tokens: int, max_completion_tokens: int, price: Price) -> float:
        """The most a call can cost: the counted prompt (plus margin) and a full completion."""
        prompt = prompt_tokens * PROMPT_MARGIN + PROMPT_SLACK_TOKENS
        return price.cost(prompt, max_completion_tokens)

    def reserve(self, prompt_tokens: int, max_completion_tokens: int, price: Price) -> Reservation:
        """Hold the worst case of the next call, or raise BudgetExceededError before it is made."""
        worst = self.worst_case(prompt_tokens, max_completion_tokens, price)
        with self._lock:
            committed = self._spent + sum(self._held.values())
            if self.cap_usd is not None and committed + worst > self.cap_usd + 1e-12:
                raise BudgetExceededError(
                    f"budget ${self.cap_usd:.2f} would be exceeded: spent ${committed:.4f}, "
                    f"next call up to ${worst:.4f}"
                )
            reservation = Reservation(next(self._ids), worst)
            self._held[reservation.id] = worst
            return reservation

    def settle(self, reservation: Reservation, actual_usd: float) -> None:
        """Replace the held worst case by what the call actually cost."""
        with self._lock:
            self._held.pop(reservation.id, None)
            self._spent += max(0.0, actual_usd)

    def release(self, reservation: Reservation) -> None:
        """Drop a reservation whose call failed before producing a billed reply."""
        self.settle(reservation, 0.0)
