"""Where batch items run: worker processes offline (the kernel is CPU-bound), daemon threads
with a model (the work waits on the network). Both keep at most `jobs` items in flight, stop
starting items on Ctrl-C (or when the shared budget is reached), and turn a worker process that
died into a retry of its items one at a time, so only the item that kills a worker fails.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from agents.errors import DesignCrewError
from agents.llm import Budget, ChatModel
from agents.settings import Settings

from .limits import BatchModel, BudgetSignal, ItemBudget, RateLimiter
from .progress import Progress
from .records import ItemResult
from .threads import DaemonThreadPool
from .worker import INTERRUPTED, ItemTask, init_process, run_item, run_item_in_process

_POLL_S = 0.5

# (item settings, the Budget its calls must reserve from) -> the item's model
ModelFactory = Callable[[Settings, Budget], ChatModel]


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
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


class Runner:
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
                        broken = not self._fill(pool, pending, solo, in_flight, workers, progress)
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
    ) -> bool:
        """Start items up to `workers` in flight; False if the pool turned out to be broken."""
        if solo:
            if not in_flight and self.can_start():
                return self._start(pool, solo, True, in_flight, progress)
            return True
        while pending and len(in_flight) < workers and self.can_start():
            if not self._start(pool, pending, False, in_flight, progress):
                return False
        return True

    def _start(
        self,
        pool: Executor,
        queue: deque[ItemTask],
        alone: bool,
        in_flight: dict[Future[ItemResult], tuple[ItemTask, bool]],
        progress: Progress,
    ) -> bool:
        task = queue.popleft()
        try:
            future = self.submit(pool, task)
        except BrokenProcessPool:  # a worker died since the last look: not this item's fault
            queue.appendleft(task)
            return False
        in_flight[future] = (task, alone)
        progress.started_item()
        return True

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


class ProcessRunner(Runner):
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


def usable_cores() -> int:
    """CPU cores this process may use (the affinity mask in a container, else the count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class ThreadRunner(Runner):
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
