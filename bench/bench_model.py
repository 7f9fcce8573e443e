"""Benchmark: the crew with a model, against the local fake OpenAI-compatible server.

    .venv/bin/python bench/bench_model.py [--latency 0] [--examples examples]

Per design: model calls, prompt tokens and completion tokens that crossed the wire (counted by
tiktoken on the request bodies the server recorded), and wall time with the given server
latency (default zero); then the same design again, served from the reply cache.
The fake model echoes each role's draft back, so every reply verifies (one call per role per
round) — the figures are the pipeline's own overhead and token volume, not a model's.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))


def echo_draft(body: dict[str, Any]) -> dict[str, Any]:
    """Reply with the draft the prompt carries (a model that agrees with the kernel)."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    match = re.search(r"<draft>(.*?)</draft>", user, re.DOTALL)
    return dict(json.loads(match.group(1))) if match else {}


def main() -> None:
    from fake_openai_server import TEST_KEY, FakeOpenAIServer, valid

    from agents.api import run_design
    from agents.llm import ModelConfig, count_text_tokens
    from agents.requirements import read_requirements
    from agents.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.0, help="server latency per call, s")
    parser.add_argument("--examples", type=Path, default=REPO / "examples")
    args = parser.parse_args()
    print(
        f"{'example':<22}{'calls':>6}{'prompt tok':>11}{'compl. tok':>11}{'wall s':>8}"
        f"{'cached calls':>13}{'cached s':>9}"
    )
    totals = [0, 0, 0]
    with tempfile.TemporaryDirectory() as tmp, FakeOpenAIServer(latency_s=args.latency) as server:
        server.default = valid(echo_draft)
        config = ModelConfig(model="gpt-4o-mini", base_url=server.base_url, api_key=TEST_KEY)
        settings = Settings(model=config, home=Path(tmp))
        for path in sorted(args.examples.glob("*.md")):
            requirements = read_requirements(str(path))
            before = server.calls
            started = time.perf_counter()
            run_design(requirements, settings)
            wall = time.perf_counter() - started
            bodies = server.requests[before:]
            prompt = sum(server.wire_prompt_tokens()[before:])
            completion = 0
            for body in bodies:
                completion += count_text_tokens(json.dumps(echo_draft(body)), "gpt-4o-mini")
            calls = server.calls - before
            before_cached = server.calls
            started = time.perf_counter()
            run_design(requirements, settings)
            cached_wall = time.perf_counter() - started
            print(
                f"{path.name:<22}{calls:>6}{prompt:>11,}{completion:>11,}{wall:>8.2f}"
                f"{server.calls - before_cached:>13}{cached_wall:>9.2f}"
            )
            totals = [totals[0] + calls, totals[1] + prompt, totals[2] + completion]
    print(f"{'total':<22}{totals[0]:>6}{totals[1]:>11,}{totals[2]:>11,}")


if __name__ == "__main__":
    main()
