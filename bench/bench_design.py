"""Benchmark: median wall time and peak memory of one offline design, per example and for all
examples in one process.

    .venv/bin/python bench/bench_design.py [--repeat 5] [--examples examples]

Each example runs in its own process (so its peak RSS is its own); the last line runs every
example in one process. Times cover the whole job of `designcrew design`: the graph (five
roles, review loop, SQLite checkpoints) and writing design.md/html/json (diagram rendering).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _one_design(path: Path, out_dir: Path, home: Path) -> tuple[float, float]:
    """(graph seconds, writing seconds) of one design."""
    from agents.api import run_design
    from agents.requirements import read_requirements
    from agents.settings import Settings
    from agents.writer import write_outputs

    started = time.perf_counter()
    doc = run_design(read_requirements(str(path)), Settings(home=home))
    graph_done = time.perf_counter()
    write_outputs(doc, out_dir)
    return graph_done - started, time.perf_counter() - graph_done


def _child(paths: list[Path], repeat: int) -> None:
    """Run inside a subprocess: print JSON with timings and peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        results = []
        for path in paths:
            runs = [
                _one_design(path, Path(tmp) / f"{path.stem}-{i}", Path(tmp) / "home")
                for i in range(repeat)
            ]
            results.append(
                {
                    "example": path.name,
                    "graph_s": statistics.median(r[0] for r in runs),
                    "write_s": statistics.median(r[1] for r in runs),
                    "total_s": statistics.median(r[0] + r[1] for r in runs),
                    "first_total_s": runs[0][0] + runs[0][1],
                }
            )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"results": results, "peak_mb": peak_mb}))


def _run_child(paths: list[Path], repeat: int) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--child", "--repeat", str(repeat), *map(str, paths)]
    started = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=REPO).stdout
    data: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    data["process_s"] = time.perf_counter() - started
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--examples", type=Path, default=REPO / "examples")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.paths, args.repeat)
        return
    examples = sorted(args.examples.glob("*.md"))
    print(
        f"{'example':<24}{'median s':>10}{'graph s':>9}{'write s':>9}{'1st run s':>10}"
        f"{'peak MB':>9}"
    )
    for path in examples:
        data = _run_child([path], args.repeat)
        row = data["results"][0]  # type: ignore[index]
        print(
            f"{path.name:<24}{row['total_s']:>10.3f}{row['graph_s']:>9.3f}"
            f"{row['write_s']:>9.3f}{row['first_total_s']:>10.3f}{data['peak_mb']:>9.0f}"
        )
    data = _run_child(examples, 1)
    total = sum(r["total_s"] for r in data["results"])  # type: ignore[union-attr]
    print(
        f"all {len(examples)} examples in one process: {total:.2f} s of design work "
        f"({data['process_s']:.2f} s with interpreter start-up), peak {data['peak_mb']:.0f} MB"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
