"""`designcrew design FILE|-`: one design, with progress lines, resumable with --resume."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from agents.api import ProgressEvent, new_run_id, run_design
from agents.artefacts import DesignDoc
from agents.errors import ConfigError, RunNotFoundError
from agents.requirements import read_requirements
from agents.settings import Settings
from agents.writer import write_outputs

from .common import add_run_options, settings_from_args


def add_parser(sub: Any) -> None:
    """Register the `design` subcommand."""
    parser = sub.add_parser(
        "design",
        help="design one system from a requirement file (or - for stdin)",
        description="Design one system. Writes design.md, design.html and design.json.",
    )
    parser.add_argument("file", nargs="?", help="requirement file (Markdown/text), or - for stdin")
    parser.add_argument("-o", "--out", type=Path, help="output directory (default designs/NAME)")
    parser.add_argument("--resume", metavar="RUN_ID", help="continue an interrupted run")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    add_run_options(parser)
    parser.set_defaults(handler=run)


def default_out_dir(source: str, run_id: str) -> Path:
    """designs/<file stem>, or designs/<run id> for standard input."""
    stem = Path(source).stem if source not in ("-", "<stdin>") else run_id
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or run_id
    return Path("designs") / safe


def _run_meta_path(settings: Settings, run_id: str) -> Path:
    return settings.home / "runs" / f"{run_id}.json"


def _progress_printer(quiet: bool) -> Any:
    def on_event(event: ProgressEvent) -> None:
        if quiet:
            return
        label = event.role if not event.revision else f"{event.role} (revision {event.revision})"
        if event.kind == "start":
            print(f"  … {label}", file=sys.stderr, flush=True)
        else:
            extra = ""
            if event.stats is not None and event.stats.model_calls + event.stats.cache_hits:
                s = event.stats
                extra = (
                    f", {s.model_calls} calls, {s.cache_hits} cached,"
                    f" {s.prompt_tokens}+{s.completion_tokens} tokens, ${s.usd:.4f}"
                )
            print(f"  ✓ {label} {event.seconds:.2f} s{extra}", file=sys.stderr, flush=True)

    return on_event


def run(args: argparse.Namespace) -> int:
    """Handle `designcrew design`."""
    if args.resume and args.file:
        raise ConfigError("give either a requirement file or --resume RUN_ID, not both")
    if not args.resume and not args.file:
        raise ConfigError("give a requirement file (or - for stdin), or --resume RUN_ID")
    settings = settings_from_args(args)
    if args.resume:
        run_id = args.resume
        meta_path = _run_meta_path(settings, run_id)
        if not meta_path.exists():
            raise RunNotFoundError(f"no run with id '{run_id}' under {settings.home}")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        out_dir = args.out or Path(meta["out_dir"])
        requirements = None
    else:
        requirements = read_requirements(args.file)
        run_id = new_run_id()
        out_dir = args.out or default_out_dir(requirements.source, run_id)
        meta_path = _run_meta_path(settings, run_id)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        meta_path.write_text(
            json.dumps({"out_dir": str(out_dir), "source": requirements.source}),
            encoding="utf-8",
        )
    if not args.quiet:
        verb = "resuming" if args.resume else "run"
        print(
            f"{verb} {run_id} ({settings.model_label}); "
            f"if interrupted: designcrew design --resume {run_id}",
            file=sys.stderr,
            flush=True,
        )
    doc = run_design(requirements, settings, run_id=run_id, on_event=_progress_printer(args.quiet))
    paths = write_outputs(doc, out_dir)
    _print_summary(doc, paths, quiet=args.quiet)
    return 0 if doc.complete else 3


def _print_summary(doc: DesignDoc, paths: dict[str, Path], *, quiet: bool) -> None:
    review = doc.review
    verdict = review.verdict if review else "none"
    cost = doc.cost
    budget = f" of ${cost.budget_monthly_usd:,.0f}" if cost.budget_monthly_usd else ""
    lines = [
        f"{doc.title}",
        f"  {len(doc.architecture.components)} components, "
        f"{len(doc.architecture.changes)} changes over {doc.architecture.revision} revision(s), "
        f"review: {verdict}, ${cost.total_monthly_usd:,.0f}/month{budget}",
    ]
    if doc.stats.model != "offline":
        lines.append(_stats_table(doc))
    if not doc.complete:
        lines.append(f"  INCOMPLETE: {doc.incomplete_reason}")
    lines += [f"  {kind}: {path}" for kind, path in paths.items()]
    print("\n".join(lines), file=sys.stdout if not quiet else sys.stderr)


def _stats_table(doc: DesignDoc) -> str:
    rows = ["  role          calls cached  prompt  compl.        $      s"]
    for r in doc.stats.roles:
        rows.append(
            f"  {r.role:<13} {r.model_calls:>5} {r.cache_hits:>6} {r.prompt_tokens:>7} "
            f"{r.completion_tokens:>7} {r.usd:>8.4f} {r.seconds:>6.2f}"
        )
    return "\n".join(rows)
