"""Output names: safe, unique, and never a path outside the output folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.batch.naming import MAX_NAME_BYTES, item_dir, safe_name, unique_names

UNSAFE = [
    "../../etc/passwd",
    "/abs/path",
    "C:\\Windows\\system32",
    "..",
    ".",
    "",
    "   ",
    "CON",
    "con",
    "Lpt1",
    "nul",
    "index.html",
    "summary.json",
    ".hidden",
    "a/../../b",
    "~/x",
    "a\x00b",
    "line\nbreak",
    "\u202eevil\u202c",  # bidi override
    "ＦＵＬＬ／ｗｉｄｔｈ．．",  # full-width letters, solidus and dots
]


@pytest.mark.parametrize("raw", UNSAFE)
def test_unsafe_names_become_one_plain_segment(raw: str) -> None:
    name = safe_name(raw)
    assert name and "/" not in name and "\\" not in name and "." not in name
    assert name.lower() not in {"con", "nul", "lpt1"}
    assert name[0].isalnum()


def test_specific_mappings() -> None:
    assert safe_name("../../etc/passwd") == "etc-passwd"
    assert safe_name("/abs/path") == "abs-path"
    assert safe_name("CON") == "CON-item"
    assert safe_name("") == "item"
    assert safe_name("index.html") == "index-html"
    assert safe_name("team a/Chat Service v1.2") == "team-a-Chat-Service-v1-2"
    assert safe_name("\u202eevil\u202c") == "evil"
    assert safe_name("ＦＵＬＬ／ｗｉｄｔｈ") == "FULL-width"


def test_unicode_letters_are_kept_and_normalised() -> None:
    composed, decomposed = "caf\u00e9", "cafe\u0301"
    assert safe_name("東京 配車") == "東京-配車"
    assert safe_name(composed) == "café"
    assert safe_name(decomposed) == "café"  # NFKC composes before anything is dropped
    assert safe_name("x\u0301\u0302") == "x"  # marks that compose with nothing are dropped


def test_long_names_are_truncated_by_bytes_and_stay_distinct() -> None:
    a, b = "é" * 300 + "a", "é" * 300 + "b"
    name_a, name_b = unique_names([a, b])
    assert len(name_a.encode()) <= MAX_NAME_BYTES and len(name_b.encode()) <= MAX_NAME_BYTES
    assert name_a != name_b


def test_duplicates_are_numbered_case_insensitively_in_input_order() -> None:
    names = unique_names(["chat", "Chat", "chat", "chat-2", "", "..", "CON", "con"])
    assert names == [
        "chat",
        "Chat-2",
        "chat-3",
        "chat-2-2",
        "item",
        "item-2",
        "CON-item",
        "con-item-2",
    ]
    assert len({n.lower() for n in names}) == len(names)


def test_every_unsafe_id_stays_inside_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "designs"
    out.mkdir()
    names = unique_names(UNSAFE + UNSAFE)
    folders = [item_dir(out, n) for n in names]
    assert len({f.resolve() for f in folders}) == len(folders)
    for folder in folders:
        assert folder.resolve().parent == out.resolve()
        folder.mkdir()  # creatable on this file system
    assert sorted(p.name for p in out.iterdir()) == sorted(names)


@pytest.mark.parametrize("bad", ["..", "../x", "/abs", "a/b", "", ".run", "CON"])
def test_item_dir_refuses_names_that_were_not_made_safe(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        item_dir(tmp_path, bad)
