"""Benchmark of `designcrew batch`: throughput offline, concurrency against a slow model.

    .venv/bin/python bench/bench_batch.py [--count 200] [--jobs 1 2]
                                          [--model-count 40] [--model-jobs 1 16] [--latency 1.0]
                                          [--skip-offline] [--skip-model]

Offline: `--count` requirement files generated from examples/ (each example with its numbers
scaled by a different factor, so every design differs) run through the real CLI at each
`--jobs`; prints items/s and the CPU cores kept busy (CPU seconds of the command and its worker
processes / wall seconds). Other load on the machine lowers both.

Model: the local fake OpenAI-compatible server (tests/fake_openai_server.py) answers every call
after `--latency` seconds; `--model-count` designs run at each `--model-jobs`; prints the calls
made, the wall time, and the concurrency efficiency = (calls × latency / jobs) / wall.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FACTORS = (1, 2, 3, 5, 0.5, 10, 4, 6, 8, 1.5, 2.5, 7, 0.2, 12, 15, 0.8, 9, 1.2, 3.5, 20)
# a number not inside a word (p99, S3), not a percentage (99.9%) and not a retention in years
# (scaled, 5 years would become an implausible 100)
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?!\s*%)(?![\w.]*\d)(?!\s*years?\b)")


def _scale(text: str, factor: float) -> str:
    def repl(match: re.Match[str]) -> str:
        value = float(match.group(1)) * factor
        return f"{value:.0f}" if value >= 10 or value.is_integer() else f"{value:.1f}"

    return _NUMBER.sub(repl, text)


def generate_requirements(folder: Path, count: int) -> list[Path]:
    """`count` varied requirement files made from examples/*.md."""
    examples = sorted((REPO / "examples").glob("*.md"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        example = examples[i % len(examples)]
        factor = FACTORS[(i // len(examples)) % len(FACTORS)]
        text = _scale(example.read_text(encoding="utf-8"), factor)
        path = folder / f"{i:03d}-{example.stem}-x{factor:g}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def run_cli(inputs: Path, out: Path, jobs: int, home: Path, extra: list[str]) -> dict[str, Any]:
    """Run `designcrew batch` in a subprocess; the summary plus the measured wall time."""
    cmd = [
        sys.executable,
        "-m",
        "app.cli",
        "batch",
        str(inputs),
        "-o",
        str(out),
        "--jobs",
        str(jobs),
        "-q",
        *extra,
    ]
    env = {**os.environ, "DESIGNCREW_HOME": str(home)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(f"batch failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    summary: dict[str, Any] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    summary["measured_wall_s"] = wall
    # CPU of the CLI and every worker process it reaped (fork start: workers are its children)
    summary["cpu_s"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary["exit_status"] = proc.returncode
    return summary


def bench_offline(tmp: Path, count: int, jobs_list: list[int]) -> None:
    inputs = tmp / "offline-inputs"
    generate_requirements(inputs, count)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"offline: {count} generated requirement files, {os.cpu_count()} CPU core(s), "
        f"load average before {load:.1f}"
    )
    first_rate = None
    for jobs in jobs_list:
        summary = run_cli(inputs, tmp / f"offline-out-{jobs}", jobs, tmp / f"home-{jobs}", [])
        wall = summary["measured_wall_s"]
        counts = summary["counts"]
        rate = counts["done"] / wall
        cores_used = summary["cpu_s"] / wall
        first_rate = first_rate or rate
        print(
            f"  --jobs {jobs:<3} {counts['done']} done, {counts['failed']} failed; "
            f"wall {wall:6.1f} s (whole command) / {summary['wall_seconds']:6.1f} s (batch); "
            f"{rate:5.2f} items/s; CPU {summary['cpu_s']:6.1f} s = {cores_used:4.2f} cores busy; "
            f"speed-up x{rate / first_rate:.2f}"
        )


def bench_model(tmp: Path, count: int, jobs_list: list[int], latency: float) -> None:
    sys.path.insert(0, str(REPO / "tests"))
    from fake_openai_server import FakeOpenAIServer

    inputs = tmp / "model-inputs"
    generate_requirements(inputs, count)
    print(
        f"model: {count} designs against the fake OpenAI-compatible server, {latency:g} s per call"
    )
    with FakeOpenAIServer(latency_s=latency) as server:
        for jobs in jobs_list:
            before = server.calls
            summary = run_cli(
                inputs,
                tmp / f"model-out-{jobs}",
                jobs,
                tmp / f"model-home-{jobs}",
                ["--model", "gpt-4o-mini", "--base-url", server.base_url, "--no-cache"],
            )
            calls = server.calls - before
            wall = summary["wall_seconds"]
            ideal = calls * latency / jobs
            counts = summary["counts"]
            print(
                f"  --jobs {jobs:<3} {counts['done']} done, {counts['failed']} failed, "
                f"{counts['incomplete']} incomplete; {calls} calls; wall {wall:6.1f} s "
                f"(ideal (calls/jobs)×latency {ideal:6.1f} s); efficiency {ideal / wall:4.0%}; "
                f"CPU {summary['cpu_s']:.1f} s; ${summary['totals']['usd']:.4f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--model-count", type=int, default=40)
    parser.add_argument("--model-jobs", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--skip-offline", action="store_true")
    parser.add_argument("--skip-model", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp_name:
        tmp = Path(tmp_name)
        if not args.skip_offline:
            bench_offline(tmp, args.count, args.jobs)
        if not args.skip_model:
            bench_model(tmp, args.model_count, args.model_jobs, args.latency)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
