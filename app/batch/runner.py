"""Run a batch: plan it (skip what is already done), run the rest concurrently, stop cleanly on
Ctrl-C or when the shared budget is reached, and return one result per input.

Offline the kernel is CPU-bound, so items run in worker processes (one per core by default).
With a model the work waits on the network, so items run in threads (many in flight), each with
its own ChatModel but one shared Budget and one shared rate limiter.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from agents.errors import DesignCrewError
from agents.llm import Budget, ChatModel, price_for
from agents.requirements import MAX_BYTES
from agents.settings import Settings

from .index import BatchSummary, read_summary, write_overview
from .inputs import BatchInput
from .limits import BatchModel, BudgetSignal, ItemBudget, RateLimiter
from .naming import item_dir, unique_names
from .progress import Progress
from .records import ItemResult, fingerprint, finished_result, output_key
from .threads import DaemonThreadPool
from .worker import INTERRUPTED, ItemTask, init_process, run_item, run_item_in_process

DEFAULT_MODEL_JOBS = 8
_POLL_S = 0.5

# (item settings, the Budget its calls must reserve from) -> the item's model
ModelFactory = Callable[[Settings, Budget], ChatModel]


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
    started = time.monotonic()
    if settings.model is not None and model_factory is None:
        price_for(settings.model.model, settings.model)  # an unpriced model fails before any run
    planned = plan_batch(inputs, settings, options)
    todo = [p.task for p in planned if p.previous is None]
    use_threads = settings.model is not None or model_factory is not None
    jobs = options.jobs or (DEFAULT_MODEL_JOBS if use_threads else os.cpu_count() or 1)
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
        runner: _Runner = _ThreadRunner(
            jobs, budget, budget_signal, _limiter(options), model_factory or _default_factory
        )
    else:
        runner = _ProcessRunner(jobs, settings.kb_dirs)
    with _sigterm_as_interrupt():
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


def _limiter(options: BatchOptions) -> RateLimiter | None:
    if options.rpm is None and options.tpm is None:
        return None
    return RateLimiter(options.rpm, options.tpm)


def _default_factory(settings: Settings, budget: Budget) -> ChatModel:
    from agents.llm import make_model

    return make_model(settings, budget=budget)


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C during the batch (stop cleanly, write the summary)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Runner:
    """Keeps up to `jobs` items in flight; the subclasses say where they run."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self.results: dict[str, ItemResult] = {}
        self.stop: Any = threading.Event()

    def can_start(self) -> bool:
        """Whether a new item may start (no stop, budget left)."""
        return not self.stop.is_set()

    def new_pool(self, workers: int) -> Executor:
        raise NotImplementedError

    def submit(self, pool: Executor, task: ItemTask) -> Future[ItemResult]:
        raise NotImplementedError

    def abandon(self, pool: Executor) -> None:
        """Give up on items in flight (a second Ctrl-C)."""
        pool.shutdown(wait=False, cancel_futures=True)

    def run(self, tasks: list[ItemTask], progress: Progress) -> tuple[dict[str, ItemResult], bool]:
        """Run `tasks`; (results by item name, whether the batch was interrupted)."""
        if not tasks:
            return self.results, False
        pending = deque(tasks)
        solo: deque[ItemTask] = deque()  # in flight when a worker process died: rerun alone
        in_flight: dict[Future[ItemResult], tuple[ItemTask, bool]] = {}
        workers = min(self.jobs, len(tasks))
        pool = self.new_pool(workers)
        broken = False
        interrupts = 0
        try:
            while in_flight or ((pending or solo) and self.can_start()):
                try:
                    if broken and not in_flight:
                        pool.shutdown(wait=False, cancel_futures=True)
                        pool, broken = self.new_pool(workers), False
                    if not broken:
                        self._fill(pool, pending, solo, in_flight, workers, progress)
                    if not in_flight:
                        continue
                    done, _ = wait(in_flight, timeout=_POLL_S, return_when=FIRST_COMPLETED)
                    for future in done:
                        task, alone = in_flight[future]
                        result = self._outcome(future, task, alone)
                        if result is None:  # its worker process died: retry it alone
                            broken = True
                            solo.append(task)
                            del in_flight[future]
                            progress.running = max(0, progress.running - 1)
                            continue
                        self.results[task.name] = result
                        del in_flight[future]
                        progress.finished_item(result)
                    progress.refresh()
                except KeyboardInterrupt:
                    interrupts += 1
                    self.stop.set()
                    if interrupts >= 2:
                        self.abandon(pool)
                        for task, _alone in in_flight.values():
                            self.results[task.name] = task.not_run(INTERRUPTED)
                        in_flight.clear()
                        break
                    progress.note(
                        f"stopping: {len(in_flight)} running item(s) end at their next step "
                        "(Ctrl-C again to abandon them; they resume next time)"
                    )
        finally:
            if interrupts < 2:
                pool.shutdown(wait=True, cancel_futures=True)
        return self.results, interrupts > 0

    def _fill(
        self,
        pool: Executor,
        pending: deque[ItemTask],
        solo: deque[ItemTask],
        in_flight: dict[Future[ItemResult], tuple[ItemTask, bool]],
        workers: int,
        progress: Progress,
    ) -> None:
        if solo:
            if not in_flight and self.can_start():
                task = solo.popleft()
                in_flight[self.submit(pool, task)] = (task, True)
                progress.started_item()
            return
        while pending and len(in_flight) < workers and self.can_start():
            task = pending.popleft()
            in_flight[self.submit(pool, task)] = (task, False)
            progress.started_item()

    @staticmethod
    def _outcome(future: Future[ItemResult], task: ItemTask, alone: bool) -> ItemResult | None:
        try:
            return future.result()
        except BrokenProcessPool:
            if alone:
                return task.failed("its worker process crashed (killed, or out of memory)")
            return None
        except Exception as exc:  # run_item never raises; this is a fault of the pool itself
            return task.failed(f"{type(exc).__name__}: {exc}")


class _ProcessRunner(_Runner):
    """Offline: CPU-bound kernel runs, one worker process per job."""

    def __init__(self, jobs: int, kb_dirs: list[Path]) -> None:
        super().__init__(jobs)
        self.context = _process_context()
        self.stop = self.context.Event()
        self.kb_dirs = list(kb_dirs)

    def new_pool(self, workers: int) -> Executor:
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=self.context,
            initializer=init_process,
            initargs=(self.stop, self.kb_dirs, os.getpid()),
        )

    def submit(self, pool: Executor, task: ItemTask) -> Future[ItemResult]:
        return pool.submit(run_item_in_process, task)

    def abandon(self, pool: Executor) -> None:
        processes = dict(getattr(pool, "_processes", None) or {})
        for process in processes.values():
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)


def _process_context() -> Any:
    """fork when this process runs a single thread (the CLI): workers start at once and inherit
    the loaded knowledge base. Otherwise (a host app with threads, where fork can deadlock)
    forkserver, whose server preloads designcrew once; spawn where neither exists."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["app.batch.worker"])
        return context
    return multiprocessing.get_context("spawn")


class _ThreadRunner(_Runner):
    """With a model: I/O-bound runs in threads sharing one Budget and one rate limiter."""

    def __init__(
        self,
        jobs: int,
        budget: Budget,
        budget_signal: BudgetSignal,
        limiter: RateLimiter | None,
        factory: ModelFactory,
    ) -> None:
        super().__init__(jobs)
        self.budget = budget
        self.budget_signal = budget_signal
        self.limiter = limiter
        self.factory = factory

    def can_start(self) -> bool:
        remaining = self.budget.remaining_usd
        return (
            not self.stop.is_set()
            and not self.budget_signal.is_set()
            and (remaining is None or remaining > 0)
        )

    def new_pool(self, workers: int) -> Executor:
        return DaemonThreadPool(workers)

    def submit(self, pool: Executor, task: ItemTask) -> Future[ItemResult]:
        return pool.submit(self._run_one, task)

    def _run_one(self, task: ItemTask) -> ItemResult:
        if task.error is not None:
            return run_item(task, stop=self.stop)
        try:
            cap = task.settings.budget_usd
            budget = ItemBudget(cap, self.budget) if cap is not None else self.budget
            inner = self.factory(task.settings, budget)
        except DesignCrewError as exc:
            return task.failed(exc.one_line())
        except Exception as exc:
            return task.failed(f"{type(exc).__name__}: {exc}")
        model = BatchModel(inner, self.limiter, self.budget_signal)
        return run_item(task, stop=self.stop, model=model)
