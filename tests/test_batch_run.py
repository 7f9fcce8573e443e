"""`designcrew batch` end to end (offline kernel, real worker processes): layout, isolation of a
failing item, skip / --force / --retry-failed, resume after kill -9, and the plan's skip rule."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from agents.settings import Settings
from app.batch import BatchOptions, collect_inputs, plan_batch
from app.batch.records import SIDECAR_NAME, ItemResult, write_sidecar
from app.cli import main

REPO = Path(__file__).resolve().parents[1]
SHORTENER = "Design a URL shortener like bit.ly"
PASTEBIN = "A pastebin: 1M users, 1M new pastes a month, reads 10:1, 99.9% available."
CHAT = "A team chat app for 2M daily users, 99.95% available, messages delivered in order."
POLL_S = 0.05
DEADLINE_S = 90.0


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _summary(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return data


def _statuses(out: Path) -> dict[str, str]:
    return {item["name"]: item["status"] for item in _summary(out)["items"]}


def _stamp(out: Path, name: str) -> int:
    return (out / name / "design.json").stat().st_mtime_ns


def _batch(*argv: str) -> int:
    return main(["batch", *argv, "-q"])


def test_mixed_inputs_unsafe_ids_and_the_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path / "req" / "shortener.md", SHORTENER)
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        json.dumps({"id": "../../etc/passwd", "requirements": PASTEBIN, "max_revisions": 0})
        + "\n"
        + json.dumps({"id": "CON", "requirements": CHAT, "title": "<b>Chat</b>"})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "designs"
    assert _batch(str(tmp_path / "req"), str(rows), "-o", str(out), "--jobs", "2") == 0

    # nothing written outside the output folder, whatever the ids said
    assert {p.name for p in tmp_path.iterdir()} - {"designcrew-home"} == {
        "designs",
        "req",
        "rows.jsonl",
    }
    names = ["shortener", "etc-passwd", "CON-item"]
    assert _statuses(out) == dict.fromkeys(names, "done")
    for name in names:
        folder = out / name
        assert {"design.md", "design.html", "design.json", SIDECAR_NAME} <= {
            p.name for p in folder.iterdir()
        }
        assert not (folder / ".run").exists()  # checkpoints go once the item is finished
    pastebin = json.loads((out / "etc-passwd" / "design.json").read_text(encoding="utf-8"))
    assert pastebin["architecture"]["revision"] == 0  # the row's max_revisions: 0

    summary = _summary(out)
    assert summary["counts"]["done"] == 3 and summary["failed"] == []
    item = summary["items"][1]
    assert item["source"] == f"{rows}:1" and item["components"] > 0 and item["verdict"]
    assert item["outputs"] == {
        "md": "etc-passwd/design.md",
        "html": "etc-passwd/design.html",
        "json": "etc-passwd/design.json",
    }
    index_html = (out / "index.html").read_text(encoding="utf-8")
    index_md = (out / "index.md").read_text(encoding="utf-8")
    for name in names:
        assert f'<a href="{name}/design.html">{name}</a>' in index_html
        assert f"[{name}]({name}/design.md)" in index_md
    stdout = capsys.readouterr().out
    assert "3 items: 3 done" in stdout and "etc-passwd" in stdout


def test_failing_item_is_isolated_then_skip_retry_failed_and_force(tmp_path: Path) -> None:
    req, out = tmp_path / "req", tmp_path / "designs"
    _write(req / "good.md", SHORTENER)
    _write(req / "empty.md", "   \n")
    (req / "binary.md").write_bytes(b"\x00\x01\x02 not text")
    assert _batch(str(req), "-o", str(out), "--jobs", "2") == 1
    summary = _summary(out)
    assert _statuses(out) == {"binary": "failed", "empty": "failed", "good": "done"}
    reasons = {i["name"]: i["reason"] for i in summary["items"]}
    assert reasons["empty"] == "InputError: requirements are empty: describe the system to design"
    assert reasons["binary"].startswith("InputError: input looks binary")
    assert summary["failed"] == ["binary", "empty"]
    good_stamp = _stamp(out, "good")

    # the same command again: the done item is not redone, the failed ones are retried
    assert _batch(str(req), "-o", str(out)) == 1
    assert _stamp(out, "good") == good_stamp
    assert [i["reused"] for i in _summary(out)["items"]] == [False, False, True]

    # fix one failed input, add a new one: --retry-failed reruns only what failed last time
    _write(req / "empty.md", SHORTENER)
    _write(req / "new.md", SHORTENER)
    assert _batch(str(req), "-o", str(out), "--retry-failed") == 1  # binary still fails
    statuses = _statuses(out)
    assert statuses == {"binary": "failed", "empty": "done", "good": "done", "new": "not_run"}
    assert _stamp(out, "good") == good_stamp
    assert not (out / "new").exists()

    # --force redoes done items too
    (req / "binary.md").unlink()
    (req / "new.md").unlink()
    assert _batch(str(req), "-o", str(out), "--force", "--jobs", "2") == 0
    assert _stamp(out, "good") != good_stamp
    assert not any(i["reused"] for i in _summary(out)["items"])
    assert _statuses(out) == {"empty": "done", "good": "done"}


def _wait_for(condition: Any, what: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"batch exited ({proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(POLL_S)


def _checkpointed(folder: Path) -> bool:
    path = folder / ".run" / "checkpoint.sqlite"
    if not path.exists():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.1) as conn:
            return bool(conn.execute("select count(*) from checkpoints").fetchone()[0])
    except sqlite3.Error:
        return False


def _group_gone(pgid: int) -> bool:
    """No process of the group is still running (exited ones may wait to be reaped)."""
    proc_root = Path("/proc")
    if not proc_root.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        return False
    for stat in proc_root.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in ("Z", "X"):
            return False
    return True


def test_batch_killed_mid_run_resumes_and_keeps_finished_items(tmp_path: Path) -> None:
    req, out = tmp_path / "req", tmp_path / "designs"
    for name, text in (("a", SHORTENER), ("b", PASTEBIN), ("c", CHAT)):
        _write(req / f"{name}.md", text)
    cmd = [sys.executable, "-m", "app.cli", "batch", str(req), "-o", str(out), "--jobs", "1", "-q"]
    proc = subprocess.Popen(
        cmd,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, to wait for its workers to exit
    )
    try:
        _wait_for(lambda: (out / "a" / SIDECAR_NAME).exists(), "the first item", proc)
        _wait_for(lambda: _checkpointed(out / "b"), "the second item's checkpoint", proc)
        proc.send_signal(signal.SIGKILL)  # the batch process only: its workers must notice
        proc.wait(timeout=DEADLINE_S)
        deadline = time.monotonic() + DEADLINE_S
        while not _group_gone(proc.pid) and time.monotonic() < deadline:
            time.sleep(POLL_S)
        assert _group_gone(proc.pid), "worker processes outlived the killed batch"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert not (out / "summary.json").exists()  # killed: nothing was summarised
    first_stamp = _stamp(out, "a")

    assert _batch(str(req), "-o", str(out), "--jobs", "1") == 0
    summary = _summary(out)
    assert _statuses(out) == {"a": "done", "b": "done", "c": "done"}
    by_name = {i["name"]: i for i in summary["items"]}
    assert by_name["a"]["reused"] is True and _stamp(out, "a") == first_stamp
    assert by_name["b"]["resumed"] is True  # continued from its checkpoint
    assert by_name["c"]["resumed"] is False


def test_ctrl_c_stops_cleanly_writes_the_summary_and_the_next_run_finishes(
    tmp_path: Path,
) -> None:
    req, out = tmp_path / "req", tmp_path / "designs"
    for name, text in (("a", SHORTENER), ("b", PASTEBIN), ("c", CHAT)):
        _write(req / f"{name}.md", text)
    cmd = [sys.executable, "-m", "app.cli", "batch", str(req), "-o", str(out), "--jobs", "1", "-q"]
    proc = subprocess.Popen(
        cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_for(lambda: (out / "a" / SIDECAR_NAME).exists(), "the first item", proc)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=DEADLINE_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, stderr
    summary = _summary(out)
    assert summary["interrupted"] is True
    statuses = _statuses(out)
    assert statuses["a"] == "done" and "not_run" in statuses.values()
    assert "run the same command to continue" in stderr

    assert _batch(str(req), "-o", str(out), "--jobs", "1") == 0
    assert _statuses(out) == {"a": "done", "b": "done", "c": "done"}
    assert _summary(out)["items"][0]["reused"] is True


def test_plan_skips_only_when_input_and_settings_match(tmp_path: Path) -> None:
    req, out = tmp_path / "req", tmp_path / "designs"
    _write(req / "a.md", SHORTENER)
    options = BatchOptions(out_dir=out)
    (plan,) = plan_batch(collect_inputs([str(req)]), Settings(), options)
    assert plan.previous is None and plan.task.run_id.startswith("batch-")
    # pretend it finished: outputs and the sidecar with this fingerprint
    folder = out / "a"
    for kind in ("md", "html", "json"):
        _write(folder / f"design.{kind}", "x")
    outputs = {kind: f"a/design.{kind}" for kind in ("md", "html", "json")}
    write_sidecar(
        folder,
        ItemResult(
            name="a", source="?", status="done", fingerprint=plan.task.fingerprint, outputs=outputs
        ),
    )

    def previous(settings: Settings, **kw: Any) -> ItemResult | None:
        (again,) = plan_batch(collect_inputs([str(req)]), settings, BatchOptions(out, **kw))
        return again.previous

    reused = previous(Settings())
    assert reused is not None and reused.reused and reused.source == str(req / "a.md")
    assert previous(Settings(), force=True) is None
    assert previous(Settings(max_revisions=1)) is None  # a setting that changes the output
    (folder / "design.html").unlink()
    assert previous(Settings()) is None  # an output file is missing
    _write(folder / "design.html", "x")
    _write(req / "a.md", SHORTENER + " with 10M users")
    assert previous(Settings()) is None  # the input changed
