"""Run one batch item: read its requirements, design it (or resume it from its checkpoint),
write its files, and mark it finished. Never raises for the item's own faults: whatever goes
wrong becomes a failed ItemResult with a one-line reason, so one item never stops the others.

Runs in a worker process (offline: the kernel is CPU-bound) or a worker thread (with a model).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from agents.api import ProgressEvent, run_design, run_exists
from agents.artefacts import Requirements
from agents.errors import DesignCrewError
from agents.llm import ChatModel
from agents.requirements import parse_requirements, read_requirements
from agents.settings import Settings

from .records import (
    CHECKPOINT_DIR,
    ItemResult,
    clear_sidecar,
    result_from_doc,
    run_id_for,
    write_sidecar,
)

MAX_REASON_CHARS = 500  # a reason is one line of a table, not a traceback
INTERRUPTED = "interrupted before it finished; the next run resumes it from its checkpoint"


class StopFlag(Protocol):
    """threading.Event or multiprocessing.Event: set when the batch is stopping."""

    def is_set(self) -> bool: ...


class ItemCancelled(Exception):
    """The batch is stopping: the item ends at a role boundary (its checkpoint is kept)."""


@dataclass(frozen=True)
class ItemTask:
    """Everything a worker needs to design one item (picklable for worker processes)."""

    name: str
    source: str
    root: Path  # the batch's output folder; the item writes to root/name
    settings: Settings
    fingerprint: str
    path: Path | None = None
    text: str | None = None
    title: str | None = None
    error: str | None = None  # the input could not be read at all (bad row, missing path)
    force: bool = False
    debug: bool = False

    @property
    def folder(self) -> Path:
        """The item's output folder."""
        return self.root / self.name

    @property
    def run_id(self) -> str:
        """Deterministic: the same input and settings resume the same checkpoint thread."""
        return run_id_for(self.fingerprint)

    def failed(self, reason: str, seconds: float = 0.0) -> ItemResult:
        """A failed result for this item."""
        return ItemResult(
            name=self.name,
            source=self.source,
            status="failed",
            reason=_one_line(reason),
            seconds=seconds,
            fingerprint=self.fingerprint,
        )

    def not_run(self, reason: str) -> ItemResult:
        """A result for an item that did not run (or stopped before it finished)."""
        return ItemResult(
            name=self.name,
            source=self.source,
            status="not_run",
            reason=reason,
            fingerprint=self.fingerprint,
        )


def _one_line(text: str, limit: int = MAX_REASON_CHARS) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def checkpoint_file(folder: Path) -> Path:
    """The item's own SQLite checkpoint (parallel items never share a database file)."""
    return folder / CHECKPOINT_DIR / "checkpoint.sqlite"


def run_item(
    task: ItemTask, *, stop: StopFlag | None = None, model: ChatModel | None = None
) -> ItemResult:
    """Design `task` and write its files; the item's result, whatever happens to it."""
    if task.error is not None:
        return task.failed(task.error)
    if stop is not None and stop.is_set():
        return task.not_run("not started: the batch was interrupted")
    started = time.perf_counter()
    try:
        return _design(task, stop, model, started)
    except ItemCancelled:
        return task.not_run(INTERRUPTED)
    except DesignCrewError as exc:
        return task.failed(exc.one_line(), time.perf_counter() - started)
    except Exception as exc:  # a bug or an unexpected fault: this item only
        if task.debug:
            traceback.print_exc(file=sys.stderr)
        return task.failed(f"{type(exc).__name__}: {exc}", time.perf_counter() - started)


def _design(
    task: ItemTask, stop: StopFlag | None, model: ChatModel | None, started: float
) -> ItemResult:
    from agents.writer import write_outputs  # the writer pulls in the diagram renderer

    requirements = _requirements(task)
    folder = task.folder
    folder.mkdir(parents=True, exist_ok=True)
    clear_sidecar(folder)  # from here until the sidecar is rewritten the item is not done
    run_dir = folder / CHECKPOINT_DIR
    if task.force:
        shutil.rmtree(run_dir, ignore_errors=True)
    settings = replace(task.settings, checkpoint_file=checkpoint_file(folder))
    resume = run_exists(settings, task.run_id)
    doc = run_design(
        None if resume else requirements,
        settings,
        run_id=task.run_id,
        on_event=_stopper(stop),
        model=model,
    )
    _check_stop(stop)  # stopping: keep the finished checkpoint, write nothing half-wanted
    paths = write_outputs(doc, folder)
    outputs = {kind: _relative(path, task.root) for kind, path in paths.items()}
    result = result_from_doc(
        doc,
        name=task.name,
        source=task.source,
        seconds=time.perf_counter() - started,
        fingerprint=task.fingerprint,
        outputs=outputs,
    )
    result.resumed = resume
    if result.status == "done":
        _check_stop(stop)  # a batch killed meanwhile must find this item not done
        write_sidecar(folder, result)  # last: only now is the item finished
    # a finished graph (even one stopped by the budget) is not resumed: the next run starts over
    shutil.rmtree(run_dir, ignore_errors=True)
    return result


def _requirements(task: ItemTask) -> Requirements:
    if task.path is not None:
        requirements = read_requirements(str(task.path))
    else:
        requirements = parse_requirements(task.text or "", source=task.source)
    if task.title:
        requirements = requirements.model_copy(update={"title": task.title})
    return requirements


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _check_stop(stop: StopFlag | None) -> None:
    if stop is not None and stop.is_set():
        raise ItemCancelled("the batch is stopping")


def _stopper(stop: StopFlag | None) -> Any:
    """Progress callback that ends the run at the next role boundary once the batch stops."""

    def on_event(event: ProgressEvent) -> None:
        _check_stop(stop)

    return on_event


# --- worker processes (offline) -------------------------------------------------------------

_PARENT_POLL_S = 0.25


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else (the pid was reused)
        return False
    return True


class ProcessStop:
    """A worker process's stop flag: the batch asked to stop, or the batch process is gone.

    A worker's parent is the fork server, which outlives a killed batch while workers hold its
    pipe, so the batch's own pid is watched.
    """

    def __init__(self, event: StopFlag | None, batch_pid: int) -> None:
        self.event = event
        self.batch_pid = batch_pid

    def is_set(self) -> bool:
        """Whether the item should stop at its next step."""
        return (self.event is not None and self.event.is_set()) or not _alive(self.batch_pid)


_process_stop: ProcessStop | None = None


def init_process(stop: StopFlag | None, kb_dirs: list[Path], batch_pid: int) -> None:
    """Pool initializer: Ctrl-C is the parent's to handle; a worker whose batch was killed
    stops instead of finishing items nobody waits for; the knowledge base is loaded once."""
    global _process_stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker inherits the batch's handler
    _process_stop = ProcessStop(stop, batch_pid)
    threading.Thread(target=_exit_with_batch, args=(batch_pid,), daemon=True).start()
    with contextlib.suppress(DesignCrewError):
        from agents.kb import default_kb

        default_kb(kb_dirs)


def _exit_with_batch(batch_pid: int) -> None:
    """The batch process is gone: give the item a moment to stop at a step, then exit.
    The item in progress resumes from its checkpoint on the next run."""
    while _alive(batch_pid):
        time.sleep(_PARENT_POLL_S)
    time.sleep(_PARENT_POLL_S)
    os._exit(70)


def run_item_in_process(task: ItemTask) -> ItemResult:
    """Entry point of a worker process."""
    return run_item(task, stop=_process_stop)
