"""Different requests classify to different archetypes; capabilities compose from keywords."""

from __future__ import annotations

import pytest

from agents.kb import default_kb
from agents.requirements import parse_requirements
from agents.scoper import scope_requirements
from agents.scoper.classify import classify, count_phrase


@pytest.mark.parametrize(
    ("text", "archetype"),
    [
        ("Design a URL shortener like bit.ly", "url_shortener"),
        ("Design a pastebin where developers share code snippets", "pastebin"),
        ("Design a chat app like WhatsApp with group chats", "chat"),
        ("Build a ride-hailing service like Uber for 5M riders in 20 cities", "ride_hailing"),
        ("A video streaming platform like YouTube; average video 50 MB", "video_streaming"),
        ("Design a web crawler that crawls 1B pages a month", "web_crawler"),
        ("Design Twitter's home timeline and news feed", "social_feed"),
        ("Search autocomplete (typeahead) for a search engine", "typeahead"),
    ],
)
def test_archetypes(text: str, archetype: str) -> None:
    scope = scope_requirements(parse_requirements(text), default_kb())
    assert scope.archetype == archetype
    assert scope.archetype_score > 0


def test_title_weighs_more_than_body() -> None:
    kb = default_kb()
    body = "Users paste text and share it; some of it is chat logs."
    assert classify(kb, body, "Chat archive").archetype.id == "chat"
    assert classify(kb, body, "").archetype.id == "pastebin"


def test_whole_words_only() -> None:
    assert count_phrase("a chatbot for chats", "chat") == 0
    assert count_phrase("real-time chat", "real time") == 1
    assert count_phrase("shorten it with bit.ly today", "bit.ly") == 1
    assert count_phrase("orbit.lyrics", "bit.ly") == 0


def test_detected_capabilities_are_added() -> None:
    scope = scope_requirements(
        parse_requirements("Design a URL shortener. Users see click analytics dashboards."),
        default_kb(),
    )
    assert scope.archetype == "url_shortener"
    assert "analytics" in scope.capabilities
    assert set(default_kb().archetypes["url_shortener"].capabilities) <= set(scope.capabilities)


def test_numbers_and_nfr_words_are_not_features() -> None:
    # "100M views a month" is load, not a view counter; "availability" is not seat inventory
    text = "A pastebin: 100M views a month, 99.99% availability, keep pastes a year."
    scope = scope_requirements(parse_requirements(text), default_kb())
    assert "counters" not in scope.capabilities
    assert "reservations" not in scope.capabilities


def test_unknown_system_gets_a_fallback_and_composed_capabilities() -> None:
    text = "Design a recipe sharing site where users upload photos and search recipes"
    scope = scope_requirements(parse_requirements(text), default_kb())
    assert scope.archetype_score == 0
    assert scope.archetype in default_kb().archetypes
    assert {"media_upload", "search"} <= set(scope.capabilities)
    assert scope.system_name == "Recipe sharing site"
    assert any("No archetype matched" in w for w in scope.warnings)
    assert any(r.provenance == "stated" and "recipes" in r.text for r in scope.functional)
    # a fallback does not inherit the archetype's huge typical audience
    assert scope.value("dau") <= 1_000_000
    assert scope.estimates


def test_nothing_recognisable_still_gives_a_scope() -> None:
    scope = scope_requirements(parse_requirements("Something for our team."), default_kb())
    assert scope.archetype_score == 0
    assert scope.functional and scope.non_functional and scope.estimates


def test_a_feature_sentence_wrapped_across_lines_stays_whole() -> None:
    from agents.scoper.text import explicit_features

    text = "Users paste text and get a short link;\nanyone with the link\ncan read the paste.\n"
    assert explicit_features(text) == [
        "Users paste text and get a short link; anyone with the link can read the paste."
    ]
