"""What every chat model returns, the protocol the roles program against, and usage totals."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel

from ..errors import OutputValidationError

T = TypeVar("T", bound=BaseModel)
T_co = TypeVar("T_co", bound=BaseModel, covariant=True)

Message = dict[str, str]


@dataclass(frozen=True)
class ModelUsage:
    """What one or more model requests cost. Add usages with `+` for totals."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    usd: float = 0.0
    seconds: float = 0.0
    calls: int = 0  # HTTP requests that got a reply (cache hits excluded)
    cache_hits: int = 0
    repairs: int = 0  # re-asks after an invalid reply

    @property
    def cached(self) -> bool:
        """Served entirely from the cache: no request was made."""
        return self.cache_hits > 0 and self.calls == 0

    def __add__(self, other: ModelUsage) -> ModelUsage:
        return ModelUsage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            usd=self.usd + other.usd,
            seconds=self.seconds + other.seconds,
            calls=self.calls + other.calls,
            cache_hits=self.cache_hits + other.cache_hits,
            repairs=self.repairs + other.repairs,
        )

    def with_seconds(self, seconds: float) -> ModelUsage:
        """The same usage with its wall time replaced."""
        return replace(self, seconds=seconds)


@dataclass(frozen=True)
class ModelReply(Generic[T]):
    """A validated artefact and what it cost."""

    output: T
    usage: ModelUsage = field(default_factory=ModelUsage)


class ChatModel(Protocol):
    """A language model that answers chat messages with a validated pydantic artefact.

    `complete` validates the reply against `output_type` and re-asks with the exact error up to
    `max_repairs` times, then raises OutputValidationError. It raises ModelAuthError,
    ModelUnavailableError and BudgetExceededError for faults a re-ask cannot fix.
    """

    model_name: str
    max_repairs: int

    def complete(
        self, messages: list[Message], output_type: type[T], *, role: str
    ) -> ModelReply[T]:
        """Ask the model; return the validated artefact and its usage."""
        ...

    def usage_by_role(self) -> dict[str, ModelUsage]:
        """Everything spent so far, per role, including failed attempts."""
        ...


class ReplyValidationError(OutputValidationError):
    """The reply never validated; carries what the failed attempts cost."""

    def __init__(self, message: str, *, attempts: int, last_error: str, usage: ModelUsage) -> None:
        super().__init__(message, attempts=attempts, last_error=last_error)
        self.usage = usage


class UsageLedger:
    """Per-role running totals, kept even when a call ends in an exception (thread-safe)."""

    def __init__(self) -> None:
        self._by_role: dict[str, ModelUsage] = {}
        self._lock = threading.Lock()

    def add(self, role: str, usage: ModelUsage) -> None:
        """Add `usage` to the role's total."""
        with self._lock:
            self._by_role[role] = self._by_role.get(role, ModelUsage()) + usage

    def snapshot(self) -> dict[str, ModelUsage]:
        """A copy of the per-role totals."""
        with self._lock:
            return dict(self._by_role)

    def total(self) -> ModelUsage:
        """All roles together."""
        total = ModelUsage()
        for usage in self.snapshot().values():
            total = total + usage
        return total


@cache
def schema_of(output_type: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of an artefact type, built once per type (pydantic's schema generation
    is the largest CPU cost of a model call; callers must not mutate the result)."""
    return output_type.model_json_schema()


@cache
def compact_schema_json(output_type: type[BaseModel]) -> str:
    """`schema_of(output_type)` serialised compactly, built once per type."""
    return json.dumps(schema_of(output_type), separators=(",", ":"))
