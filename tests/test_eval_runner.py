"""The eval runner on generated designs: saved designs, progress, one broken case."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.errors import ModelUnavailableError
from agents.settings import Settings
from evals.cases import load_cases
from evals.runner import EvalOptions, baseline_design, run_eval

CASES_DIR = Path(__file__).resolve().parents[1] / "evals" / "cases"


def test_generates_scores_and_keeps_the_designs(tmp_path: Path) -> None:
    events: list[tuple[str, int, int, str]] = []
    options = EvalOptions(
        settings=Settings(home=tmp_path / "home"),
        save_designs_to=tmp_path / "out" / "designs",
        recall=False,
        jobs=2,
        progress=lambda phase, done, total, case: events.append((phase, done, total, case)),
    )
    cases = load_cases([CASES_DIR], only=["url_shortener", "web_crawler"])
    report = run_eval(cases, options)
    assert [c.name for c in report.cases] == ["url_shortener", "web_crawler"]
    for case in report.cases:
        assert case.error is None and case.score is not None
        assert case.design_model == "offline"
        assert case.design_path is not None and Path(case.design_path).is_file()
        assert (Path(case.design_path).parent / "design.md").is_file()
    assert ("generating", 2, 2, "web_crawler") in events
    assert ("checking", 2, 2, "web_crawler") in events
    assert report.timings.generate > 0 and report.timings.checks > 0
    # a later run finds these designs for a pairwise comparison
    assert baseline_design(tmp_path / "out", "web_crawler") == Path(
        report.cases[1].design_path or ""
    )


def test_a_case_that_fails_to_generate_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import agents.api

    real = agents.api.run_design

    def flaky(requirements: object, settings: object = None, **kwargs: object) -> object:
        if "typeahead" in str(getattr(requirements, "title", "")).lower():
            raise ModelUnavailableError("model went away")
        return real(requirements, settings, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(agents.api, "run_design", flaky)
    cases = load_cases([CASES_DIR], only=["typeahead", "web_crawler"])
    report = run_eval(cases, EvalOptions(settings=Settings(home=tmp_path), recall=True))
    broken = report.case("typeahead")
    assert broken is not None and broken.error is not None
    assert "model went away" in broken.error
    assert report.case("web_crawler").score is not None  # type: ignore[union-attr]
    assert report.recall is not None
    assert {t.case for t in report.recall.trials} == {"web_crawler"}
