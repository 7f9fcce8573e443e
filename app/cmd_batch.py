"""`designcrew batch INPUT... -o DIR`: a design per requirement, concurrent and resumable."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from agents.errors import ConfigError, InputError

from .batch import BatchOptions, BatchSummary, collect_inputs, run_batch
from .common import add_run_options, settings_from_args

EPILOG = """\
inputs: folders (searched recursively for *.md, *.markdown, *.txt), globs ('specs/**/*.md';
quote them), single files, and .jsonl/.csv files with one requirement per row (fields: id,
requirements, optional title, max_revisions, budget).

Running the same command again skips items whose outputs match their input and settings,
resumes interrupted ones from their checkpoints, and reruns failed ones. --budget caps the
spend of the whole batch: once reached no new item starts.

exit status: 0 all done; 1 an item failed; 3 stopped by the budget (or a document is
incomplete); 130 interrupted (run the same command to continue).
"""


def add_parser(sub: Any) -> None:
    """Register the `batch` subcommand."""
    parser = sub.add_parser(
        "batch",
        help="design many systems: folders, globs, files, JSONL/CSV rows",
        description="Design every requirement given; one folder per design, plus index.md, "
        "index.html and summary.json.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="folder, glob, file, .jsonl, .csv"
    )
    parser.add_argument(
        "-o", "--out", type=Path, default=Path("designs"), help="output folder (default designs)"
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=_positive_int,
        help="items in flight (default: one per CPU core offline, 8 with a model)",
    )
    parser.add_argument("--force", action="store_true", help="redo items that are already done")
    parser.add_argument(
        "--retry-failed",
        action="store_true",
        help="rerun only the items that failed last time (read from summary.json)",
    )
    parser.add_argument("--rpm", type=_positive_float, help="model requests per minute, at most")
    parser.add_argument("--tpm", type=_positive_float, help="model tokens per minute, at most")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    add_run_options(parser)
    parser.set_defaults(handler=run)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def run(args: argparse.Namespace) -> int:
    """Handle `designcrew batch`."""
    settings = settings_from_args(args)
    out_dir: Path = args.out
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"output {out_dir} exists and is not a folder")
    inputs = collect_inputs(args.inputs, out_dir)
    if not inputs:
        raise InputError("nothing to design: the inputs name no requirement files or rows")
    options = BatchOptions(
        out_dir=out_dir,
        jobs=args.jobs,
        force=args.force,
        retry_failed=args.retry_failed,
        budget_usd=args.budget,
        rpm=args.rpm,
        tpm=args.tpm,
        debug=args.debug,
        quiet=args.quiet,
    )
    outcome = run_batch(inputs, settings, options)
    print(summary_table(outcome.summary))
    for kind in ("index_html", "index_md", "summary"):
        print(f"  {kind}: {outcome.paths[kind]}")
    if outcome.summary.interrupted:
        print(
            "interrupted: finished items are kept; run the same command to continue",
            file=sys.stderr,
        )
    return outcome.exit_status


def summary_table(summary: BatchSummary) -> str:
    """The table printed at the end: one row per item, then the totals."""
    header = ("design", "status", "system", "comp.", "$/month", "review", "tokens", "$", "s")
    rows = [
        (
            item.name,
            item.status + ("*" if item.reused else ""),
            item.system or "-",
            str(item.components) if item.outputs else "-",
            f"{item.monthly_usd:,.0f}" if item.monthly_usd is not None else "-",
            item.verdict or "-",
            f"{item.tokens:,}",
            f"{item.usd:.4f}",
            f"{item.seconds:.1f}",
        )
        for item in summary.items
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    right = {3, 4, 6, 7, 8}

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(header), line(tuple("-" * w for w in widths))]
    for item, row in zip(summary.items, rows, strict=True):
        out.append(line(row))
        if item.reason and item.status != "done":
            out.append(f"    {item.reason}")
    counts, totals = summary.counts(), summary.totals()
    out.append(
        f"{counts['total']} items: {counts['done']} done ({counts['reused']} earlier, marked *), "
        f"{counts['failed']} failed, {counts['incomplete']} incomplete, "
        f"{counts['not_run']} not run; {totals['tokens']:,.0f} tokens, ${totals['usd']:.4f}, "
        f"wall {summary.wall_seconds:.1f} s"
    )
    return "\n".join(out)
