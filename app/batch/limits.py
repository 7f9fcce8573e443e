"""Batch-wide limits on model use: requests/tokens per minute and the shared spend cap.

Every item gets its own ChatModel (its own usage ledger, so per-item statistics stay apart),
wrapped in a `BatchModel` that waits for the shared `RateLimiter` before each request and tells
the batch when the shared Budget refuses a call, so no new item starts after that.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from agents.errors import BudgetExceededError
from agents.llm import Budget, ChatModel, Message, ModelReply, Reservation, count_message_tokens
from agents.llm._prices import Price
from agents.llm._types import T

WINDOW_S = 60.0


class RateLimiter:
    """Sliding one-minute window over requests and tokens, shared by every worker thread.

    `acquire(tokens)` blocks until one more request with `tokens` prompt tokens fits under both
    limits (a single request larger than the token limit still goes, alone in its window);
    `record(tokens)` adds tokens learnt after the reply (the completion).
    """

    def __init__(
        self,
        rpm: float | None = None,
        tpm: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rpm is not None and rpm <= 0:
            raise ValueError("requests per minute must be positive")
        if tpm is not None and tpm <= 0:
            raise ValueError("tokens per minute must be positive")
        self.rpm = rpm
        self.tpm = tpm
        self._clock = clock
        self._sleep = sleep
        self._events: deque[tuple[float, float, bool]] = deque()  # (time, tokens, is_request)
        self._lock = threading.Lock()

    def acquire(self, tokens: int = 0) -> float:
        """Wait for room for one request; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                self._prune(now)
                wait = self._wait_needed(now, tokens)
                if wait <= 0:
                    self._events.append((now, float(tokens), True))
                    return waited
            self._sleep(wait)
            waited += wait

    def record(self, tokens: int) -> None:
        """Count `tokens` more against the current window (e.g. a reply's completion)."""
        if tokens <= 0:
            return
        with self._lock:
            self._events.append((self._clock(), float(tokens), False))

    def _prune(self, now: float) -> None:
        while self._events and now - self._events[0][0] >= WINDOW_S:
            self._events.popleft()

    def _wait_needed(self, now: float, tokens: int) -> float:
        if not self._events:
            return 0.0
        requests = sum(1 for e in self._events if e[2])
        used = sum(e[1] for e in self._events)
        fits_requests = self.rpm is None or requests + 1 <= self.rpm
        fits_tokens = self.tpm is None or used + tokens <= self.tpm
        if fits_requests and fits_tokens:
            return 0.0
        # wait until the oldest event leaves the window, then check again
        return max(0.001, WINDOW_S - (now - self._events[0][0]))


class BudgetSignal:
    """Set once the shared budget refused a call: the batch starts no new item."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        """Record that the budget was reached."""
        self._event.set()

    def is_set(self) -> bool:
        """Whether the budget was reached."""
        return self._event.is_set()


class ItemBudget(Budget):
    """An item's own cap (a row's `budget`) nested in the batch's shared Budget."""

    def __init__(self, cap_usd: float | None, parent: Budget) -> None:
        super().__init__(cap_usd)
        self.parent = parent
        self._parent_holds: dict[int, Reservation] = {}

    def reserve(self, prompt_tokens: int, max_completion_tokens: int, price: Price) -> Reservation:
        """Hold the worst case under both caps (the item's first, then the batch's)."""
        own = super().reserve(prompt_tokens, max_completion_tokens, price)
        try:
            self._parent_holds[own.id] = self.parent.reserve(
                prompt_tokens, max_completion_tokens, price
            )
        except BaseException:
            super().release(own)
            raise
        return own

    def settle(self, reservation: Reservation, actual_usd: float) -> None:
        """Settle in both budgets."""
        super().settle(reservation, actual_usd)
        parent = self._parent_holds.pop(reservation.id, None)
        if parent is not None:
            self.parent.settle(parent, actual_usd)


class BatchModel:
    """A ChatModel that honours the batch's rate limits and reports budget exhaustion."""

    def __init__(
        self, inner: ChatModel, limiter: RateLimiter | None, budget_signal: BudgetSignal
    ) -> None:
        self.inner = inner
        self.model_name = inner.model_name
        self.max_repairs = inner.max_repairs
        self.limiter = limiter
        self.budget_signal = budget_signal

    def complete(
        self, messages: list[Message], output_type: type[T], *, role: str
    ) -> ModelReply[T]:
        """Wait for the rate limits, then ask the inner model."""
        if self.limiter is not None:
            self.limiter.acquire(count_message_tokens(messages, self.model_name))
        try:
            reply = self.inner.complete(messages, output_type, role=role)
        except BudgetExceededError:
            self.budget_signal.set()
            raise
        if self.limiter is not None:
            self.limiter.record(reply.usage.completion_tokens)
        return reply

    def usage_by_role(self) -> dict[str, Any]:
        """The inner model's usage, per role."""
        return dict(self.inner.usage_by_role())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
