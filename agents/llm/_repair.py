"""Validate a raw reply against the artefact and re-ask with the exact error (instructor-style).

Shared by the real client and the fake model, so both behave the same on a bad reply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from ._types import (
    Message,
    ModelReply,
    ModelUsage,
    ReplyValidationError,
    T,
    compact_schema_json,
)

MAX_LISTED_ERRORS = 8
_FENCE = re.compile(r"^```[a-zA-Z0-9_-]*\s*\n(.*?)\n?```\s*$", re.DOTALL)


@dataclass(frozen=True)
class RawReply:
    """One reply as it came off the wire, before validation."""

    content: str | None
    finish_reason: str | None = "stop"
    refusal: str | None = None
    usage: ModelUsage = field(default_factory=ModelUsage)


def schema_instruction(output_type: type[BaseModel]) -> str:
    """The JSON-mode instruction: reply with one object matching this schema."""
    schema = compact_schema_json(output_type)
    return (
        f"Reply with one JSON object (no prose, no code fences) that is a valid "
        f"{output_type.__name__} under this JSON schema:\n{schema}"
    )


def _json_text(content: str) -> Any:
    text = content.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1).strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError as first:
        # local models sometimes wrap the object in prose; take the outermost braces
        start, end = text.find("{"), text.rfind("}")
        if 0 <= start < end:
            try:
                return json.loads(text[start : end + 1])
            except json.JSONDecodeError:
                pass
        raise first from None


def format_validation_error(exc: ValidationError, type_name: str) -> str:
    """Pydantic's errors as one compact line naming each field path."""
    errors = exc.errors(include_url=False)
    parts = []
    for err in errors[:MAX_LISTED_ERRORS]:
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        part = f"{loc}: {err['msg']}"
        if err["type"] != "missing":
            got = json.dumps(err.get("input"), default=str)
            part += f" (got {got[:60]}{'...' if len(got) > 60 else ''})"
        parts.append(part)
    more = len(errors) - MAX_LISTED_ERRORS
    tail = f"; and {more} more" if more > 0 else ""
    noun = "error" if len(errors) == 1 else "errors"
    return (
        f"the reply does not match the {type_name} schema ({len(errors)} {noun}): "
        + "; ".join(parts)
        + tail
    )


def validate_reply(raw: RawReply, output_type: type[T]) -> tuple[T | None, str]:
    """(artefact, "") when the reply is valid, else (None, the exact error)."""
    if raw.refusal:
        return None, f"the model refused: {raw.refusal}"
    if raw.finish_reason == "length":
        return None, (
            "the reply was cut off at the completion token limit (finish_reason 'length'); "
            "reply with a shorter JSON object: keep every required field, shorten free text"
        )
    if raw.finish_reason == "content_filter":
        return None, "the reply was stopped by the server's content filter"
    if not raw.content or not raw.content.strip():
        return None, "the reply was empty; a JSON object was expected"
    try:
        data = _json_text(raw.content)
    except json.JSONDecodeError as exc:
        return (
            None,
            f"the reply is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
        )
    if not isinstance(data, dict):
        return None, f"the reply must be a JSON object, got a JSON {type(data).__name__}"
    try:
        return output_type.model_validate(data), ""
    except ValidationError as exc:
        return None, format_validation_error(exc, output_type.__name__)


def repair_messages(raw: RawReply, error: str, output_type: type[BaseModel]) -> list[Message]:
    """The turn that re-asks: the rejected reply (unless cut off) and the exact error."""
    turn: list[Message] = []
    if raw.content and raw.finish_reason != "length":
        turn.append({"role": "assistant", "content": raw.content})
    turn.append(
        {
            "role": "user",
            "content": f"Your reply was rejected: {error}\n"
            f"Reply again with one JSON object that is a valid {output_type.__name__}. "
            "Fix what the error names and keep everything else.",
        }
    )
    return turn


def complete_with_repairs(
    messages: list[Message],
    output_type: type[T],
    send: Callable[[list[Message]], RawReply],
    *,
    max_repairs: int,
    role: str,
) -> ModelReply[T]:
    """Send, validate, and re-ask with the exact error at most `max_repairs` times.

    Raises ReplyValidationError (an OutputValidationError) when every attempt failed.
    Exceptions from `send` (auth, budget, unavailable) pass through.
    """
    conversation = list(messages)
    usage = ModelUsage()
    error = ""
    attempts = max_repairs + 1
    for attempt in range(attempts):
        raw = send(conversation)
        usage = usage + raw.usage + ModelUsage(repairs=1 if attempt else 0)
        output, error = validate_reply(raw, output_type)
        if output is not None:
            return ModelReply(output, usage)
        conversation = conversation + repair_messages(raw, error, output_type)
    raise ReplyValidationError(
        f"{role}: the model's reply did not validate as {output_type.__name__} after "
        f"{attempts} attempts: {error}",
        attempts=attempts,
        last_error=error,
        usage=usage,
    )
