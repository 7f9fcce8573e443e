"""Batch inputs: folders (recursive), globs, single files, JSONL and CSV rows, mixed."""

from __future__ import annotations

import json
from pathlib import Path

from app.batch.inputs import BatchInput, collect_inputs


def _write(path: Path, text: str = "Design a URL shortener like bit.ly") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _names(inputs: list[BatchInput]) -> list[str]:
    return [i.raw_name for i in inputs]


def test_folder_is_searched_recursively_for_requirement_files(tmp_path: Path) -> None:
    root = tmp_path / "req"
    _write(root / "b.md")
    _write(root / "a.txt")
    _write(root / "team" / "deep" / "chat.markdown")
    _write(root / "notes.json", "{}")  # not a requirement suffix
    _write(root / ".draft.md")  # hidden file
    _write(root / ".git" / "x.md")  # hidden folder
    inputs = collect_inputs([str(root)])
    assert _names(inputs) == ["a", "b", "team/deep/chat"]
    assert all(i.path is not None and i.error is None for i in inputs)
    assert inputs[2].source == str(root / "team" / "deep" / "chat.markdown")


def test_output_folder_inside_an_input_folder_is_not_read_back(tmp_path: Path) -> None:
    root = tmp_path / "req"
    _write(root / "a.md")
    _write(root / "designs" / "a" / "design.md", "# Pastebin: system design")
    inputs = collect_inputs([str(root)], out_dir=root / "designs")
    assert _names(inputs) == ["a"]


def test_glob_with_double_star_spans_folders_and_names_are_relative(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    _write(specs / "x.md")
    _write(specs / "d" / "y.md")
    _write(specs / "d" / "z.txt")
    inputs = collect_inputs([f"{specs}/**/*.md"])
    assert _names(inputs) == ["d/y", "x"]
    assert [i.path for i in inputs] == [specs / "d" / "y.md", specs / "x.md"]


def test_single_file_of_any_suffix_is_one_input(tmp_path: Path) -> None:
    path = _write(tmp_path / "service.req", "A chat app")
    (only,) = collect_inputs([str(path)])
    assert (only.raw_name, only.path, only.error) == ("service", path, None)


def test_jsonl_rows_with_ids_text_title_and_settings(tmp_path: Path) -> None:
    rows = [
        {"id": "pastebin", "requirements": "A pastebin for 10M users", "max_revisions": 1},
        {"id": 7, "text": "A chat app", "title": "Chat", "settings": {"budget": 0.5}},
        {"requirements": "A news feed"},
    ]
    lines = [json.dumps(r) for r in rows]
    lines.insert(1, "")  # blank lines are skipped
    path = _write(tmp_path / "rows.jsonl", "\n".join(lines) + "\n")
    first, second, third = collect_inputs([str(path)])
    assert (first.raw_name, first.text, dict(first.overrides)) == (
        "pastebin",
        "A pastebin for 10M users",
        {"max_revisions": 1},
    )
    assert first.source == f"{path}:1"
    assert (second.raw_name, second.title, dict(second.overrides)) == ("7", "Chat", {"budget": 0.5})
    assert second.source == f"{path}:3"
    assert (third.raw_name, third.text) == ("rows-4", "A news feed")


def test_bad_jsonl_rows_become_failed_inputs_without_hiding_good_ones(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "rows.jsonl",
        "\n".join(
            [
                '{"id": "ok", "requirements": "A chat app"}',
                "{not json",
                "[1, 2]",
                '{"id": "no-text"}',
                '{"id": "odd", "requirements": "x", "colour": "red"}',
                '{"id": "bad-rev", "requirements": "x", "max_revisions": "lots"}',
                '{"id": "neg", "requirements": "x", "budget": -1}',
            ]
        ),
    )
    inputs = collect_inputs([str(path)])
    assert [i.error is None for i in inputs] == [True] + [False] * 6
    errors = [i.error or "" for i in inputs[1:]]
    assert "line 2 is not valid JSON" in errors[0]
    assert "must be a JSON object, not list" in errors[1]
    assert "no 'requirements' field" in errors[2]
    assert "unknown field(s) 'colour'" in errors[3]
    assert "'max_revisions' must be a whole number" in errors[4]
    assert "'budget' must be a positive number" in errors[5]
    assert all(e.startswith("InputError: ") for e in errors)
    assert _names(inputs)[3:] == ["no-text", "odd", "bad-rev", "neg"]


def test_csv_rows_with_quoted_multiline_text_and_settings(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "specs.csv",
        "ID,Requirements,max_revisions\n"
        'chat,"A chat app\nwith 50M DAU, 99.99% available",0\n'
        "feed,A news feed,\n",
    )
    chat, feed = collect_inputs([str(path)])
    assert chat.raw_name == "chat"
    assert chat.text == "A chat app\nwith 50M DAU, 99.99% available"
    assert dict(chat.overrides) == {"max_revisions": 0}
    assert (feed.raw_name, dict(feed.overrides)) == ("feed", {})
    assert feed.source == f"{path}:3"


def test_csv_without_requirements_column_is_one_failed_input(tmp_path: Path) -> None:
    path = _write(tmp_path / "specs.csv", "id,prompt\na,hello\n")
    (only,) = collect_inputs([str(path)])
    assert only.error is not None and "needs a 'requirements' column" in only.error


def test_binary_table_is_a_failed_input(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b'{"id": "a"}\x00\x01')
    (only,) = collect_inputs([str(path)])
    assert only.error == f"InputError: {path} looks binary, not a text table"


def test_mixed_inputs_keep_argument_order_and_each_file_once(tmp_path: Path) -> None:
    root = tmp_path / "req"
    _write(root / "a.md")
    _write(root / "b.md")
    rows = _write(tmp_path / "rows.jsonl", '{"id": "r1", "requirements": "A chat app"}\n')
    single = _write(tmp_path / "single.md")
    inputs = collect_inputs([str(single), str(root), f"{root}/*.md", str(rows)])
    assert _names(inputs) == ["single", "a", "b", "r1"]


def test_missing_path_empty_folder_and_unmatched_glob_are_reported(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    missing, empty, unmatched = collect_inputs(
        [str(tmp_path / "nope.md"), str(tmp_path / "empty"), f"{tmp_path}/*.zzz"]
    )
    assert missing.error == f"InputError: requirements file not found: {tmp_path / 'nope.md'}"
    assert empty.error is not None and "no requirement files" in empty.error
    assert unmatched.error == f"InputError: no files match '{tmp_path}/*.zzz'"
