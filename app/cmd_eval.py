"""`designcrew eval`: score designs against the eval cases, deterministically and with judges."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

from agents.errors import ConfigError
from agents.llm import ChatModel
from agents.settings import Settings

from .common import add_run_options, settings_from_args

DEFAULT_CASES = Path("evals/cases")


def default_cases() -> Path:
    """evals/cases under the working directory, else the cases installed with the package."""
    if DEFAULT_CASES.is_dir():
        return DEFAULT_CASES
    import evals

    return Path(evals.__file__).parent / "cases"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `designcrew eval`."""
    parser = sub.add_parser(
        "eval",
        help="score designs against eval cases (checks, reviewer recall, model judges)",
        description="Generate a design per case (or read them with --designs) and score them: "
        "deterministic checks, reviewer recall on injected flaws, optional model judges. "
        "Writes report.md, report.html and report.json.",
    )
    parser.add_argument(
        "cases",
        nargs="*",
        type=Path,
        help=f"case directories or requirement files (default {DEFAULT_CASES})",
    )
    parser.add_argument(
        "-o", "--out", type=Path, help="report directory (default reports/eval-<timestamp>)"
    )
    parser.add_argument(
        "--designs",
        type=Path,
        metavar="DIR",
        help="score existing DIR/<case>/design.json instead of generating",
    )
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="REPORT_DIR",
        help="per-case deltas against an earlier report, worse cases first",
    )
    parser.add_argument(
        "--judge",
        action="append",
        default=[],
        metavar="MODEL[@BASE_URL]",
        help="model judge (repeatable); NAME@URL for a judge on another endpoint; "
        "--price-input/--price-output/--free apply to judges too",
    )
    parser.add_argument(
        "--pairwise",
        action="store_true",
        help="with --compare and --judge: A/B each design against the baseline's, both orders",
    )
    parser.add_argument(
        "--min-score",
        type=float,
        metavar="N",
        help="exit 1 when the mean deterministic score (0-100) is below N",
    )
    parser.add_argument(
        "--min-judge-score",
        type=float,
        metavar="N",
        help="exit 1 when the mean judge score (0-5) is below N",
    )
    parser.add_argument(
        "--case", action="append", default=[], metavar="NAME", help="only this case (repeatable)"
    )
    parser.add_argument("--no-recall", action="store_true", help="skip reviewer recall")
    parser.add_argument("--no-html", action="store_true", help="do not write report.html")
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=1,
        help="designs generated / judged in parallel (default 1)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_run_options(parser)
    parser.set_defaults(handler=run)


class ProgressBar:
    """One progress line per phase on stderr: redrawn in place on a terminal."""

    def __init__(self, stream: TextIO, quiet: bool = False, width: int = 24) -> None:
        self.stream = stream
        self.quiet = quiet
        self.width = width
        self.tty = stream.isatty()

    def __call__(self, phase: str, done: int, total: int, case: str) -> None:
        if self.quiet or total == 0:
            return
        filled = round(self.width * done / total)
        bar = "#" * filled + "." * (self.width - filled)
        line = f"{phase:<16} [{bar}] {done}/{total} {case}"
        if self.tty:
            end = "\n" if done == total else ""
            self.stream.write("\r\033[K" + line + end)
        elif done > 0:
            self.stream.write(line + "\n")
        self.stream.flush()


def build_judges(args: argparse.Namespace, settings: Settings) -> list[ChatModel]:
    """A ChatModel per --judge, sharing one spend cap (--budget)."""
    if not args.judge:
        return []
    from agents.llm import Budget, ModelConfig, make_model

    budget = Budget(args.budget)
    judges: list[ChatModel] = []
    for spec in args.judge:
        name, _, url = spec.partition("@")
        if not name or (url and not url.startswith(("http://", "https://"))):
            raise ConfigError(f"--judge wants MODEL or MODEL@http(s)://URL, got {spec!r}")
        flags = {
            "model": name,
            "base_url": url or args.base_url,
            "structured": args.structured,
            # --price-input/--price-output/--free price the judges as well (a local judge)
            "price_input": getattr(args, "price_input", None),
            "price_output": getattr(args, "price_output", None),
            "free": getattr(args, "free", None) or None,
        }
        config = ModelConfig.from_sources(
            {k: v for k, v in flags.items() if v is not None}, dict(os.environ), args.config
        )
        judge_settings = dataclasses.replace(settings, model=config)
        judges.append(make_model(judge_settings, budget=budget))
    return judges


def run(args: argparse.Namespace) -> int:
    """Handle `designcrew eval`."""
    from evals.cases import load_cases
    from evals.report import write_report
    from evals.runner import DESIGNS_SUBDIR, EvalOptions, passes_gate, run_eval

    if args.pairwise and not (args.compare and args.judge):
        raise ConfigError("--pairwise needs --compare REPORT_DIR and at least one --judge")
    if args.jobs < 1:
        raise ConfigError(f"--jobs must be at least 1, got {args.jobs}")
    if args.designs is not None and not args.designs.is_dir():
        raise ConfigError(f"--designs: no such directory: {args.designs}")
    settings = settings_from_args(args)
    cases = load_cases(args.cases or [default_cases()], only=args.case)
    judges = build_judges(args, settings)
    out_dir = args.out or Path("reports") / f"eval-{datetime.now():%Y%m%d-%H%M%S}"
    options = EvalOptions(
        settings=settings,
        designs_dir=args.designs,
        save_designs_to=None if args.designs else out_dir / DESIGNS_SUBDIR,
        judges=judges,
        pairwise_baseline=args.compare if args.pairwise else None,
        compare_with=args.compare,
        recall=not args.no_recall,
        min_score=args.min_score,
        jobs=args.jobs,
        progress=ProgressBar(sys.stderr, quiet=args.quiet),
    )
    report = run_eval(cases, options)
    paths = write_report(report, out_dir, html=not args.no_html)
    recall = report.recall.overall if report.recall else None
    print(
        f"{len(report.cases)} cases: mean score {report.mean_score or 0:.1f}/100"
        + (f", judges {report.mean_judge_score:.2f}/5" if report.mean_judge_score else "")
        + (f", reviewer recall {recall * 100:.0f}%" if recall is not None else "")
        + f", {report.timings.total:.1f} s"
    )
    if report.comparison is not None:
        worse = report.comparison.worse
        print(
            f"  vs {args.compare}: {len(worse)} case(s) worse"
            + (": " + ", ".join(d.case for d in worse[:8]) if worse else "")
        )
    for kind, path in paths.items():
        print(f"  {kind}: {path}")
    status = 0
    if not passes_gate(report, args.min_score):
        print(
            f"FAIL: mean score {report.mean_score or 0:.1f} is below --min-score "
            f"{args.min_score:g}",
            file=sys.stderr,
        )
        status = 1
    if args.min_judge_score is not None and (
        report.mean_judge_score is None or report.mean_judge_score < args.min_judge_score
    ):
        print(
            f"FAIL: mean judge score {report.mean_judge_score or 0:.2f} is below "
            f"--min-judge-score {args.min_judge_score:g}",
            file=sys.stderr,
        )
        status = 1
    return status
