"""Model settings from flags, the environment and an optional TOML config file."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from ..errors import ConfigError

StructuredMode = Literal["auto", "json_schema", "json_mode"]

# A placeholder the openai client needs when a local server takes no key.
NO_KEY_NEEDED = "not-needed"

# flag/file key -> ModelConfig field; a few aliases the front ends may use
_ALIASES: dict[str, str] = {
    "model": "model",
    "name": "model",
    "base_url": "base_url",
    "api_key": "api_key",
    "structured": "structured_mode",
    "structured_mode": "structured_mode",
    "timeout": "timeout_s",
    "timeout_s": "timeout_s",
    "max_retries": "max_retries",
    "max_repairs": "max_repairs",
    "temperature": "temperature",
    "max_tokens": "max_completion_tokens",
    "max_completion_tokens": "max_completion_tokens",
    "price_in": "price_input_per_m",
    "price_input": "price_input_per_m",
    "price_input_per_m": "price_input_per_m",
    "price_out": "price_output_per_m",
    "price_output": "price_output_per_m",
    "price_output_per_m": "price_output_per_m",
    "free": "free",
}


class ModelConfig(BaseModel):
    """How to reach and drive one OpenAI-compatible model. The key never leaves this object:
    it is excluded from repr, dumps and cache keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = Field(min_length=1, description="Model name, e.g. 'gpt-4o-mini', 'qwen2.5:14b'.")
    base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint; None for api.openai.com."
    )
    api_key: SecretStr | None = Field(
        default=None, exclude=True, repr=False, description="API key (never logged or cached)."
    )
    structured_mode: StructuredMode = Field(
        default="auto",
        description="json_schema (structured outputs), json_mode (JSON object + validation), "
        "or auto (try json_schema, fall back to json_mode when the server rejects it).",
    )
    timeout_s: float = Field(default=120.0, gt=0, description="Per-request timeout, seconds.")
    max_retries: int = Field(default=4, ge=0, le=20, description="Retries of transient faults.")
    max_repairs: int = Field(
        default=2, ge=0, le=10, description="Re-asks after an invalid reply or failed verification."
    )
    temperature: float | None = Field(
        default=None, ge=0, le=2, description="Sampling temperature; None = server default."
    )
    max_completion_tokens: int = Field(
        default=8192, gt=0, description="Completion cap per call; the budget reserves it."
    )
    price_input_per_m: float | None = Field(
        default=None, ge=0, description="USD per 1M prompt tokens (overrides the table)."
    )
    price_output_per_m: float | None = Field(
        default=None, ge=0, description="USD per 1M completion tokens (overrides the table)."
    )
    free: bool = Field(default=False, description="Calls cost nothing (a local server).")

    @property
    def key_value(self) -> str:
        """The key to hand the openai client ('not-needed' for a keyless local server)."""
        return self.api_key.get_secret_value() if self.api_key is not None else NO_KEY_NEEDED

    @property
    def label(self) -> str:
        """'model @ base_url' for messages (never the key)."""
        return f"{self.model} @ {self.base_url}" if self.base_url else self.model

    @classmethod
    def from_sources(
        cls,
        flags: Mapping[str, Any],
        env: Mapping[str, str],
        config_file: Path | None = None,
    ) -> ModelConfig | None:
        """Settings from flags > environment > config file (`[model]` table of a TOML file).

        Returns None when nothing names a model and no base URL was asked for (offline run).
        Environment: OPENAI_API_KEY, OPENAI_BASE_URL, DESIGNCREW_MODEL.
        Raises ConfigError for unknown keys, bad values, a base URL without a model, or a model
        with neither a key nor a base URL.
        """
        from_file = _read_config_file(config_file) if config_file is not None else {}
        from_env: dict[str, Any] = {}
        for var, field in (
            ("DESIGNCREW_MODEL", "model"),
            ("OPENAI_BASE_URL", "base_url"),
            ("OPENAI_API_KEY", "api_key"),
        ):
            if env.get(var):
                from_env[field] = env[var]
        from_flags = _normalise(
            {k: v for k, v in flags.items() if v is not None}, "command-line flag"
        )
        merged = {**from_file, **from_env, **from_flags}

        if not merged.get("model"):
            asked_for_url = "base_url" in from_flags or "base_url" in from_file
            if asked_for_url:
                raise ConfigError(
                    "a base URL was given but no model: pass --model NAME "
                    "(or set DESIGNCREW_MODEL, or name = ... in the [model] table)"
                )
            return None
        if not merged.get("api_key") and not merged.get("base_url"):
            raise ConfigError(
                f"model '{merged['model']}' needs an API key (set OPENAI_API_KEY) "
                "or a base URL of a local server (--base-url)"
            )
        if merged.get("free") and (
            merged.get("price_input_per_m") is not None
            or merged.get("price_output_per_m") is not None
        ):
            raise ConfigError("give a price or mark the model free, not both")
        if (merged.get("price_input_per_m") is None) != (merged.get("price_output_per_m") is None):
            raise ConfigError("a price override needs both the input and the output price")
        try:
            return cls.model_validate(merged)
        except ValidationError as exc:
            raise ConfigError(f"invalid model settings: {_first_error(exc)}") from None


def _normalise(values: Mapping[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        field = _ALIASES.get(key)
        if field is None:
            known = ", ".join(sorted(set(_ALIASES)))
            raise ConfigError(f"unknown model setting '{key}' in {where} (known: {known})")
        out[field] = value
    return out


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    table = data.get("model", {})
    if not isinstance(table, dict):
        raise ConfigError(
            f"config file {path}: 'model' must be a table ([model] with name = \"...\")"
        )
    return _normalise(table, f"config file {path} [model]")


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"]) or "value"
    return f"{loc}: {err['msg']}"
