"""Run a batch: plan it (skip what is already done), run the rest concurrently, stop cleanly on
Ctrl-C or when the shared budget is reached, and return one result per input.

Offline the kernel is CPU-bound, so items run in worker processes (one per core by default).
With a model the work waits on the network, so items run in threads (many in flight), each with
its own ChatModel but one shared Budget and one shared rate limiter.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from agents.errors import ConfigError
from agents.llm import Budget, ChatModel, price_for
from agents.requirements import MAX_BYTES
from agents.settings import Settings

from .executors import (
    ModelFactory,
    ProcessRunner,
    Runner,
    ThreadRunner,
    sigterm_as_interrupt,
    usable_cores,
)
from .index import BatchSummary, read_summary, write_overview
from .inputs import BatchInput
from .limits import BudgetSignal, RateLimiter
from .naming import item_dir, unique_names
from .progress import Progress
from .records import ItemResult, fingerprint, finished_result, output_key
from .worker import ItemTask

DEFAULT_MODEL_JOBS = 8
LOCK_NAME = ".designcrew-batch.lock"


@dataclass
class BatchOptions:
    """How the batch runs (what the CLI flags say)."""

    out_dir: Path
    jobs: int | None = None  # None: one per core offline, DEFAULT_MODEL_JOBS with a model
    force: bool = False
    retry_failed: bool = False
    budget_usd: float | None = None  # the cap for the whole batch
    rpm: float | None = None
    tpm: float | None = None
    debug: bool = False
    quiet: bool = False


@dataclass
class BatchOutcome:
    """What a batch did: the summary written to the output folder, and where."""

    summary: BatchSummary
    paths: dict[str, Path]

    @property
    def exit_status(self) -> int:
        """130 interrupted, 1 any item failed, 3 stopped by the budget or incomplete, else 0."""
        counts = self.summary.counts()
        if self.summary.interrupted:
            return 130
        if counts["failed"]:
            return 1
        if counts["incomplete"] or (self.summary.budget_reached and counts["not_run"]):
            return 3
        return 0


@dataclass
class PlannedItem:
    """An input with its task and, when it needs no run, the result it already has."""

    task: ItemTask
    previous: ItemResult | None = None


def plan_batch(
    inputs: Sequence[BatchInput], settings: Settings, options: BatchOptions
) -> list[PlannedItem]:
    """Name every input, fingerprint it, and find the ones whose outputs are current."""
    names = unique_names(i.raw_name for i in inputs)
    failed_before = _failed_names(options) if options.retry_failed else None
    planned = []
    for inp, name in zip(inputs, names, strict=True):
        item_dir(options.out_dir, name)  # raises if a name could escape (never by construction)
        item_settings = replace(
            settings,
            max_revisions=int(inp.overrides.get("max_revisions", settings.max_revisions)),
            budget_usd=inp.overrides.get("budget"),  # the row's own cap; the batch's is shared
        )
        fp = fingerprint(_input_bytes(inp), output_key(item_settings), inp.title)
        task = ItemTask(
            name=name,
            source=inp.source,
            root=options.out_dir,
            settings=item_settings,
            fingerprint=fp,
            path=inp.path,
            text=inp.text,
            title=inp.title,
            error=inp.error,
            force=options.force,
            debug=options.debug,
        )
        selected = failed_before is None or name in failed_before
        previous = None
        if not (options.force and selected):
            previous = finished_result(task.folder, fp)
        if previous is not None:
            previous = replace(previous, reused=True, source=inp.source, name=name)
        elif not selected:
            previous = task.not_run("not selected: --retry-failed reruns only failed items")
        planned.append(PlannedItem(task, previous))
    return planned


def _failed_names(options: BatchOptions) -> set[str]:
    return {item.name for item in read_summary(options.out_dir) if item.status == "failed"}


def _input_bytes(inp: BatchInput) -> bytes:
    """What the fingerprint hashes: the file's bytes or the row's text."""
    if inp.path is not None:
        try:
            if inp.path.stat().st_size > MAX_BYTES:
                return f"too large: {inp.path.stat().st_size}".encode()
            return inp.path.read_bytes()
        except OSError as exc:
            return f"unreadable: {exc}".encode()
    return (inp.text or inp.error or "").encode("utf-8", "surrogatepass")


def run_batch(
    inputs: Sequence[BatchInput],
    settings: Settings,
    options: BatchOptions,
    *,
    model_factory: ModelFactory | None = None,
    stream: TextIO | None = None,
    tty: bool | None = None,
) -> BatchOutcome:
    """Run every input not already done; write summary.json, index.md and index.html."""
    with _exclusive(options.out_dir):
        return _run_locked(inputs, settings, options, model_factory, stream, tty)


def _run_locked(
    inputs: Sequence[BatchInput],
    settings: Settings,
    options: BatchOptions,
    model_factory: ModelFactory | None,
    stream: TextIO | None,
    tty: bool | None,
) -> BatchOutcome:
    started = time.monotonic()
    if settings.model is not None and model_factory is None:
        price_for(settings.model.model, settings.model)  # an unpriced model fails before any run
    planned = plan_batch(inputs, settings, options)
    todo = [p.task for p in planned if p.previous is None]
    use_threads = settings.model is not None or model_factory is not None
    jobs = options.jobs or (DEFAULT_MODEL_JOBS if use_threads else usable_cores())
    budget = Budget(options.budget_usd)
    budget_signal = BudgetSignal()
    progress = Progress(
        len(todo),
        reused=sum(1 for p in planned if p.previous is not None and p.previous.reused),
        jobs=jobs,
        stream=stream,
        tty=tty,
        quiet=options.quiet,
        spent=(lambda: budget.spent_usd) if use_threads else None,
    )
    if use_threads:
        runner: Runner = ThreadRunner(
            jobs, budget, budget_signal, _limiter(options), model_factory or _default_factory
        )
    else:
        runner = ProcessRunner(jobs, settings.kb_dirs)
    with sigterm_as_interrupt():
        results, interrupted = runner.run(todo, progress)
    progress.close()
    budget_reached = budget_signal.is_set() or (
        budget.remaining_usd is not None and budget.remaining_usd <= 0
    )
    items = []
    for plan in planned:
        result = plan.previous or results.get(plan.task.name)
        if result is None:
            why = (
                "not started: the batch was interrupted"
                if interrupted
                else f"not started: the batch budget (${options.budget_usd:.2f}) was reached"
                if budget_reached and options.budget_usd is not None
                else "not started"
            )
            result = plan.task.not_run(why)
        items.append(result)
    summary = BatchSummary(
        items=items,
        model=settings.model_label,
        jobs=jobs,
        budget_usd=options.budget_usd,
        spent_usd=budget.spent_usd,
        wall_seconds=time.monotonic() - started,
        interrupted=interrupted,
        budget_reached=budget_reached,
    )
    options.out_dir.mkdir(parents=True, exist_ok=True)
    return BatchOutcome(summary, write_overview(options.out_dir, summary))


@contextmanager
def _exclusive(out_dir: Path) -> Iterator[None]:
    """One batch at a time per output folder (two would redo and overwrite each other)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here
        yield
        return
    with open(out_dir / LOCK_NAME, "a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(f"another batch is writing to {out_dir}; wait for it") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _limiter(options: BatchOptions) -> RateLimiter | None:
    if options.rpm is None and options.tpm is None:
        return None
    return RateLimiter(options.rpm, options.tpm)


def _default_factory(settings: Settings, budget: Budget) -> ChatModel:
    from agents.llm import make_model

    return make_model(settings, budget=budget)
