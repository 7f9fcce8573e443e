"""Media realism in the scope: uploads are only the share of writes that carry a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.architect import draft_architecture
from agents.artefacts import Scope
from agents.cost import estimate_cost
from agents.cost.tiers import blended_price, tier_text, tiered_cost
from agents.kb import default_kb
from agents.requirements import read_requirements
from agents.scoper import scope_requirements

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _scope(name: str) -> Scope:
    return scope_requirements(read_requirements(str(EXAMPLES / f"{name}.md")), default_kb())


def test_media_uploads_are_the_media_share_of_writes() -> None:
    scope = _scope("chat")
    uploads = scope.estimate("media_uploads_per_sec")
    assert uploads is not None and uploads.formula == "write_qps_avg * media_share"
    share = uploads.inputs["media_share"]
    assert 0 < share < 1
    assert uploads.value == pytest.approx(scope.value("write_qps_avg") * share)
    peak = scope.estimate("media_uploads_peak_per_sec")
    assert peak is not None
    assert peak.value == pytest.approx(scope.value("write_qps_peak") * share)


def test_no_media_no_upload_estimate() -> None:
    assert _scope("pastebin").estimate("media_uploads_per_sec") is None


def test_media_store_puts_are_billed_on_uploads_not_all_writes() -> None:
    kb = default_kb()
    scope = _scope("chat")
    arch = draft_architecture(scope, kb)
    store = next(c for c in arch.components if c.id == "media_store")
    store.technology = "Amazon S3"  # an object store with a per-PUT price
    cost = estimate_cost(arch, scope, kb)
    writes = [i for i in cost.items if i.component == "media_store" and "writes" in i.item]
    assert writes and "media_uploads_per_sec" in writes[0].formula
    assert "write_qps_avg" not in writes[0].formula


def test_a_video_view_streams_the_watched_minutes_not_the_upload() -> None:
    scope = _scope("video_streaming")
    per_view = scope.estimate("bytes_per_view")
    assert per_view is not None
    assert per_view.formula == "watch_minutes_per_view * 60 * delivered_bitrate_bps / 8"
    assert per_view.value == pytest.approx(5 * 60 * 2e6 / 8)  # 75 MB
    egress = scope.estimate("media_egress")
    assert egress is not None and "bytes_per_view" in egress.formula
    assert egress.value == pytest.approx(scope.value("read_qps_peak") * per_view.value)


def test_cdn_tiers_bill_each_gb_at_its_tier() -> None:
    tiers = default_kb().prices.cdn_egress_tiers
    assert tiered_cost(10_000, tiers) == pytest.approx(10_000 * 0.085)
    assert tiered_cost(50_000, tiers) == pytest.approx(850 + 40_000 * 0.08)
    big = 100e6  # 100 PB: almost all of it at the last tier
    assert blended_price(big, tiers, 0.085) == pytest.approx(0.02, abs=0.0005)
    assert "first 10,000 GB at $0.085" in tier_text(big, tiers)


def test_video_cdn_bill_is_tiered_and_plausible() -> None:
    kb = default_kb()
    scope = _scope("video_streaming")
    cost = estimate_cost(draft_architecture(scope, kb), scope, kb)
    cdn = [i for i in cost.items if i.category == "egress"]
    assert cdn and all("cdn_egress_tiers" in i.formula for i in cdn)
    monthly = sum(i.monthly_usd for i in cdn)
    assert 1e6 < monthly < 20e6  # was ~$194M at the whole upload per view and a flat price


def test_video_delivery_supersedes_the_generic_media_upload() -> None:
    scope = _scope("video_streaming")  # the text says "upload", a media_upload keyword
    assert "video_delivery" in scope.capabilities
    assert "media_upload" not in scope.capabilities
    assert "media_upload" in _scope("chat").capabilities  # nothing covers it there
