"""Reading requirements: front matter, titles, and one-line errors for bad input."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from agents.errors import FrontMatterError, InputError
from agents.requirements import parse_requirements, read_requirements


def test_markdown_with_front_matter() -> None:
    text = "---\ntitle: Pastebin\ndau: 10M\navailability: 99.99%\n---\n# Ignored heading\nBody.\n"
    req = parse_requirements(text, "req.md")
    assert req.title == "Pastebin"
    assert req.front_matter == {"title": "Pastebin", "dau": "10M", "availability": "99.99%"}
    assert req.text.startswith("# Ignored heading")
    assert req.source == "req.md"


def test_title_from_name_key_and_from_first_heading() -> None:
    assert parse_requirements("---\nname: Tiny\n---\nshorten links").title == "Tiny"
    assert parse_requirements("Intro line\n\n## Chat service\nmore").title == "Chat service"
    assert parse_requirements("Design a URL shortener like bit.ly").title is None


def test_plain_prose_and_single_line() -> None:
    req = parse_requirements("Design a URL shortener like bit.ly")
    assert req.text == "Design a URL shortener like bit.ly"
    assert req.front_matter == {}


def test_a_markdown_rule_is_not_front_matter() -> None:
    req = parse_requirements("-----\nDesign a chat app\n")
    assert req.front_matter == {}
    assert "Design a chat app" in req.text


@pytest.mark.parametrize("text", ["", "   \n\t  \n"])
def test_empty_input(text: str) -> None:
    with pytest.raises(InputError, match="empty"):
        parse_requirements(text)


def test_binary_text_is_refused() -> None:
    with pytest.raises(InputError, match=r"binary.*NUL byte at offset 3"):
        parse_requirements("abc\x00def")
    with pytest.raises(InputError, match="mostly control characters"):
        parse_requirements("\x01\x02\x03\x04" * 50)


def test_malformed_front_matter_names_the_line() -> None:
    with pytest.raises(FrontMatterError, match="line 3"):
        parse_requirements("---\ntitle: ok\ndau: [1, 2\n---\nbody")


def test_front_matter_must_be_a_mapping() -> None:
    with pytest.raises(FrontMatterError, match=r"mapping.*not a list"):
        parse_requirements("---\n- a\n- b\n---\nbody")


def test_unclosed_front_matter() -> None:
    with pytest.raises(FrontMatterError, match="never closed"):
        parse_requirements("---\ntitle: x\nbody without end")


def test_read_file(tmp_path: Path) -> None:
    path = tmp_path / "req.md"
    path.write_text("# Pastebin\n10M new pastes a month", encoding="utf-8")
    req = read_requirements(str(path))
    assert req.title == "Pastebin"
    assert req.source == str(path)


def test_missing_path_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not found: .*nope\.md"):
        read_requirements(str(tmp_path / "nope.md"))
    with pytest.raises(InputError, match="is a directory"):
        read_requirements(str(tmp_path))


def test_non_utf8_names_byte_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes(b"Design a caf\xe9 app")
    with pytest.raises(InputError) as err:
        read_requirements(str(path))
    assert str(err.value) == "not UTF-8 text (byte 0xe9 at offset 12)"


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match="binary"):
        read_requirements(str(path))


def test_file_over_5_mb(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    path.write_bytes(b"a" * 20_000_000)
    with pytest.raises(InputError) as err:
        read_requirements(str(path))
    assert str(err.value) == "requirements file is 20.0 MB; the limit is 5 MB"
    assert err.value.one_line() == ("InputError: requirements file is 20.0 MB; the limit is 5 MB")


def test_text_over_5_mb() -> None:
    with pytest.raises(InputError, match=r"6\.0 MB; the limit is 5 MB"):
        parse_requirements("x" * 6_000_000)


def test_stdin_is_read_as_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO(b"# Chat\n50M DAU"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", fake)
    req = read_requirements("-")
    assert req.source == "-"
    assert req.title == "Chat"


def test_stdin_non_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO(b"\xff\xfe bad"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", fake)
    with pytest.raises(InputError, match=r"byte 0xff at offset 0"):
        read_requirements("-")
