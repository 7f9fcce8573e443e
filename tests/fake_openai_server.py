"""A local OpenAI-compatible server for end-to-end tests of the real `openai` client path.

`POST /v1/chat/completions` answers from a scriptable queue of behaviours (valid reply,
malformed JSON, schema violation, cut-off, refusal, 429 with Retry-After, 5xx, a delay longer
than the client's timeout, 400/401/403/404), then from `default` (a valid reply synthesised from
the requested schema). Every request body is recorded, so tests count calls and the tokens that
actually crossed the wire. Binds 127.0.0.1 on a free port; nothing leaves the machine.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from agents.llm import count_message_tokens, count_text_tokens

TEST_KEY = "sk-test-SECRET-0123456789abcdef"

Content = str | dict[str, Any] | Callable[[dict[str, Any]], str | dict[str, Any]] | None


@dataclass
class Behaviour:
    """How the server answers one request."""

    status: int = 200
    content: Content = None  # None: synthesise a valid object from the requested schema
    finish_reason: str = "stop"
    refusal: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    error: str = ""
    usage: dict[str, int] | None = None  # override the tiktoken-counted usage


class SleepRecorder:
    """Stands in for time.sleep: records each delay, never sleeps."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def valid(content: Content = None, usage: dict[str, int] | None = None) -> Behaviour:
    """A valid reply: `content` as given, or synthesised from the request's schema."""
    return Behaviour(content=content, usage=usage)


def malformed(text: str = '{"system_name": "Pastebin", "summary": ') -> Behaviour:
    """A reply that is not JSON."""
    return Behaviour(content=text)


def schema_violation(content: dict[str, Any] | None = None) -> Behaviour:
    """JSON that breaks the schema."""
    return Behaviour(content=content if content is not None else {"unexpected": True})


def cut_off(text: str = '{"system_name": "Paste') -> Behaviour:
    """A reply stopped by the completion limit."""
    return Behaviour(content=text, finish_reason="length")


def refusal(text: str = "I can't help with that.") -> Behaviour:
    """A structured-output refusal."""
    return Behaviour(content="", refusal=text)


def rate_limited(retry_after: str | None = "7") -> Behaviour:
    """429, optionally with a Retry-After header (seconds or an HTTP date)."""
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return Behaviour(status=429, headers=headers, error="Rate limit reached for requests")


def server_error(status: int = 500) -> Behaviour:
    """A 5xx."""
    return Behaviour(status=status, error="The server had an error while processing your request")


def slow(delay_s: float, then: Behaviour | None = None) -> Behaviour:
    """Answer only after `delay_s` (longer than the client's timeout: a timeout)."""
    base = then or Behaviour()
    return Behaviour(**{**base.__dict__, "delay_s": delay_s})


def unauthorized() -> Behaviour:
    """401 whose message echoes the key, as real servers partly do."""
    return Behaviour(status=401, error="Incorrect API key provided: {key}")


def forbidden() -> Behaviour:
    """403."""
    return Behaviour(status=403, error="You are not allowed to use this model")


def not_found() -> Behaviour:
    """404 for an unknown model."""
    return Behaviour(status=404, error="The model `{model}` does not exist")


def bad_request(message: str) -> Behaviour:
    """400 with this message."""
    return Behaviour(status=400, error=message)


def instance_from_schema(schema: dict[str, Any], defs: dict[str, Any] | None = None) -> Any:
    """A minimal value valid under a (pydantic-generated) JSON schema."""
    defs = defs if defs is not None else schema.get("$defs", {})
    if "$ref" in schema:
        return instance_from_schema(defs[schema["$ref"].split("/")[-1]], defs)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return instance_from_schema(options[0], defs)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: instance_from_schema(sub, defs) for name, sub in props.items()}
    if kind == "array":
        return [instance_from_schema(schema.get("items", {}), defs)] * schema.get("minItems", 0)
    if kind in ("integer", "number"):
        low, high = (
            schema.get("minimum", 1),
            schema.get("maximum", max(1, schema.get("minimum", 1))),
        )
        value = min(max(1, low), high)
        return int(value) if kind == "integer" else float(value)
    if kind == "string":
        return "x" * max(1, schema.get("minLength", 1))
    if kind == "boolean":
        return False
    return None


def requested_schema(body: dict[str, Any]) -> dict[str, Any] | None:
    """The schema a request asks for: response_format json_schema, or JSON mode's prompt."""
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        schema: dict[str, Any] = fmt["json_schema"]["schema"]
        return schema
    for message in body.get("messages", []):
        text = str(message.get("content") or "")
        at = text.rfind("JSON schema:\n")
        if at >= 0:
            try:
                found: dict[str, Any] = json.loads(text[at + len("JSON schema:\n") :])
                return found
            except json.JSONDecodeError:
                continue
    return None


class FakeOpenAIServer:
    """The server; use as a context manager. `base_url` ends in /v1."""

    def __init__(self, latency_s: float = 0.0) -> None:
        self.latency_s = latency_s
        self.reject_json_schema = False  # answer 400 to any json_schema response_format
        self.default: Behaviour = valid()
        self.requests: list[dict[str, Any]] = []
        self.auth_headers: list[str] = []
        self._queue: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @property
    def calls(self) -> int:
        """Chat-completion requests received."""
        with self._lock:
            return len(self.requests)

    def enqueue(self, *behaviours: Behaviour) -> FakeOpenAIServer:
        """Script the next answers, in order."""
        with self._lock:
            self._queue.extend(behaviours)
        return self

    def wire_prompt_tokens(self, model: str = "gpt-4o-mini") -> list[int]:
        """tiktoken count of each recorded request's messages (what crossed the wire)."""
        with self._lock:
            bodies = list(self.requests)
        return [count_message_tokens(b.get("messages", []), model) for b in bodies]

    def start(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- request handling ----------------------------------------------------------------

    def _next(self, body: dict[str, Any], auth: str) -> Behaviour:
        with self._lock:
            self.requests.append(body)
            self.auth_headers.append(auth)
            return self._queue.popleft() if self._queue else self.default

    def _answer(self, body: dict[str, Any], auth: str) -> tuple[int, dict[str, str], bytes, float]:
        fmt = (body.get("response_format") or {}).get("type")
        if self.reject_json_schema and fmt == "json_schema":
            with self._lock:  # recorded, but the scripted queue is left for the retry
                self.requests.append(body)
                self.auth_headers.append(auth)
            return (
                400,
                {},
                _error_body(
                    "Invalid parameter: 'response_format' of type 'json_schema' is not supported "
                    "with this model.",
                    "invalid_request_error",
                    "response_format",
                ),
                self.latency_s,
            )
        behaviour = self._next(body, auth)
        delay = self.latency_s + behaviour.delay_s
        if behaviour.status != 200:
            key = auth.removeprefix("Bearer ")
            message = behaviour.error.format(key=key, model=body.get("model", ""))
            return behaviour.status, behaviour.headers, _error_body(message), delay
        content: Any = behaviour.content
        if callable(content):
            content = content(body)
        if content is None:
            schema = requested_schema(body)
            content = instance_from_schema(schema) if schema else {}
        text = content if isinstance(content, str) else json.dumps(content)
        model = str(body.get("model", "fake"))
        usage = behaviour.usage or {
            "prompt_tokens": count_message_tokens(body.get("messages", []), model),
            "completion_tokens": count_text_tokens(text, model),
        }
        usage = {**usage, "total_tokens": usage["prompt_tokens"] + usage["completion_tokens"]}
        reply = {
            "id": f"chatcmpl-fake-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": None if behaviour.refusal else text,
                        "refusal": behaviour.refusal,
                    },
                    "finish_reason": behaviour.finish_reason,
                    "logprobs": None,
                }
            ],
            "usage": usage,
        }
        return 200, behaviour.headers, json.dumps(reply).encode(), delay

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {}, _error_body(f"no route {self.path}"))
                    return
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    self._send(400, {}, _error_body("request body is not JSON"))
                    return
                status, headers, payload, delay = server._answer(
                    body, self.headers.get("Authorization", "")
                )
                if delay and server._stop.wait(delay):
                    return
                self._send(status, headers, payload)

            def _send(self, status: int, headers: dict[str, str], payload: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and left

        return Handler


def _error_body(
    message: str, kind: str = "invalid_request_error", param: str | None = None
) -> bytes:
    return json.dumps(
        {"error": {"message": message, "type": kind, "param": param, "code": None}}
    ).encode()
