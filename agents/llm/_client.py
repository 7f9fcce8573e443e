"""The only module that imports `openai`: a ChatModel for any OpenAI-compatible server.

Structured outputs (`chat.completions.parse` with the artefact's JSON schema) where the server
supports them, JSON mode plus pydantic validation where it does not; invalid replies are re-asked
with the exact error (shared with the fake model); transient faults are retried here, with
exponential backoff and jitter honouring Retry-After, so tests can inject the sleep.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import openai
from pydantic import BaseModel

from ..errors import ModelAuthError, ModelError, ModelUnavailableError
from ._budget import Budget
from ._cache import ReplyCache, reply_cache_key
from ._config import ModelConfig
from ._guard import check_model_url
from ._prices import Price, price_for
from ._repair import RawReply, complete_with_repairs, schema_instruction
from ._tokens import count_message_tokens, count_text_tokens
from ._types import (
    Message,
    ModelReply,
    ModelUsage,
    ReplyValidationError,
    T,
    UsageLedger,
    schema_of,
)

OPENAI_BASE_URL = "https://api.openai.com/v1"
# words in a 400/422 that mean "this server does not do json_schema structured outputs"
_SCHEMA_REJECTION = (
    "response_format",
    "json_schema",
    "structured output",
    "not supported",
    "unsupported",
)
_SECRET_PATTERNS = (re.compile(r"sk-[A-Za-z0-9_\-*.]{3,}"), re.compile(r"(?i)bearer\s+\S+"))


class _Transient(Exception):
    """A fault worth retrying: what happened and how long the server asked us to wait."""

    def __init__(self, what: str, retry_after: float | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.retry_after = retry_after


def with_schema_instruction(messages: list[Message], output_type: type[BaseModel]) -> list[Message]:
    """JSON mode: the schema goes into the (first) system message."""
    instruction = schema_instruction(output_type)
    if messages and messages[0].get("role") == "system":
        first = {**messages[0], "content": f"{messages[0]['content']}\n\n{instruction}"}
        return [first, *messages[1:]]
    return [{"role": "system", "content": instruction}, *messages]


def retry_after_seconds(headers: Any, now: Callable[[], float] = time.time) -> float | None:
    """The wait a 429/503 asks for: `retry-after-ms`, or `retry-after` in seconds or as a date."""
    if headers is None:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now())
    except (TypeError, ValueError):
        return None


class OpenAIChatModel:
    """ChatModel over the `openai` client for OpenAI, Azure, Ollama, vLLM, LM Studio, llama.cpp."""

    def __init__(
        self,
        config: ModelConfig,
        cache: ReplyCache | None = None,
        budget: Budget | None = None,
        pricing: Price | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.perf_counter,
        backoff_base_s: float = 1.0,
        backoff_cap_s: float = 30.0,
        max_retry_after_s: float = 120.0,
    ) -> None:
        self.config = config
        self.model_name = config.model
        self.max_repairs = config.max_repairs
        self.base_url = (config.base_url or OPENAI_BASE_URL).rstrip("/")
        check_model_url(self.base_url)
        self.cache = cache if cache is not None else ReplyCache(None, enabled=False)
        self.budget = budget if budget is not None else Budget(None)
        self.price = pricing if pricing is not None else price_for(config.model, config)
        self._sleep = sleep
        self._jitter = jitter
        self._clock = clock
        self._backoff_base_s = backoff_base_s
        self._backoff_cap_s = backoff_cap_s
        self._max_retry_after_s = max_retry_after_s
        # auto mode learns once per session whether the server takes json_schema
        self._json_schema_ok: bool | None = (
            None if config.structured_mode == "auto" else config.structured_mode == "json_schema"
        )
        self._ledger = UsageLedger()
        self._client = openai.OpenAI(
            api_key=config.key_value,
            base_url=self.base_url,
            timeout=config.timeout_s,
            max_retries=0,  # retries are ours: testable, and they honour the budget
        )

    def __repr__(self) -> str:
        return f"OpenAIChatModel({self.config.label!r}, mode={self.structured_mode!r})"

    @property
    def structured_mode(self) -> str:
        """The mode requests use now: json_schema, json_mode, or auto (not yet learnt)."""
        if self._json_schema_ok is None:
            return "auto"
        return "json_schema" if self._json_schema_ok else "json_mode"

    def close(self) -> None:
        """Close the HTTP connections and the cache files."""
        self._client.close()
        self.cache.close()

    def usage_by_role(self) -> dict[str, ModelUsage]:
        """Everything spent so far, per role, including failed attempts."""
        return self._ledger.snapshot()

    def complete(
        self, messages: list[Message], output_type: type[T], *, role: str
    ) -> ModelReply[T]:
        """Ask the model (or the cache); validated artefact + usage. See ChatModel."""
        start = self._clock()
        key = reply_cache_key(
            model=self.config.model,
            base_url=self.base_url,
            messages=messages,
            schema=schema_of(output_type),
            temperature=self.config.temperature,
            max_completion_tokens=self.config.max_completion_tokens,
            mode=self.config.structured_mode,  # the configured mode, so a rerun hits
        )
        cached = self.cache.get(key, output_type)
        if cached is not None:
            usage = ModelUsage(cache_hits=1, seconds=self._clock() - start)
            self._ledger.add(role, usage)
            return ModelReply(cached, usage)
        repairs = 0
        try:
            reply = complete_with_repairs(
                messages,
                output_type,
                lambda conversation: self._send(conversation, output_type, role),
                max_repairs=self.config.max_repairs,
                role=role,
            )
            repairs = reply.usage.repairs
        except ReplyValidationError as exc:
            repairs = exc.usage.repairs
            exc.usage = exc.usage.with_seconds(self._clock() - start)
            raise
        finally:
            self._ledger.add(role, ModelUsage(seconds=self._clock() - start, repairs=repairs))
        self.cache.put(
            key,
            reply.output.model_dump_json(),
            prompt_tokens=reply.usage.prompt_tokens,
            completion_tokens=reply.usage.completion_tokens,
        )
        return ModelReply(reply.output, reply.usage.with_seconds(self._clock() - start))

    # -- one request, with transient retries -------------------------------------------------

    def _send(self, conversation: list[Message], output_type: type[T], role: str) -> RawReply:
        failures = 0
        while True:
            use_schema = self._json_schema_ok is not False
            wire = (
                conversation if use_schema else with_schema_instruction(conversation, output_type)
            )
            prompt_tokens = count_message_tokens(wire, self.config.model)
            if use_schema:  # the schema travels in response_format and is billed as input
                prompt_tokens += count_text_tokens(
                    json.dumps(schema_of(output_type)), self.config.model
                )
            check_model_url(self.base_url)
            reservation = self.budget.reserve(
                prompt_tokens, self.config.max_completion_tokens, self.price
            )
            try:
                body = self._request(wire, output_type, use_schema)
            except openai.APIStatusError as exc:
                self.budget.release(reservation)
                if use_schema and self._falls_back_to_json_mode(exc):
                    continue
                raise self._status_error(exc) from None
            except _Transient as fault:
                self.budget.release(reservation)
                failures += 1
                self._wait_before_retry(failures, fault)
                continue
            raw = self._raw_reply(body, prompt_tokens)
            self.budget.settle(reservation, raw.usage.usd)
            self._ledger.add(role, raw.usage)
            if use_schema and self._json_schema_ok is None:
                self._json_schema_ok = True
            return raw

    def _request(self, wire: list[Message], output_type: type[T], use_schema: bool) -> Any:
        params: dict[str, Any] = {
            "model": self.config.model,
            "messages": wire,
            "max_completion_tokens": self.config.max_completion_tokens,
        }
        if self.config.temperature is not None:
            params["temperature"] = self.config.temperature
        completions = self._client.chat.completions.with_raw_response
        try:
            if use_schema:
                response = completions.parse(response_format=output_type, **params)
            else:
                response = completions.create(response_format={"type": "json_object"}, **params)
        except openai.APITimeoutError:
            raise _Transient(f"timed out after {self.config.timeout_s:g} s") from None
        except openai.APIConnectionError:
            raise _Transient(f"could not connect to {self._host}") from None
        except openai.APIStatusError as exc:
            if exc.status_code in (408, 409, 429) or exc.status_code >= 500:
                what = f"HTTP {exc.status_code}" + (
                    " (rate limited)" if exc.status_code == 429 else ""
                )
                raise _Transient(what, retry_after_seconds(exc.response.headers)) from None
            raise
        try:
            body = json.loads(response.text)
            body["choices"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise _Transient("the server's reply was not a chat completion") from None
        return body

    def _raw_reply(self, body: dict[str, Any], prompt_estimate: int) -> RawReply:
        choice = body["choices"][0]
        message = choice.get("message") or {}
        content = message.get("content")
        usage_body = body.get("usage") or {}
        prompt_tokens = usage_body.get("prompt_tokens")
        completion_tokens = usage_body.get("completion_tokens")
        # servers that report no usage are charged our own count
        if not isinstance(prompt_tokens, int):
            prompt_tokens = prompt_estimate
        if not isinstance(completion_tokens, int):
            completion_tokens = count_text_tokens(content or "", self.config.model)
        usage = ModelUsage(
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            usd=self.price.cost(prompt_tokens, completion_tokens),
            calls=1,
        )
        return RawReply(
            content=content if isinstance(content, str) else None,
            finish_reason=choice.get("finish_reason"),
            refusal=message.get("refusal"),
            usage=usage,
        )

    # -- faults ------------------------------------------------------------------------------

    @property
    def _host(self) -> str:
        return urlsplit(self.base_url).netloc or self.base_url

    def _falls_back_to_json_mode(self, exc: openai.APIStatusError) -> bool:
        """auto mode: a 400/422 about response_format means 'use JSON mode from now on'."""
        if self.config.structured_mode != "auto" or exc.status_code not in (400, 422):
            return False
        text = f"{exc.message} {json.dumps(exc.body, default=str)}".lower()
        if any(word in text for word in _SCHEMA_REJECTION):
            self._json_schema_ok = False
            return True
        return False

    def _wait_before_retry(self, failures: int, fault: _Transient) -> None:
        if failures > self.config.max_retries:
            raise ModelUnavailableError(
                f"model {self.config.model} at {self._host} unavailable after {failures} "
                f"attempts: {fault.what}"
            )
        if fault.retry_after is not None:
            if fault.retry_after > self._max_retry_after_s:
                raise ModelUnavailableError(
                    f"model {self.config.model} at {self._host}: {fault.what}, and the server "
                    f"asks to wait {fault.retry_after:.0f} s "
                    f"(more than {self._max_retry_after_s:.0f} s)"
                )
            delay = fault.retry_after
        else:
            ceiling = min(self._backoff_cap_s, self._backoff_base_s * 2 ** (failures - 1))
            delay = ceiling * (0.5 + 0.5 * self._jitter())  # "equal jitter"
        self._sleep(delay)

    def _redact(self, text: str) -> str:
        key = self.config.key_value
        if len(key) >= 4:
            text = text.replace(key, "***")
        for pattern in _SECRET_PATTERNS:
            text = pattern.sub("***", text)
        return " ".join(text.split())[:300]

    def _status_error(self, exc: openai.APIStatusError) -> ModelError:
        status, model, host = exc.status_code, self.config.model, self._host
        if status == 401:
            return ModelAuthError(
                f"the model server at {host} rejected the API key (HTTP 401): "
                "check OPENAI_API_KEY (or --base-url for a local server)"
            )
        if status == 403:
            return ModelAuthError(
                f"the model server at {host} refused access to model '{model}' (HTTP 403): "
                "the key lacks permission for it"
            )
        if status == 404:
            return ModelAuthError(
                f"model '{model}' not found at {host} (HTTP 404): check --model and --base-url"
            )
        hint = ""
        if status in (400, 422) and self._json_schema_ok:
            hint = " (if the server lacks structured outputs, use --structured json_mode)"
        return ModelError(
            f"the model server at {host} rejected the request (HTTP {status}): "
            f"{self._redact(exc.message)}{hint}"
        )
