"""Eval cases: expectations in front matter or a sidecar, figures with tolerance."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.errors import InputError
from evals.cases import CapacityExpectation, load_case, load_cases, parse_figure
from evals.flaws import FLAWS

CASES_DIR = Path(__file__).resolve().parents[1] / "evals" / "cases"


@pytest.mark.parametrize(
    ("raw", "value", "tolerance"),
    [
        ("3.86 ± 5%", 3.86, 0.05),
        ("3.86 +- 5 %", 3.86, 0.05),
        ("200 +/- 20", 200.0, 0.1),  # absolute tolerance becomes relative
        ("1.5e9", 1.5e9, 0.05),
        ("3,333,333 ± 1%", 3_333_333.0, 0.01),
        (12, 12.0, 0.05),
        ({"value": 6, "tolerance": 0}, 6.0, 0.0),
    ],
)
def test_parse_figure(raw: object, value: float, tolerance: float) -> None:
    figure = parse_figure(raw)
    assert figure.value == pytest.approx(value)
    assert figure.tolerance == pytest.approx(tolerance)


@pytest.mark.parametrize("raw", ["about 4", "4 ± lots", True, [1, 2]])
def test_parse_figure_rejects_garbage(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_figure(raw)


def test_tolerance_bounds() -> None:
    figure = CapacityExpectation(value=100, tolerance=0.05)
    assert figure.accepts(105) and figure.accepts(95)
    assert not figure.accepts(105.1) and not figure.accepts(94.9)
    assert CapacityExpectation(value=6, tolerance=0).accepts(6)
    assert not CapacityExpectation(value=6, tolerance=0).accepts(7)


def test_front_matter_expectations_are_read_and_hidden_from_the_crew(tmp_path: Path) -> None:
    path = tmp_path / "kv.md"
    path.write_text(
        "---\ndau: 1M\nexpect:\n  capacity:\n    write_qps_avg: 11.6 ± 2%\n"
        "  components: [memory cache]\n  flaws: [over_budget]\n---\n\n# A KV store\n",
        encoding="utf-8",
    )
    case = load_case(path)
    assert case.name == "kv"
    assert case.expect.capacity["write_qps_avg"].tolerance == pytest.approx(0.02)
    assert case.expect.components == ["memory cache"]
    assert case.expect.flaws == ["over_budget"]
    assert case.requirements.front_matter == {"dau": "1M"}  # 'expect' never reaches the crew
    assert "expect" not in case.requirements.text


def test_sidecar_wins_over_front_matter(tmp_path: Path) -> None:
    (tmp_path / "kv.md").write_text(
        "---\nexpect:\n  features: [ignored]\n---\n# KV\n", encoding="utf-8"
    )
    (tmp_path / "kv.expect.yaml").write_text("expect:\n  features: [get, put]\n", encoding="utf-8")
    case = load_case(tmp_path / "kv.md")
    assert case.expect.features == ["get", "put"]


def test_case_without_expectations_is_valid(tmp_path: Path) -> None:
    (tmp_path / "plain.md").write_text("Design a URL shortener like bit.ly\n", encoding="utf-8")
    case = load_case(tmp_path / "plain.md")
    assert case.expect.empty


@pytest.mark.parametrize(
    ("front", "says"),
    [
        ("expect: [1, 2]", "must be a mapping"),
        ("expect:\n  capacity:\n    write_qps_avg: lots", "capacity"),
        ("expect:\n  nonsense: 1", "nonsense"),
    ],
)
def test_bad_expectations_are_one_line_input_errors(tmp_path: Path, front: str, says: str) -> None:
    (tmp_path / "bad.md").write_text(f"---\n{front}\n---\n# X\n", encoding="utf-8")
    with pytest.raises(InputError, match=says):
        load_case(tmp_path / "bad.md")


def test_load_cases_filters_and_rejects_unknown_names(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.md").write_text(f"# {name}\nA chat app\n", encoding="utf-8")
    assert [c.name for c in load_cases([tmp_path])] == ["a", "b"]
    assert [c.name for c in load_cases([tmp_path], only=["b"])] == ["b"]
    with pytest.raises(InputError, match="no case named zzz"):
        load_cases([tmp_path], only=["zzz"])
    with pytest.raises(InputError, match="not found"):
        load_cases([tmp_path / "missing"])


def test_shipped_cases_are_many_varied_and_valid() -> None:
    cases = load_cases([CASES_DIR])
    assert len(cases) >= 15
    for case in cases:
        assert case.expect.capacity, f"{case.name} expects no capacity figures"
        assert case.expect.components, f"{case.name} expects no components"
        assert case.expect.features, f"{case.name} expects no features"
        assert case.expect.flaws, f"{case.name} expects no flaws"
        unknown = set(case.expect.flaws) - set(FLAWS)
        assert not unknown, f"{case.name}: unknown flaws {unknown}"
    names = {c.name for c in cases}
    for kind in (
        "typeahead",
        "leaderboard",
        "hotel_booking",
        "metrics_monitoring",
        "job_scheduler",
        "collaborative_editor",
        "proximity_search",
        "ad_click_aggregation",
        "ecommerce_checkout",
        "stock_exchange",
    ):
        assert kind in names
    # expectations live in sidecars, so a batch run of evals/cases with a model never sees them
    for case in cases:
        assert (CASES_DIR / f"{case.name}.expect.yaml").exists(), case.name
        assert "expect:" not in case.path.read_text(encoding="utf-8"), case.name


def test_expected_terms_are_known_to_the_knowledge_base() -> None:
    from agents.kb import default_kb

    kb = default_kb()
    for case in load_cases([CASES_DIR]):
        for term in case.expect.components:
            for alternative in term.split("|"):
                names = kb.synonyms(alternative)
                assert len(names) > 1, f"{case.name}: '{alternative.strip()}' has no synonyms"
