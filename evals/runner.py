"""Run an eval: get a design per case (generate it, or read it from --designs), score it with
the deterministic checks, measure reviewer recall, ask the model judges, compare with a baseline.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import mean
from typing import TypeVar

from pydantic import ValidationError

from agents import __version__
from agents.artefacts import DesignDoc
from agents.errors import DesignCrewError, InputError
from agents.kb import KnowledgeBase, default_kb
from agents.llm import ChatModel
from agents.settings import Settings

from .cases import EvalCase
from .checks import deterministic_score, run_checks
from .flaws import FLAWS, measure_recall
from .judges import agreement, compare_pair, judge_design, panel_means
from .results import CaseResult, EvalReport, Timings, compare_reports, load_report

DESIGNS_SUBDIR = "designs"  # where a run keeps the designs it generated (for --pairwise later)

Progress = Callable[[str, int, int, str], None]  # (phase, done, total, case)


def _quiet(phase: str, done: int, total: int, case: str) -> None:
    return None


@dataclass
class EvalOptions:
    """How to run an eval."""

    settings: Settings = field(default_factory=Settings)
    designs_dir: Path | None = None  # score existing designs instead of generating
    save_designs_to: Path | None = None  # keep generated designs (design.json + design.md)
    design_model: ChatModel | None = None  # one model (and spend cap) for every design
    judges: Sequence[ChatModel] = ()
    pairwise_baseline: Path | None = None  # a report dir whose designs to compare A/B with
    compare_with: Path | None = None  # a report dir (or report.json) to compute deltas against
    recall: bool = True
    min_score: float | None = None
    jobs: int = 1
    progress: Progress = _quiet


@dataclass
class _Design:
    doc: DesignDoc | None = None
    markdown: str = ""
    path: str | None = None
    error: str | None = None
    seconds: float = 0.0


T = TypeVar("T")
R = TypeVar("R")


def _map(
    jobs: int,
    fn: Callable[[T], R],
    items: Sequence[T],
    phase: str,
    names: Sequence[str],
    progress: Progress,
) -> list[R]:
    """fn over items (in a thread pool when jobs > 1), reporting progress as each finishes."""
    total = len(items)
    progress(phase, 0, total, "")
    if jobs <= 1 or total <= 1:
        out = []
        for i, item in enumerate(items):
            out.append(fn(item))
            progress(phase, i + 1, total, names[i])
        return out
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(fn, item) for item in items]
        results: list[R] = []
        for i, future in enumerate(futures):
            results.append(future.result())
            progress(phase, i + 1, total, names[i])
        return results


# --- getting the designs ----------------------------------------------------------------------


def find_design(designs_dir: Path, case: str) -> Path | None:
    """`DIR/<case>/design.json` (as `design`/`batch` write it) or `DIR/<case>.json`."""
    for candidate in (designs_dir / case / "design.json", designs_dir / f"{case}.json"):
        if candidate.is_file():
            return candidate
    return None


def baseline_design(report_dir: Path, case: str) -> Path | None:
    """The design a baseline run scored for `case`: the path its report.json names, else the
    copy it kept under designs/."""
    report_file = report_dir / "report.json"
    if report_file.is_file():
        try:
            data = json.loads(report_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            data = {}
        for entry in data.get("cases", []) if isinstance(data, dict) else []:
            if not isinstance(entry, dict) or entry.get("name") != case:
                continue
            path = entry.get("design_path")
            if isinstance(path, str) and Path(path).is_file():
                return Path(path)
    return find_design(report_dir / DESIGNS_SUBDIR, case)


def read_design(path: Path) -> tuple[DesignDoc, str]:
    """A design.json and its Markdown: design.md beside it if present, else rendered."""
    try:
        doc = DesignDoc.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise InputError(f"cannot read design {path}: {first}") from None
    md_path = path.with_name("design.md") if path.name == "design.json" else path.with_suffix(".md")
    if md_path.is_file():
        return doc, md_path.read_text(encoding="utf-8")
    from agents.writer import render_markdown

    return doc, render_markdown(doc)


def save_design(doc: DesignDoc, markdown: str, out_dir: Path) -> Path:
    """Write design.json and design.md (no HTML: the eval does not need it)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "design.json"
    path.write_text(
        json.dumps(doc.model_dump(mode="json"), indent=1, ensure_ascii=False), encoding="utf-8"
    )
    (out_dir / "design.md").write_text(markdown, encoding="utf-8")
    return path


def _error_text(exc: Exception) -> str:
    if isinstance(exc, DesignCrewError):
        return exc.one_line()
    return f"internal error: {type(exc).__name__}: {exc}"


def _generate(case: EvalCase, options: EvalOptions, checkpoints: Path) -> _Design:
    from agents.api import run_design
    from agents.writer import render_markdown

    started = time.perf_counter()
    settings = dataclasses.replace(
        options.settings, checkpoint_file=checkpoints / f"{case.name}.sqlite"
    )
    try:
        doc = run_design(case.requirements, settings, model=options.design_model)
        markdown = render_markdown(doc)
    except Exception as exc:  # one broken case must not stop the others
        return _Design(error=_error_text(exc), seconds=time.perf_counter() - started)
    path = None
    if options.save_designs_to is not None:
        path = str(save_design(doc, markdown, options.save_designs_to / case.name))
    return _Design(doc, markdown, path, seconds=time.perf_counter() - started)


def _load(case: EvalCase, designs_dir: Path) -> _Design:
    path = find_design(designs_dir, case.name)
    if path is None:
        return _Design(error=f"no design for '{case.name}' in {designs_dir}")
    try:
        doc, markdown = read_design(path)
    except Exception as exc:
        return _Design(error=_error_text(exc))
    return _Design(doc, markdown, str(path))


# --- the run ----------------------------------------------------------------------------------


def validate_cases(cases: Sequence[EvalCase]) -> None:
    """InputError for expectations naming flaws that do not exist."""
    for case in cases:
        unknown = [f for f in case.expect.flaws if f not in FLAWS]
        if unknown:
            raise InputError(
                f"case {case.name}: unknown flaw(s) {', '.join(unknown)}; known: "
                + ", ".join(FLAWS)
            )


def run_eval(
    cases: Sequence[EvalCase], options: EvalOptions | None = None, kb: KnowledgeBase | None = None
) -> EvalReport:
    """Evaluate every case and return the report (nothing is written)."""
    options = options or EvalOptions()
    validate_cases(cases)
    kb = kb or default_kb(options.settings.kb_dirs)
    started = time.perf_counter()
    timings = Timings()
    names = [c.name for c in cases]

    phase_start = time.perf_counter()
    if options.designs_dir is None and options.design_model is None and options.settings.model:
        from agents.llm import make_model

        # one model for all cases, so --budget caps the whole eval rather than each design
        options = dataclasses.replace(options, design_model=make_model(options.settings))
    if options.designs_dir is not None:
        designs_dir = options.designs_dir
        designs = _map(
            1, lambda c: _load(c, designs_dir), cases, "reading", names, options.progress
        )
    else:
        with tempfile.TemporaryDirectory(prefix="designcrew-eval-") as tmp:
            designs = _map(
                options.jobs,
                lambda c: _generate(c, options, Path(tmp)),
                cases,
                "generating",
                names,
                options.progress,
            )
    timings.generate = time.perf_counter() - phase_start

    results = [_case_result(case, design) for case, design in zip(cases, designs, strict=True)]

    phase_start = time.perf_counter()
    pairs = list(zip(cases, designs, results, strict=True))
    options.progress("checking", 0, len(pairs), "")
    for i, (case, design, result) in enumerate(pairs):
        if design.doc is not None:
            t0 = time.perf_counter()
            result.checks = run_checks(design.doc, design.markdown, kb, case.expect)
            result.score = _case_score(result)
            result.seconds_score = time.perf_counter() - t0
        options.progress("checking", i + 1, len(pairs), case.name)
    timings.checks = time.perf_counter() - phase_start

    report = EvalReport(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        generator=f"designcrew {__version__} eval (knowledge base {kb.version})",
        cases_source=sorted({str(c.path.parent) for c in cases}),
        design_model=options.settings.model_label,
        designs_from=str(options.designs_dir) if options.designs_dir else None,
        judges=[j.model_name for j in options.judges],
        min_score=options.min_score,
        cases=results,
    )
    if options.recall:
        phase_start = time.perf_counter()
        _recall(report, pairs, kb, options.progress)
        timings.recall = time.perf_counter() - phase_start
    if options.judges:
        phase_start = time.perf_counter()
        _judge(report, pairs, options)
        timings.judges = time.perf_counter() - phase_start
    report.summarise()
    timings.total = time.perf_counter() - started
    report.timings = timings
    if options.compare_with is not None:
        report.comparison = compare_reports(
            report, load_report(options.compare_with), str(options.compare_with)
        )
    return report


def _case_result(case: EvalCase, design: _Design) -> CaseResult:
    doc = design.doc
    return CaseResult(
        name=case.name,
        source=str(case.path),
        system=doc.scope.system_name if doc else "",
        archetype=doc.scope.archetype if doc else "",
        design_model=doc.stats.model if doc else "",
        error=design.error,
        flaws_expected=list(case.expect.flaws),
        design_path=design.path,
        seconds_generate=design.seconds,
    )


def _case_score(result: CaseResult) -> float:
    """0..100: the mean item share of the checks that ran (skipped ones excluded)."""
    counted = [c for c in result.checks if not c.skipped]
    if not counted:
        return deterministic_score(result.checks)
    return 100.0 * mean(c.score for c in counted)


def _recall(
    report: EvalReport,
    pairs: list[tuple[EvalCase, _Design, CaseResult]],
    kb: KnowledgeBase,
    progress: Progress,
) -> None:
    designed = [(case, design.doc) for case, design, _ in pairs if design.doc is not None]
    recall = measure_recall([], kb)
    progress("reviewer recall", 0, len(designed), "")
    for i, (case, doc) in enumerate(designed):
        assert doc is not None
        one = measure_recall([(case.name, doc)], kb)
        recall.trials += one.trials
        for total, part in zip(recall.per_flaw, one.per_flaw, strict=True):
            total.applicable += part.applicable
            total.caught += part.caught
            total.missed_in += part.missed_in
        progress("reviewer recall", i + 1, len(designed), case.name)
    report.recall = recall
    for case, _, result in pairs:
        trials = {t.flaw: t for t in recall.for_case(case.name)}
        for flaw in case.expect.flaws:
            trial = trials.get(flaw)
            if trial is None:
                continue  # the case has no design
            if trial.status == "missed":
                result.flaws_missed.append(flaw)
            elif trial.status != "caught":
                result.flaws_untestable.append(f"{flaw} ({trial.status.replace('_', ' ')})")


def _judge(
    report: EvalReport, pairs: list[tuple[EvalCase, _Design, CaseResult]], options: EvalOptions
) -> None:
    work = [(case, design, result) for case, design, result in pairs if design.doc is not None]
    names = [case.name for case, _, _ in work]

    def judge_one(item: tuple[EvalCase, _Design, CaseResult]) -> None:
        case, design, result = item
        assert design.doc is not None
        design_model = design.doc.stats.model
        result.judges = [
            judge_design(j, case.requirements.text, design.markdown, design_model=design_model)
            for j in options.judges
        ]
        result.judge_means = panel_means(result.judges)
        result.judge_score = mean(result.judge_means.values()) if result.judge_means else None
        if options.pairwise_baseline is not None:
            base = baseline_design(options.pairwise_baseline, case.name)
            if base is not None:
                _, base_md = read_design(base)
                result.pairwise = [
                    compare_pair(
                        j, case.requirements.text, ("new", design.markdown), ("base", base_md)
                    )
                    for j in options.judges
                ]

    _map(options.jobs, judge_one, work, "judging", names, options.progress)
    report.judge_agreement = agreement([r.judges for _, _, r in work])


def passes_gate(report: EvalReport, min_score: float | None) -> bool:
    """Whether the run's mean deterministic score reaches `min_score` (no gate: True)."""
    if min_score is None:
        return True
    return report.mean_score is not None and report.mean_score >= min_score
