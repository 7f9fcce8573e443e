"""Model access: any OpenAI-compatible model behind a small ChatModel protocol.

Only `_client` imports `openai`, and only when a model is actually built (offline runs never
pay for the import). Everything a role needs: `ChatModel`, `refine`, `render_prompt` (in
`prompts`), and the test doubles `FakeChatModel` and `block_real_models`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._budget import Budget, Reservation
from ._cache import ReplyCache, reply_cache_key
from ._config import NO_KEY_NEEDED, ModelConfig, StructuredMode
from ._factory import RunSettings, make_model
from ._fake import FakeCall, FakeChatModel, FakeReply
from ._guard import RealModelRequestBlocked, block_real_models, real_models_blocked
from ._prices import PRICE_TABLE_DATE, PRICE_TABLE_NAME, PRICES, Price, known_price, price_for
from ._refine import RefineResult, refine, verification_message
from ._repair import RawReply, complete_with_repairs, validate_reply
from ._tokens import count_message_tokens, count_text_tokens, seed_tiktoken_cache
from ._types import ChatModel, Message, ModelReply, ModelUsage, ReplyValidationError, UsageLedger

if TYPE_CHECKING:
    from ._client import OpenAIChatModel


def __getattr__(name: str) -> Any:
    if name == "OpenAIChatModel":
        from ._client import OpenAIChatModel

        return OpenAIChatModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "NO_KEY_NEEDED",
    "PRICES",
    "PRICE_TABLE_DATE",
    "PRICE_TABLE_NAME",
    "Budget",
    "ChatModel",
    "FakeCall",
    "FakeChatModel",
    "FakeReply",
    "Message",
    "ModelConfig",
    "ModelReply",
    "ModelUsage",
    "OpenAIChatModel",
    "Price",
    "RawReply",
    "RealModelRequestBlocked",
    "RefineResult",
    "ReplyCache",
    "ReplyValidationError",
    "Reservation",
    "RunSettings",
    "StructuredMode",
    "UsageLedger",
    "block_real_models",
    "complete_with_repairs",
    "count_message_tokens",
    "count_text_tokens",
    "known_price",
    "make_model",
    "price_for",
    "real_models_blocked",
    "refine",
    "reply_cache_key",
    "seed_tiktoken_cache",
    "validate_reply",
    "verification_message",
]
