"""Scheduling: a worker process that dies fails only the item that killed it."""

from __future__ import annotations

import os
from concurrent.futures import Executor, Future
from pathlib import Path

from agents.settings import Settings
from app.batch.executors import ProcessRunner
from app.batch.progress import Progress
from app.batch.records import ItemResult
from app.batch.worker import ItemTask


def fake_item(task: ItemTask) -> ItemResult:
    """Stands in for a design: instant, except 'crash' kills its worker process."""
    if task.name == "crash":
        os._exit(1)
    return ItemResult(name=task.name, source=task.source, status="done", seconds=0.01)


class FakeItemRunner(ProcessRunner):
    def submit(self, pool: Executor, task: ItemTask) -> Future[ItemResult]:
        return pool.submit(fake_item, task)


def _task(name: str, tmp_path: Path) -> ItemTask:
    return ItemTask(
        name=name, source=f"{name}.md", root=tmp_path, settings=Settings(), fingerprint="0" * 64
    )


def test_a_crashing_item_fails_alone_and_the_others_finish(tmp_path: Path) -> None:
    names = ["a", "b", "crash", "c", "d"]
    runner = FakeItemRunner(jobs=2, kb_dirs=[])
    progress = Progress(len(names), quiet=True)
    results, interrupted = runner.run([_task(n, tmp_path) for n in names], progress)
    assert not interrupted
    assert {n: r.status for n, r in results.items()} == {
        "a": "done",
        "b": "done",
        "crash": "failed",
        "c": "done",
        "d": "done",
    }
    assert results["crash"].reason == "its worker process crashed (killed, or out of memory)"
    assert (progress.done, progress.failed, progress.running) == (4, 1, 0)
