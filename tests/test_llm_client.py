"""The real `openai` client against the fake server: structured output, JSON-mode fallback,
repairs, transient faults and auth errors."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fake_openai_server import (
    TEST_KEY,
    FakeOpenAIServer,
    SleepRecorder,
    bad_request,
    cut_off,
    forbidden,
    malformed,
    not_found,
    rate_limited,
    refusal,
    schema_violation,
    server_error,
    slow,
    unauthorized,
    valid,
)
from pydantic import BaseModel, Field

from agents.errors import ModelAuthError, ModelError, ModelUnavailableError, OutputValidationError
from agents.llm import ModelConfig, OpenAIChatModel, RealModelRequestBlocked
from agents.llm._client import retry_after_seconds

pytest_plugins = ["llm_fixtures"]
ModelFactory = Callable[..., OpenAIChatModel]


class Ticket(BaseModel):
    """A small artefact for wire tests."""

    title: str = Field(description="Title.")
    priority: int = Field(ge=1, le=5, description="1..5.")
    tags: list[str] = Field(description="Tags.")


GOOD = {"title": "disk full on db-1", "priority": 2, "tags": ["ops"]}
MESSAGES = [
    {"role": "system", "content": "You file tickets."},
    {"role": "user", "content": "The database disk is full."},
]


def test_structured_output_sends_the_json_schema_and_validates(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory
) -> None:
    fake_openai.enqueue(valid(GOOD))
    model = make_openai_model(structured_mode="json_schema")

    reply = model.complete(MESSAGES, Ticket, role="scoper")

    assert reply.output == Ticket(**GOOD)
    body = fake_openai.requests[0]
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["name"] == "Ticket"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert body["messages"] == MESSAGES
    assert body["max_completion_tokens"] == model.config.max_completion_tokens
    assert reply.usage.calls == 1 and reply.usage.repairs == 0
    assert reply.usage.prompt_tokens == fake_openai.wire_prompt_tokens()[0]
    assert reply.usage.usd > 0


def test_synthesised_reply_matches_any_requested_schema(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory
) -> None:
    reply = make_openai_model().complete(MESSAGES, Ticket, role="scoper")
    assert reply.output.priority == 1 and fake_openai.calls == 1


def test_auto_mode_falls_back_to_json_mode_after_a_400_and_remembers(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory
) -> None:
    fake_openai.reject_json_schema = True
    fake_openai.enqueue(valid(GOOD), valid(GOOD))
    model = make_openai_model(structured_mode="auto")

    first = model.complete(MESSAGES, Ticket, role="scoper")
    second = model.complete([*MESSAGES, {"role": "user", "content": "again"}], Ticket, role="x")

    assert first.output.title == second.output.title == GOOD["title"]
    kinds = [r["response_format"]["type"] for r in fake_openai.requests]
    assert kinds == ["json_schema", "json_object", "json_object"]  # one probe per session
    assert model.structured_mode == "json_mode"
    json_mode_system = fake_openai.requests[1]["messages"][0]["content"]
    assert json_mode_system.startswith("You file tickets.")
    assert '"priority"' in json_mode_system and "JSON schema" in json_mode_system


def test_forced_json_schema_mode_reports_a_400_with_a_hint(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory
) -> None:
    fake_openai.reject_json_schema = True
    with pytest.raises(ModelError, match="--structured json_mode"):
        make_openai_model(structured_mode="json_schema").complete(MESSAGES, Ticket, role="r")
    assert fake_openai.calls == 1


def test_other_400_is_a_model_error_without_retry(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory, sleeps: SleepRecorder
) -> None:
    fake_openai.enqueue(bad_request("This model's maximum context length is 128000 tokens"))
    with pytest.raises(ModelError, match="maximum context length") as err:
        make_openai_model(structured_mode="json_mode").complete(MESSAGES, Ticket, role="r")
    assert not isinstance(err.value, ModelAuthError)
    assert fake_openai.calls == 1 and sleeps.delays == []


def test_malformed_reply_is_re_asked_with_the_exact_error(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory
) -> None:
    fake_openai.enqueue(malformed('{"title": "disk", '), valid(GOOD))
    reply = make_openai_model(structured_mode="json_mode").complete(MESSAGES, Ticket, role="r")

    assert reply.output.title == GOOD["title"]
    assert reply.usage.calls == 2 and reply.usage.repairs == 1
    second = fake_openai.requests[1]["messages"]
    assert second[-2] == {"role": "assistant", "content": '{"title": "disk", '}
    assert (
        "the reply is not valid JSON: Expecting property name enclosed in double quotes"
        in (second[-1]["content"])
    )


def test_schema_violation_is_re_asked_naming_the_fields(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory
) -> None:
    fake_openai.enqueue(schema_violation({"title": "x", "priority": 9}), valid(GOOD))
    reply = make_openai_model().complete(MESSAGES, Ticket, role="r")

    assert reply.output.priority == 2
    error = fake_openai.requests[1]["messages"][-1]["content"]
    assert "does not match the Ticket schema (2 errors)" in error
    assert "priority: Input should be less than or equal to 5 (got 9)" in error
    assert "tags: Field required" in error


def test_cut_off_reply_is_re_asked_for_a_shorter_object(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory
) -> None:
    fake_openai.enqueue(cut_off(), valid(GOOD))
    reply = make_openai_model().complete(MESSAGES, Ticket, role="r")

    assert reply.output.title == GOOD["title"]
    retry = fake_openai.requests[1]["messages"]
    assert retry[:-1] == MESSAGES  # the cut-off text is not sent back
    assert "cut off at the completion token limit" in retry[-1]["content"]


def test_refusal_is_re_asked(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory
) -> None:
    fake_openai.enqueue(refusal("I won't."), valid(GOOD))
    make_openai_model().complete(MESSAGES, Ticket, role="r")
    assert "the model refused: I won't." in fake_openai.requests[1]["messages"][-1]["content"]


def test_exhausted_repairs_raise_output_validation_error(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory
) -> None:
    fake_openai.enqueue(malformed(), schema_violation(), malformed("nope"), valid(GOOD))
    model = make_openai_model(max_repairs=2)
    with pytest.raises(OutputValidationError) as err:
        model.complete(MESSAGES, Ticket, role="architect")

    assert err.value.attempts == 3 and fake_openai.calls == 3
    assert err.value.last_error.startswith("the reply is not valid JSON")
    assert model.usage_by_role()["architect"].calls == 3
    assert model.usage_by_role()["architect"].repairs == 2


def test_429_waits_for_retry_after(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory, sleeps: SleepRecorder
) -> None:
    fake_openai.enqueue(rate_limited("7"), valid(GOOD))
    reply = make_openai_model().complete(MESSAGES, Ticket, role="r")
    assert reply.output.title == GOOD["title"]
    assert sleeps.delays == [7.0] and fake_openai.calls == 2


def test_429_with_a_huge_retry_after_gives_up_at_once(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory, sleeps: SleepRecorder
) -> None:
    fake_openai.enqueue(rate_limited("86400"))
    with pytest.raises(ModelUnavailableError, match="asks to wait 86400 s"):
        make_openai_model().complete(MESSAGES, Ticket, role="r")
    assert sleeps.delays == []


def test_5xx_is_retried_with_exponential_backoff(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory, sleeps: SleepRecorder
) -> None:
    fake_openai.enqueue(server_error(500), server_error(503), rate_limited(None), valid(GOOD))
    reply = make_openai_model(max_retries=3).complete(MESSAGES, Ticket, role="r")
    assert reply.output.title == GOOD["title"]
    # base 1 s doubling, jitter fixed at 0.5 -> 75% of each ceiling
    assert sleeps.delays == [0.75, 1.5, 3.0]


def test_persistent_5xx_becomes_model_unavailable(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory, sleeps: SleepRecorder
) -> None:
    fake_openai.default = server_error(502)
    with pytest.raises(ModelUnavailableError, match=r"unavailable after 3 attempts: HTTP 502"):
        make_openai_model(max_retries=2).complete(MESSAGES, Ticket, role="r")
    assert fake_openai.calls == 3 and len(sleeps.delays) == 2


def test_timeout_is_retried(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory, sleeps: SleepRecorder
) -> None:
    fake_openai.enqueue(slow(2.0), valid(GOOD))
    reply = make_openai_model(timeout_s=0.2).complete(MESSAGES, Ticket, role="r")
    assert reply.output.title == GOOD["title"]
    assert fake_openai.calls == 2 and len(sleeps.delays) == 1


def test_connection_refused_is_unavailable(sleeps: SleepRecorder, no_real_models: None) -> None:
    server = FakeOpenAIServer().start()
    url = server.base_url
    server.stop()
    config = ModelConfig(model="gpt-4o-mini", base_url=url, max_retries=1)
    model = OpenAIChatModel(config, sleep=sleeps)
    with pytest.raises(ModelUnavailableError, match="could not connect"):
        model.complete(MESSAGES, Ticket, role="r")
    assert len(sleeps.delays) == 1


@pytest.mark.parametrize(
    ("behaviour", "expected"),
    [
        (unauthorized(), "rejected the API key (HTTP 401)"),
        (forbidden(), "HTTP 403"),
        (not_found(), "model 'gpt-4o-mini' not found"),
    ],
)
def test_auth_errors_fail_at_once_without_the_key(
    fake_openai: FakeOpenAIServer,
    make_openai_model: ModelFactory,
    sleeps: SleepRecorder,
    behaviour: object,
    expected: str,
) -> None:
    fake_openai.enqueue(behaviour)  # type: ignore[arg-type]
    with pytest.raises(ModelAuthError) as err:
        make_openai_model().complete(MESSAGES, Ticket, role="r")
    line = err.value.one_line()
    assert expected in line and "\n" not in line
    assert TEST_KEY not in line and "SECRET" not in line
    assert fake_openai.calls == 1 and sleeps.delays == []
    assert fake_openai.auth_headers[0] == f"Bearer {TEST_KEY}"  # the key did go on the wire


def test_keyless_local_server_gets_a_placeholder_key(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory
) -> None:
    make_openai_model(api_key=None).complete(MESSAGES, Ticket, role="r")
    assert fake_openai.auth_headers == ["Bearer not-needed"]


def test_guard_refuses_a_real_model_url(no_real_models: None) -> None:
    config = ModelConfig(model="gpt-4o-mini", api_key="sk-x")
    with pytest.raises(RealModelRequestBlocked, match=r"api\.openai\.com"):
        OpenAIChatModel(config)


def test_repr_and_usage_never_show_the_key(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory
) -> None:
    model = make_openai_model()
    model.complete(MESSAGES, Ticket, role="r")
    text = repr(model) + repr(model.config) + json.dumps(model.config.model_dump())
    assert TEST_KEY not in text and "api_key" not in model.config.model_dump()


def test_retry_after_header_forms() -> None:
    assert retry_after_seconds({"retry-after-ms": "1500"}) == 1.5
    assert retry_after_seconds({"retry-after": "12"}) == 12.0
    date = "Wed, 21 Oct 2015 07:28:10 GMT"  # 10 s after the injected "now"
    assert retry_after_seconds({"retry-after": date}, now=lambda: 1445412480.0) == 10.0
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None


def test_json_mode_accepts_fenced_or_wrapped_json(
    fake_openai: FakeOpenAIServer, make_openai_model: ModelFactory
) -> None:
    fenced = "```json\n" + json.dumps(GOOD) + "\n```"
    wrapped = "Here is the ticket: " + json.dumps(GOOD) + " Hope this helps."
    fake_openai.enqueue(valid(fenced), valid(wrapped))
    model = make_openai_model(structured_mode="json_mode")
    assert model.complete(MESSAGES, Ticket, role="r").output.title == GOOD["title"]
    assert model.complete(MESSAGES, Ticket, role="s").output.title == GOOD["title"]
    assert fake_openai.calls == 2
