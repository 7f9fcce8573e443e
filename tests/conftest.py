"""Test isolation: every test gets its own designcrew home (caches, checkpoints) and no model
credentials from the environment, so nothing can reach a real model or a user's files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agents.llm import block_real_models

pytest_plugins = ["llm_fixtures"]

_MODEL_ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DESIGNCREW_MODEL", "AZURE_OPENAI_API_KEY")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh DESIGNCREW_HOME per test and no model settings from the environment."""
    home = tmp_path / "designcrew-home"
    monkeypatch.setenv("DESIGNCREW_HOME", str(home))
    for name in _MODEL_ENV:
        monkeypatch.delenv(name, raising=False)
    yield home


@pytest.fixture(autouse=True)
def no_real_model_requests() -> Iterator[None]:
    """Any attempt to reach a model that is not on 127.0.0.1/localhost fails the test."""
    previous = block_real_models(True)
    yield
    block_real_models(previous)
