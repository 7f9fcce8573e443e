"""The whole crew with a model: the real `openai` client against the local fake server."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fake_openai_server import TEST_KEY, FakeOpenAIServer, unauthorized, valid
from helpers import EXAMPLES

from agents.api import run_design
from agents.artefacts import DesignDoc
from agents.formula import evaluate
from agents.llm import ModelConfig
from agents.requirements import parse_requirements
from agents.settings import Settings
from app.cli import main

PASTEBIN = next(p for p in EXAMPLES if p.name == "pastebin.md")


def _draft_of(body: dict[str, Any]) -> dict[str, Any]:
    """The kernel's draft the prompt carries inside <draft>...</draft>."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    match = re.search(r"<draft>(.*?)</draft>", user, re.DOTALL)
    assert match, "every role's prompt carries its draft"
    return dict(json.loads(match.group(1)))


def echo_refined(body: dict[str, Any]) -> dict[str, Any]:
    """A well-behaved model: returns the draft with domain text it 'knows' better."""
    draft = _draft_of(body)
    if "assumptions" in draft:  # scoper: a different (assumed) object size
        for a in draft["assumptions"]:
            if a["name"] == "metadata_bytes" and a["provenance"] == "assumed":
                a["value"] = a["value"] * 2
                a["why"] = "model: paste metadata includes syntax, title and owner fields"
    if draft.get("deep_dives"):
        draft["deep_dives"][0]["mechanism"] += " (refined by the model)"
    return draft


def _settings(server: FakeOpenAIServer, **extra: Any) -> Settings:
    config = ModelConfig(model="gpt-4o-mini", base_url=server.base_url, api_key=TEST_KEY)
    return Settings(model=config, **extra)


def _runs(doc: DesignDoc) -> dict[str, int]:
    return {r.role: r.runs for r in doc.stats.roles}


def test_one_call_per_role_per_round_and_code_keeps_the_numbers(
    fake_openai: FakeOpenAIServer,
) -> None:
    fake_openai.default = valid(echo_refined)
    doc = run_design(parse_requirements(PASTEBIN.read_text()), _settings(fake_openai))
    assert doc.complete
    assert fake_openai.calls == sum(_runs(doc).values())
    for role in doc.stats.roles:
        assert role.model_calls == role.runs, role
        assert role.prompt_tokens > 0 and role.usd > 0
        assert not role.fallbacks
    assert doc.architecture.deep_dives[0].mechanism.endswith("(refined by the model)")
    # the model doubled an assumed size; code recomputed every estimate from it
    meta = next(a for a in doc.scope.assumptions if a.name == "metadata_bytes")
    assert meta.why.startswith("model:")
    for est in doc.scope.estimates:
        assert evaluate(est.formula, est.inputs) == pytest.approx(est.value)
    assert doc.stats.model == "gpt-4o-mini"


def test_cached_rerun_makes_no_model_calls(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.default = valid(echo_refined)
    text = PASTEBIN.read_text()
    first = run_design(parse_requirements(text), _settings(fake_openai))
    calls = fake_openai.calls
    second = run_design(parse_requirements(text), _settings(fake_openai))
    assert fake_openai.calls == calls
    assert sum(r.model_calls for r in second.stats.roles) == 0
    assert sum(r.cache_hits for r in second.stats.roles) == sum(_runs(first).values())
    assert second.architecture == first.architecture


def dangling_link(body: dict[str, Any]) -> dict[str, Any]:
    draft = _draft_of(body)
    if "links" in draft:
        draft["links"].append(
            {"source": "api", "target": "ghost_db", "label": "SQL", "sync": True, "critical": True}
        )
    return draft


def test_unverifiable_architecture_is_reasked_then_falls_back_to_the_draft(
    fake_openai: FakeOpenAIServer,
) -> None:
    fake_openai.default = valid(dangling_link)
    doc = run_design(
        parse_requirements(PASTEBIN.read_text()), _settings(fake_openai, max_revisions=0)
    )
    architect = next(r for r in doc.stats.roles if r.role == "architect")
    assert architect.model_calls == 3  # the ask and max_repairs=2 re-asks with the errors
    assert "no component 'ghost_db'" in architect.fallbacks[0]
    assert all(link.target != "ghost_db" for link in doc.architecture.links)
    reasks = [b for b in fake_openai.requests if "ghost_db" in json.dumps(b["messages"][-1])]
    assert reasks, "the re-ask quotes the exact verification error"


def test_budget_stops_the_model_path_and_marks_the_document_incomplete(
    fake_openai: FakeOpenAIServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_openai.default = valid(
        echo_refined, usage={"prompt_tokens": 2000, "completion_tokens": 8000}
    )
    out = tmp_path / "out"
    status = main(
        [
            "design",
            str(PASTEBIN),
            "-o",
            str(out),
            "--model",
            "gpt-4o-mini",
            "--base-url",
            fake_openai.base_url,
            "--budget",
            "0.012",
        ]
    )
    assert status == 3
    doc = DesignDoc.model_validate_json((out / "design.json").read_text())
    assert not doc.complete
    assert "budget" in doc.incomplete_reason.lower()
    spent = sum(r.usd for r in doc.stats.roles)
    assert 0 < spent <= 0.012
    assert "incomplete design" in (out / "design.md").read_text().lower()
    assert "INCOMPLETE" in capsys.readouterr().out


def test_unauthorised_key_fails_at_once_with_one_line(
    fake_openai: FakeOpenAIServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    fake_openai.enqueue(unauthorized())
    status = main(
        [
            "design",
            str(PASTEBIN),
            "-o",
            str(tmp_path / "o"),
            "--model",
            "gpt-4o-mini",
            "--base-url",
            fake_openai.base_url,
        ]
    )
    err = capsys.readouterr().err
    assert status != 0
    assert fake_openai.calls == 1
    error_lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert (len(error_lines) == 1 and "401" in error_lines[0]) or "auth" in error_lines[0].lower()
    assert TEST_KEY not in err


def test_the_api_key_reaches_no_file(
    fake_openai: FakeOpenAIServer, isolated_home: Path, tmp_path: Path
) -> None:
    fake_openai.default = valid(echo_refined)
    doc = run_design(parse_requirements(PASTEBIN.read_text()), _settings(fake_openai))
    from agents.writer import write_outputs

    write_outputs(doc, tmp_path / "out")
    for root in (isolated_home, tmp_path / "out"):
        for path in root.rglob("*"):
            if path.is_file():
                assert TEST_KEY.encode() not in path.read_bytes(), path
