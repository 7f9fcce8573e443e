"""Model settings: flags > environment > config file; key handling; errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.errors import ConfigError
from agents.llm import NO_KEY_NEEDED, ModelConfig

KEY = "sk-config-SECRET-42"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "designcrew.toml"
    path.write_text(text)
    return path


def test_flags_beat_env_beat_file(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        '[model]\nname = "gpt-4o"\nbase_url = "http://file/v1"\ntemperature = 0.1\n'
        "max_repairs = 1\n",
    )
    env = {"DESIGNCREW_MODEL": "gpt-4.1", "OPENAI_BASE_URL": "http://env/v1"}
    config = ModelConfig.from_sources(
        {"model": "gpt-4o-mini", "structured": "json_mode"}, env, file
    )
    assert config is not None
    assert config.model == "gpt-4o-mini"  # flag
    assert config.base_url == "http://env/v1"  # env over file
    assert config.temperature == 0.1 and config.max_repairs == 1  # file
    assert config.structured_mode == "json_mode"


def test_key_from_env_is_secret_everywhere() -> None:
    config = ModelConfig.from_sources({"model": "gpt-4o-mini"}, {"OPENAI_API_KEY": KEY})
    assert config is not None
    assert config.key_value == KEY
    assert KEY not in repr(config) and KEY not in str(config)
    assert "api_key" not in config.model_dump() and KEY not in config.model_dump_json()


def test_no_key_needed_with_a_base_url() -> None:
    config = ModelConfig.from_sources(
        {"model": "qwen2.5:14b", "base_url": "http://localhost:11434/v1", "free": True}, {}
    )
    assert config is not None and config.api_key is None and config.key_value == NO_KEY_NEEDED


def test_model_without_key_or_base_url_is_an_error() -> None:
    with pytest.raises(ConfigError, match="needs an API key"):
        ModelConfig.from_sources({"model": "gpt-4o"}, {})


def test_nothing_named_means_offline() -> None:
    assert ModelConfig.from_sources({}, {"OPENAI_API_KEY": KEY}) is None
    assert ModelConfig.from_sources({}, {"OPENAI_BASE_URL": "http://x/v1"}) is None


def test_base_url_flag_without_model_is_an_error() -> None:
    with pytest.raises(ConfigError, match="no model"):
        ModelConfig.from_sources({"base_url": "http://localhost:11434/v1"}, {})


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"structured": "xml"}, "structured_mode"),
        ({"timeout": -1}, "timeout_s"),
        ({"temprature": 0.2}, "unknown model setting 'temprature'"),
        ({"price_in": 1.0}, "both the input and the output price"),
        ({"price_in": 1.0, "price_out": 2.0, "free": True}, "not both"),
    ],
)
def test_bad_values_are_config_errors(flags: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as err:
        ModelConfig.from_sources({"model": "m", "api_key": KEY, **flags}, {})
    assert KEY not in str(err.value)


def test_config_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        ModelConfig.from_sources({}, {}, tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        ModelConfig.from_sources({}, {}, write(tmp_path, "[model\nname="))
    with pytest.raises(ConfigError, match="must be a table"):
        ModelConfig.from_sources({}, {}, write(tmp_path, 'model = "gpt-4o"\n'))


def test_config_file_prices_and_other_sections(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        '[ui]\nport = 8501\n[model]\nname = "my-deployment"\napi_key = "k"\n'
        "price_input_per_m = 2.5\nprice_output_per_m = 10\n",
    )
    config = ModelConfig.from_sources({}, {}, file)
    assert config is not None
    assert (config.price_input_per_m, config.price_output_per_m) == (2.5, 10)
