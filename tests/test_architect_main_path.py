"""The main user path: token issuing and media serving are not in series with it."""

from __future__ import annotations

from pathlib import Path

from agents.architect import draft_architecture
from agents.kb import default_kb
from agents.requirements import read_requirements
from agents.reviewer.context import main_entries
from agents.scoper import scope_requirements

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_auth_and_media_links_are_off_the_main_path() -> None:
    kb = default_kb()
    scope = scope_requirements(read_requirements(str(EXAMPLES / "chat.md")), kb)
    arch = draft_architecture(scope, kb)
    critical = {(lk.source, lk.target) for lk in arch.links if lk.critical}
    assert ("gateway", "auth_service") not in critical  # JWTs are verified locally
    assert ("api", "media_store") not in critical  # pre-signed URLs are signed locally
    assert ("media_cdn", "media_store") not in critical
    entries = [c for c in arch.components if c.id in ("gateway", "media_cdn")]
    assert [c.id for c in main_entries(entries, arch.links)] == ["gateway"]
    # the messaging path itself stays critical
    assert ("gateway", "api") in critical


def test_a_video_cdn_stays_on_the_main_path() -> None:
    kb = default_kb()
    scope = scope_requirements(read_requirements(str(EXAMPLES / "video_streaming.md")), kb)
    arch = draft_architecture(scope, kb)
    cdn = next(c for c in arch.components if c.id == "video_cdn")
    assert main_entries([cdn], arch.links) == [cdn]
    assert any(lk.critical for lk in arch.links if "video_cdn" in (lk.source, lk.target))
