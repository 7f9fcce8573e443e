"""A scripted ChatModel for unit tests: enqueue replies, read back what was asked."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ._budget import Budget
from ._prices import Price
from ._repair import RawReply, complete_with_repairs
from ._tokens import count_message_tokens, count_text_tokens, encoding_for
from ._types import Message, ModelReply, ModelUsage, ReplyValidationError, T, UsageLedger


@dataclass(frozen=True)
class FakeReply:
    """A raw reply with wire details: e.g. `FakeReply('{"a": ', finish_reason="length")`."""

    content: str | None
    finish_reason: str = "stop"
    refusal: str | None = None


Scripted = BaseModel | dict[str, Any] | str | FakeReply | BaseException
# called when the queue is empty: (messages, output_type, role) -> a reply
Responder = Callable[[list[Message], type[BaseModel], str], Scripted]


@dataclass(frozen=True)
class FakeCall:
    """One request the fake received."""

    messages: list[Message]
    output_type: type[BaseModel]
    role: str


class FakeChatModel:
    """ChatModel that answers from a queue (then from `responder`, if given).

    A reply may be a model instance, a dict, a raw string (to simulate malformed output), a
    FakeReply (cut-off, refusal) or an exception (raised as the request's fault). Validation and
    re-asking are the real ones; usage is counted with tiktoken and priced when `price` is given.
    """

    def __init__(
        self,
        *replies: Scripted,
        model_name: str = "fake-model",
        max_repairs: int = 2,
        price: Price | None = None,
        budget: Budget | None = None,
        max_completion_tokens: int = 4096,
        responder: Responder | None = None,
    ) -> None:
        self.model_name = model_name
        self.max_repairs = max_repairs
        self.price = price or Price(0.0, 0.0, source="fake model")
        self.budget = budget if budget is not None else Budget(None)
        self.max_completion_tokens = max_completion_tokens
        self.responder = responder
        self.history: list[FakeCall] = []
        self._queue: deque[Scripted] = deque(replies)
        self._ledger = UsageLedger()
        self._lock = threading.Lock()

    def enqueue(self, *replies: Scripted) -> FakeChatModel:
        """Script the next replies, in order."""
        with self._lock:
            self._queue.extend(replies)
        return self

    @property
    def pending(self) -> int:
        """Scripted replies not yet used."""
        return len(self._queue)

    def usage_by_role(self) -> dict[str, ModelUsage]:
        """Everything spent so far, per role, including failed attempts."""
        return self._ledger.snapshot()

    def complete(
        self, messages: list[Message], output_type: type[T], *, role: str
    ) -> ModelReply[T]:
        """Answer from the script, with the real validate-and-re-ask loop."""
        try:
            reply = complete_with_repairs(
                messages,
                output_type,
                lambda conversation: self._send(conversation, output_type, role),
                max_repairs=self.max_repairs,
                role=role,
            )
        except ReplyValidationError as exc:
            self._ledger.add(role, ModelUsage(repairs=exc.usage.repairs))
            raise
        self._ledger.add(role, ModelUsage(repairs=reply.usage.repairs))
        return reply

    def _next(self, messages: list[Message], output_type: type[BaseModel], role: str) -> Scripted:
        with self._lock:
            self.history.append(FakeCall(list(messages), output_type, role))
            if self._queue:
                return self._queue.popleft()
        if self.responder is not None:
            return self.responder(messages, output_type, role)
        raise AssertionError(
            f"FakeChatModel: no scripted reply left for role '{role}' ({output_type.__name__})"
        )

    def _send(
        self, conversation: list[Message], output_type: type[BaseModel], role: str
    ) -> RawReply:
        prompt_tokens = count_message_tokens(conversation, self.model_name)
        reservation = self.budget.reserve(prompt_tokens, self.max_completion_tokens, self.price)
        try:
            scripted = self._next(conversation, output_type, role)
            if isinstance(scripted, BaseException):
                raise scripted
        except BaseException:
            self.budget.release(reservation)
            raise
        raw = _as_raw(scripted)
        completion_tokens = count_text_tokens(raw.content or "", self.model_name)
        if completion_tokens > self.max_completion_tokens:  # a real server stops there too
            enc = encoding_for(self.model_name)
            cut = enc.decode(enc.encode(raw.content or "")[: self.max_completion_tokens])
            raw = FakeReply(cut, finish_reason="length")
            completion_tokens = self.max_completion_tokens
        usage = ModelUsage(
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            usd=self.price.cost(prompt_tokens, completion_tokens),
            calls=1,
        )
        self.budget.settle(reservation, usage.usd)
        self._ledger.add(role, usage)
        return RawReply(raw.content, raw.finish_reason, raw.refusal, usage)


def _as_raw(scripted: Scripted) -> FakeReply:
    if isinstance(scripted, FakeReply):
        return scripted
    if isinstance(scripted, BaseModel):
        return FakeReply(scripted.model_dump_json())
    if isinstance(scripted, dict):
        return FakeReply(json.dumps(scripted))
    if isinstance(scripted, str):
        return FakeReply(scripted)
    raise TypeError(f"FakeChatModel cannot reply with {type(scripted).__name__}")
