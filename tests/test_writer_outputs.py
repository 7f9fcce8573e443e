"""render_json round-trips; write_outputs writes the three files atomically."""

from __future__ import annotations

from pathlib import Path

import pytest
from writer_fixtures import adversarial_doc, make_doc

from agents.artefacts import DesignDoc
from agents.errors import ConfigError
from agents.writer import render_json, write_outputs


def test_json_round_trips() -> None:
    doc = adversarial_doc()
    text = render_json(doc)
    assert DesignDoc.model_validate_json(text) == doc
    assert text.startswith("{\n  ")


def test_write_outputs_creates_the_directory_and_three_files(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "out"
    paths = write_outputs(make_doc(), out)
    assert set(paths) == {"md", "html", "json"}
    assert [p.name for p in paths.values()] == ["design.md", "design.html", "design.json"]
    assert paths["md"].read_text(encoding="utf-8").startswith("# URL shortener")
    assert paths["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert DesignDoc.model_validate_json(paths["json"].read_text(encoding="utf-8")).title
    assert sorted(p.name for p in out.iterdir()) == ["design.html", "design.json", "design.md"]
    assert paths["md"].stat().st_mode & 0o044  # readable by others, not mkstemp's 0600


def test_rewriting_replaces_the_old_files(tmp_path: Path) -> None:
    write_outputs(make_doc(), tmp_path)
    doc = make_doc()
    doc.title = "Second version"
    paths = write_outputs(doc, tmp_path)
    assert paths["md"].read_text(encoding="utf-8").startswith("# Second version")
    assert not list(tmp_path.glob(".*.tmp"))


def test_an_output_path_that_is_a_file_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="output"):
        write_outputs(make_doc(), blocker / "out")
    with pytest.raises(ConfigError):
        write_outputs(make_doc(), blocker)


def test_a_rendering_failure_leaves_earlier_outputs_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_outputs(make_doc(), tmp_path)
    before = (tmp_path / "design.md").read_text(encoding="utf-8")

    def fail(doc: DesignDoc) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr("agents.writer.outputs.render_html", fail)
    with pytest.raises(RuntimeError):
        write_outputs(make_doc(), tmp_path)
    assert (tmp_path / "design.md").read_text(encoding="utf-8") == before
