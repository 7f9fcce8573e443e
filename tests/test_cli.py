"""The `designcrew design` command: outputs, stdin, progress lines, bad input, kill -9 resume."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import EXAMPLES, REPO

from agents.artefacts import DesignDoc
from app.cli import main

PASTEBIN = next(p for p in EXAMPLES if p.name == "pastebin.md")


def test_design_writes_markdown_html_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pastebin"
    assert main(["design", str(PASTEBIN), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert {p.name for p in out.iterdir()} >= {"design.md", "design.html", "design.json"}
    doc = DesignDoc.model_validate_json((out / "design.json").read_text(encoding="utf-8"))
    assert doc.scope.archetype == "pastebin"
    # run id first, then one line per role start and finish with its time
    assert re.search(r"run \d{8}-\d{6}-[0-9a-f]{6} \(offline\)", captured.err)
    for role in ("scoper", "architect", "cost_analyst", "reviewer", "writer"):
        assert re.search(rf"✓ {role}\b.* \d+\.\d\d s", captured.err), role
        assert f"… {role}" in captured.err
    assert str(out / "design.md") in captured.out


def test_design_reads_standard_input(tmp_path: Path) -> None:
    out = tmp_path / "stdin"
    proc = subprocess.run(
        [sys.executable, "-m", "app.cli", "design", "-", "-o", str(out), "-q"],
        input="Design a URL shortener like bit.ly",
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    doc = DesignDoc.model_validate_json((out / "design.json").read_text(encoding="utf-8"))
    assert doc.scope.archetype == "url_shortener"
    assert doc.requirements.source == "-"


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    cases: dict[str, tuple[bytes, str]] = {
        "empty": (b"   \n\n", "empty"),
        "binary": (b"\x00\x01\x02\x89PNG\r\n\x1a\n" * 50, "binary"),
        "not-utf8": ("Design a pastebin für 10M users".encode("latin-1"), "UTF-8"),
        "huge": (b"Design a pastebin. " * (20 * 1024 * 1024 // 19), "MB"),
        "front-matter": (b"---\ntitle: [unclosed\ndau: 10M\n---\nA pastebin\n", "front matter"),
        "negative-users": (b"A pastebin for -5M users", "-5M"),
        "absurd-qps": (b"A key-value store serving 10^30 QPS", "10^30"),
    }
    paths: dict[str, tuple[Path, str]] = {}
    for name, (data, expected) in cases.items():
        path = tmp_path / f"{name}.md"
        path.write_bytes(data)
        paths[name] = (path, expected)
    paths["missing"] = (tmp_path / "nope.md", "nope.md")
    return paths


@pytest.mark.parametrize(
    "case",
    [
        "empty",
        "binary",
        "not-utf8",
        "huge",
        "front-matter",
        "negative-users",
        "absurd-qps",
        "missing",
    ],
)
def test_bad_input_gets_one_line_and_non_zero_exit(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, expected = _bad_inputs(tmp_path)[case]
    status = main(["design", str(path), "-o", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err
    assert status != 0
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert expected.lower() in lines[0].lower()
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("")
    from agents.errors import InputError

    with pytest.raises(InputError):
        main(["design", str(empty), "--debug"])


def test_resume_of_unknown_run_fails_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["design", "--resume", "20990101-000000-abcdef"]) == 2
    assert "no run with id" in capsys.readouterr().err


_BLOCKING_RUN = """
import sys, threading
import agents.graph.nodes as nodes
def blocked(*args, **kwargs):
    threading.Event().wait()  # hangs until the test kills the process
nodes.review_design = blocked
from app.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_run_killed_with_sigkill_resumes_where_it_stopped(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", _BLOCKING_RUN, "design", str(PASTEBIN), "-o", str(out)],
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=env,
    )
    assert proc.stderr is not None
    run_id = ""
    seen: list[str] = []
    for line in proc.stderr:  # bounded: the process blocks once the reviewer starts
        seen.append(line)
        if match := re.search(r"--resume (\S+)", line):
            run_id = match.group(1)
        if "… reviewer" in line:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert run_id, "".join(seen)
    assert not out.exists()
    resumed = subprocess.run(
        [sys.executable, "-m", "app.cli", "design", "--resume", run_id],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "… scoper" not in resumed.stderr and "… architect\n" not in resumed.stderr
    assert "… reviewer" in resumed.stderr
    doc = json.loads((out / "design.json").read_text(encoding="utf-8"))
    runs = {r["role"]: r["runs"] for r in doc["stats"]["roles"]}
    assert runs["scoper"] == 1 and runs["cost_analyst"] >= 1
    assert doc["stats"]["run_id"] == run_id
