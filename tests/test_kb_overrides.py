"""User knowledge-base directories override built-in entries field by field, and bad files fail
with a KnowledgeBaseError naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.errors import KnowledgeBaseError
from agents.kb import load_kb

NEW_ARCHETYPE = """\
version: "2026-12-01"
archetypes:
  - id: url_shortener
    defaults:
      dau: 123456
      writes_per_user_per_day: 1
      reads_per_write: 7
      object_bytes: 400
      retention_days: 30
      availability_pct: 99.5
      p99_ms: 80
  - id: status_page
    name: Status page
    keywords: [status page, statuspage, uptime page]
    family: user_facing
    capabilities: [notifications]
    defaults:
      dau: 5000
      writes_per_user_per_day: 0.01
      reads_per_write: 10000
      object_bytes: 2000
      retention_days: 365
      availability_pct: 99.99
      p99_ms: 100
    write_noun: incident update
    read_noun: status page view
    functional:
      - "Publish incident updates."
      - "Serve the status page from a CDN."
      - "Notify subscribers."
    deep_dives: [hot_keys, notification_delivery]
    example_payload: '{"incident": "API latency", "status": "investigating"}'
"""


def test_override_replaces_one_field_and_adds_an_archetype(tmp_path: Path) -> None:
    (tmp_path / "archetypes.yaml").write_text(NEW_ARCHETYPE, encoding="utf-8")
    builtin = load_kb()
    kb = load_kb([tmp_path])

    shortener = kb.archetypes["url_shortener"]
    assert shortener.defaults.dau == 123456
    assert shortener.defaults.p99_ms == 80
    # fields the override did not name keep their built-in values
    assert shortener.keywords == builtin.archetypes["url_shortener"].keywords
    assert shortener.components == builtin.archetypes["url_shortener"].components

    status = kb.archetypes["status_page"]
    assert status.family == "user_facing"
    assert status.capabilities == ["notifications"]
    assert len(kb.archetypes) == len(builtin.archetypes) + 1
    assert kb.versions[f"{tmp_path.name}/archetypes"] == "2026-12-01"
    assert kb.version == "2026-12-01"


def test_price_override_changes_one_price_only(tmp_path: Path) -> None:
    (tmp_path / "prices.yaml").write_text(
        'version: "2026-12-01"\ninstance_hour:\n  general_medium: 0.15\negress_gb: 0.05\n',
        encoding="utf-8",
    )
    builtin = load_kb()
    kb = load_kb([tmp_path])
    assert kb.prices.instance_hour["general_medium"] == 0.15
    assert kb.prices.instance_hour["memory_large"] == builtin.prices.instance_hour["memory_large"]
    assert kb.prices.egress_gb == 0.05
    assert kb.prices.version == "2026-12-01"


def test_catalogue_override_adds_an_option_to_a_kind(tmp_path: Path) -> None:
    builtin = load_kb()
    cache = builtin.kinds["cache"].model_dump()
    cache["options"].append(
        {
            "name": "Dragonfly",
            "per_node_ops": 1_000_000,
            "per_node_storage_gb": 100,
            "consistency": "eventual",
            "instance_class": "memory_large",
            "scores": dict.fromkeys(
                [
                    "throughput",
                    "latency",
                    "durability",
                    "consistency",
                    "ops_burden",
                    "cost",
                    "flexibility",
                    "ecosystem",
                ],
                3,
            ),
            "synonyms": ["dragonflydb"],
        }
    )
    import yaml

    (tmp_path / "catalogue.yaml").write_text(
        yaml.safe_dump({"version": "2026-12-01", "kinds": [cache]}), encoding="utf-8"
    )
    kb = load_kb([tmp_path])
    assert kb.option("cache", "dragonflydb").name == "Dragonfly"
    assert "dragonfly" in kb.synonyms("memory cache")


@pytest.mark.parametrize(
    ("file_name", "text", "fragment"),
    [
        ("archetypes.yaml", "archetypes: [unclosed\n", "cannot read"),
        ("archetypes.yaml", "- just\n- a list\n", "must hold a mapping"),
        ("capabilities.yaml", "capabilities:\n  - name: no id\n", "needs an 'id'"),
        (
            "archetypes.yaml",
            "archetypes:\n  - id: brand_new\n    name: Missing everything else\n",
            "brand_new",
        ),
        ("catalogue.yaml", "kinds:\n  - id: cache\n    options: 7\n", "options"),
        ("prices.yaml", "egress_gb: cheap\n", "egress_gb"),
    ],
)
def test_malformed_override_names_the_file(
    tmp_path: Path, file_name: str, text: str, fragment: str
) -> None:
    (tmp_path / file_name).write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as info:
        load_kb([tmp_path])
    message = str(info.value)
    assert file_name.removesuffix(".yaml") in message
    assert fragment in message


def test_missing_override_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="not found"):
        load_kb([tmp_path / "nope"])


def test_non_utf8_override_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_bytes(b"rules:\n  - id: \xff\xfe\n")
    with pytest.raises(KnowledgeBaseError, match=r"rules\.yaml"):
        load_kb([tmp_path])
