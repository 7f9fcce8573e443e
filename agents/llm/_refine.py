"""draft → refine → verify: ask the model for the artefact, let code check it, re-ask with the
exact errors, and fall back to the draft (saying why) when it never passes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic

from ..errors import OutputValidationError
from ._types import ChatModel, Message, ModelUsage, ReplyValidationError, T

MAX_LISTED_ERRORS = 12


@dataclass(frozen=True)
class RefineResult(Generic[T]):
    """The artefact a role keeps: the model's (verified) or the draft, and why."""

    output: T
    refined: bool  # True when the model's artefact passed verification
    fallback_reason: str | None = None
    attempts: int = 0  # model artefacts received (validated ones) or tried
    errors: list[str] = field(default_factory=list)  # the last verification errors, if any
    usage: ModelUsage = field(default_factory=ModelUsage)


def verification_message(errors: list[str], type_name: str) -> Message:
    """The user turn that asks again with the exact verification errors."""
    listed = "\n".join(f"- {e}" for e in errors[:MAX_LISTED_ERRORS])
    more = len(errors) - MAX_LISTED_ERRORS
    if more > 0:
        listed += f"\n- ... and {more} more"
    return {
        "role": "user",
        "content": f"Code checked your {type_name} and found these errors:\n{listed}\n"
        f"Reply again with the whole corrected {type_name} as one JSON object. Fix exactly these "
        "errors and keep everything else.",
    }


def refine(
    role: str,
    draft: T,
    prompt_messages: list[Message],
    model: ChatModel,
    verify: Callable[[T], list[str]],
) -> RefineResult[T]:
    """Ask `model` for a better `draft`, verified by `verify` (returns error strings).

    Re-asks with the exact errors at most `model.max_repairs` times; then returns the draft with
    `fallback_reason` set. Never raises for an invalid or unverifiable reply; ModelAuthError,
    ModelUnavailableError, ModelError and BudgetExceededError propagate (the caller stops the
    model path and keeps its drafts).
    """
    output_type = type(draft)
    name = output_type.__name__
    messages = list(prompt_messages)
    usage = ModelUsage()
    errors: list[str] = []
    attempts = model.max_repairs + 1
    for attempt in range(1, attempts + 1):
        try:
            reply = model.complete(messages, output_type, role=role)
        except OutputValidationError as exc:
            if isinstance(exc, ReplyValidationError):
                usage = usage + exc.usage
            return RefineResult(
                draft,
                refined=False,
                fallback_reason=f"{role}: kept the draft: the model's {name} never matched the "
                f"schema ({exc.attempts} tries): {exc.last_error}",
                attempts=attempt,
                errors=[exc.last_error],
                usage=usage,
            )
        usage = usage + reply.usage
        errors = verify(reply.output)
        if not errors:
            return RefineResult(reply.output, refined=True, attempts=attempt, usage=usage)
        messages = [
            *messages,
            {"role": "assistant", "content": reply.output.model_dump_json()},
            verification_message(errors, name),
        ]
    shown = "; ".join(errors[:3]) + (f"; and {len(errors) - 3} more" if len(errors) > 3 else "")
    return RefineResult(
        draft,
        refined=False,
        fallback_reason=f"{role}: kept the draft: the model's {name} failed verification "
        f"{attempts} times: {shown}",
        attempts=attempts,
        errors=errors,
        usage=usage,
    )
