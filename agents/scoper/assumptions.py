"""Every input of the capacity chain, marked stated (with the phrase) or assumed (with why).

Defaults come from the matched archetype's LoadDefaults. Stated totals win over per-user
figures: "10M new pastes a month" makes writes_per_day = 10M / 30 exactly, and the per-user
rate is derived from it. DAU comes from MAU (x 0.3) or registered users (x 0.3) when only those
are given, and the document says so.
"""

from __future__ import annotations

from ..kb import Archetype
from ..quantities import PERIOD_SECONDS
from . import display
from .classify import Classification
from .inputs import AssumptionSet, add_total, event_ident, stated_or, typical_for
from .load import add_load
from .stated import Stated, other_events

DAU_PER_MAU = 0.3
DAILY_ACTIVE_SHARE = 0.3
CACHE_HOT_FRACTION = 0.2
CONCURRENT_SHARE = 0.1
AVG_FOLLOWERS = 200.0
LOCATION_UPDATE_INTERVAL_S = 4.0
TRACKED_SHARE = 0.02
DEFAULT_MEDIA_BYTES = 1_000_000.0
DEFAULT_MEDIA_SHARE = 0.1
FOREVER_DAYS = 3650.0
GENERIC_DAU = 1_000_000.0

# Which optional parts of the chain a system needs, by capability (or archetype) id words.
FEATURE_MARKERS: dict[str, frozenset[str]] = {
    "media": frozenset({"media", "video", "photo", "image", "upload"}),
    "realtime": frozenset({"realtime", "presence", "websocket", "live", "chat", "collaboration"}),
    "feed": frozenset({"feed", "fanout", "timeline", "follow"}),
    "keys": frozenset({"links", "keys", "shortener"}),
    "geo": frozenset({"geo", "location", "proximity", "dispatch"}),
}


def features_of(capabilities: list[str], archetype: Archetype) -> set[str]:
    """The optional chain parts ('media', 'realtime', ...) the capabilities call for."""
    words = {w for cap in [*capabilities, archetype.id] for w in cap.lower().split("_")}
    found = {feature for feature, markers in FEATURE_MARKERS.items() if words & markers}
    if archetype.defaults.media_share > 0 and archetype.defaults.media_bytes > 0:
        found.add("media")
    if "location" in archetype.write_noun:  # the main write already is the location stream
        found.discard("geo")
    return found


def _users(out: AssumptionSet, st: Stated, archetype: Archetype, generic: bool) -> float:
    """dau (and mau/users when stated) -> the DAU value."""
    if dau := st.get("dau"):
        out.add(
            "dau",
            "daily active users",
            dau.value,
            "count",
            display.count(dau.value),
            "stated",
            f'stated: "{dau.phrase}"',
        )
        return dau.value
    if mau := st.get("mau"):
        out.add(
            "mau",
            "monthly active users",
            mau.value,
            "count",
            display.count(mau.value),
            "stated",
            f'stated: "{mau.phrase}"',
        )
        out.add(
            "dau_per_mau",
            "daily share of monthly users",
            DAU_PER_MAU,
            "fraction",
            display.percent(DAU_PER_MAU * 100),
            "assumed",
            "a typical DAU/MAU ratio for consumer products",
        )
        value = mau.value * DAU_PER_MAU
        why = f"derived: {display.count(mau.value)} MAU x {DAU_PER_MAU} (typical DAU/MAU)"
    elif users := st.get("users"):
        out.add(
            "users",
            "registered users",
            users.value,
            "count",
            display.count(users.value),
            "stated",
            f'stated: "{users.phrase}"',
        )
        value = users.value * DAILY_ACTIVE_SHARE
        why = (
            f"derived: {display.count(users.value)} users x {DAILY_ACTIVE_SHARE} "
            "(assume 30% of users are active on a given day)"
        )
    elif concurrent := st.get("concurrent_users"):
        value = concurrent.value / CONCURRENT_SHARE
        why = (
            f"derived: {display.count(concurrent.value)} concurrent users / "
            f"{CONCURRENT_SHARE} (about 10% of daily users are online at once)"
        )
    else:
        value, why = archetype.defaults.dau, typical_for(archetype)
        if generic:
            value = min(value, GENERIC_DAU)
            why = "no archetype matched; a mid-size service of 1M daily users is assumed"
    out.add("dau", "daily active users", value, "count", display.count(value), "assumed", why)
    return value


def _sizes(out: AssumptionSet, st: Stated, archetype: Archetype) -> None:
    d = archetype.defaults
    typical = typical_for(archetype)
    wn = archetype.write_noun
    if st.get("object_bytes") is None and (cap := st.get("max_object_bytes")):
        value = min(d.object_bytes, cap.value)
        out.add(
            "object_bytes",
            f"average {wn} size",
            value,
            "bytes",
            display.size(value),
            "assumed",
            f'{typical}; the stated maximum is "{cap.phrase}"',
        )
    else:
        stated_or(
            out,
            st.get("object_bytes"),
            "object_bytes",
            f"average {wn} size",
            d.object_bytes,
            "bytes",
            display.size,
            typical,
        )
    stated_or(
        out,
        st.get("metadata_bytes"),
        "metadata_bytes",
        f"metadata per {wn}",
        d.metadata_bytes,
        "bytes",
        display.size,
        f"{typical}: ids, owner, timestamps, index entries",
    )
    if "media" in out.features:
        media_default = d.media_bytes or DEFAULT_MEDIA_BYTES
        why = typical if d.media_bytes else "a typical compressed photo (~1 MB)"
        stated_or(
            out,
            st.get("media_bytes") or st.get("max_media_bytes"),
            "media_bytes",
            f"media per {wn} that carries media",
            media_default,
            "bytes",
            display.size,
            why,
        )
        share = d.media_share or DEFAULT_MEDIA_SHARE
        out.add(
            "media_share",
            f"share of {display.plural(wn)} with media",
            share,
            "fraction",
            display.percent(share * 100),
            "assumed",
            typical if d.media_share else "assume 1 in 10 writes attaches a file",
        )
        _streaming(out, archetype)


def _streaming(out: AssumptionSet, archetype: Archetype) -> None:
    """Streamed media: a view delivers what is watched at the delivered bitrate, not the
    whole upload (viewers stop early; adaptive bitrate sends less than the master)."""
    d = archetype.defaults
    if d.watch_minutes_per_view <= 0 or d.delivered_bitrate_bps <= 0:
        return
    rn = archetype.read_noun
    out.add(
        "watch_minutes_per_view",
        f"minutes watched per {rn}",
        d.watch_minutes_per_view,
        "minutes",
        f"{d.watch_minutes_per_view:g} min",
        "assumed",
        f"{typical_for(archetype)}: most views stop well before the end of the video",
    )
    out.add(
        "delivered_bitrate_bps",
        "average delivered bitrate",
        d.delivered_bitrate_bps,
        "bits/s",
        f"{d.delivered_bitrate_bps / 1e6:g} Mbps",
        "assumed",
        "adaptive bitrate mix: phones at 480-720p (~1-2.5 Mbps) dominate, TVs at 1080p+ "
        "(~5 Mbps); far below the uploaded master",
    )


def _retention(out: AssumptionSet, st: Stated, archetype: Archetype, forever: bool) -> None:
    wn = display.plural(archetype.write_noun)
    if forever and st.get("retention") is None:
        out.add(
            "retention_days",
            f"how long {wn} are kept",
            FOREVER_DAYS,
            "days",
            display.days(FOREVER_DAYS),
            "assumed",
            "the text asks to keep data forever; storage is planned for 10 years",
        )
        return
    stated_or(
        out,
        st.get("retention"),
        "retention_days",
        f"how long {wn} are kept",
        archetype.defaults.retention_days,
        "days",
        display.days,
        typical_for(archetype),
        convert=1 / PERIOD_SECONDS["day"],
    )


def _feature_inputs(out: AssumptionSet, st: Stated, dau: float) -> None:
    if "realtime" in out.features:
        if sv := st.get("concurrent_users"):
            share = min(1.0, sv.value / dau)
            out.add(
                "concurrent_share",
                "share of daily users online at once",
                share,
                "fraction",
                display.percent(share * 100),
                "stated",
                f'derived: stated "{sv.phrase}" / {display.count(dau)} DAU',
            )
        else:
            out.add(
                "concurrent_share",
                "share of daily users online at once",
                CONCURRENT_SHARE,
                "fraction",
                display.percent(CONCURRENT_SHARE * 100),
                "assumed",
                "about 10% of daily users hold a connection at the busiest time",
            )
    if "feed" in out.features:
        stated_or(
            out,
            st.get("followers"),
            "avg_followers",
            "average followers per author",
            AVG_FOLLOWERS,
            "count",
            display.count,
            "a typical social graph average (celebrities handled separately)",
        )
    if "geo" in out.features:
        out.add(
            "tracked_share",
            "share of daily users reporting location at peak",
            TRACKED_SHARE,
            "fraction",
            display.percent(TRACKED_SHARE * 100),
            "assumed",
            "drivers/couriers online at peak are a few percent of daily users",
        )
        out.add(
            "location_update_interval_s",
            "seconds between location updates",
            LOCATION_UPDATE_INTERVAL_S,
            "seconds",
            "4 s",
            "assumed",
            "moving devices report every few seconds; 4 s is the usual choice",
        )


def build_assumptions(
    stated: Stated, classification: Classification, *, forever: bool = False
) -> AssumptionSet:
    """Every input of the capacity chain for this system, in derivation order."""
    archetype = classification.archetype
    out = AssumptionSet(features=features_of(classification.capabilities, archetype))
    if stated.get("media_bytes") or stated.get("max_media_bytes"):
        out.features.add("media")
    out.add(
        "seconds_per_day", "seconds in a day", 86400.0, "seconds", "86,400", "assumed", "definition"
    )
    out.add(
        "days_per_month",
        "days in a month",
        30.0,
        "days",
        "30",
        "assumed",
        "convention: a month is 30 days (2,592,000 s)",
    )
    out.add("days_per_year", "days in a year", 365.0, "days", "365", "assumed", "definition")
    dau = _users(out, stated, archetype, generic=classification.score == 0)
    add_load(out, stated, archetype, dau)
    _sizes(out, stated, archetype)
    _retention(out, stated, archetype, forever)
    out.add(
        "cache_hot_fraction",
        "share of a day's reads worth caching",
        CACHE_HOT_FRACTION,
        "fraction",
        "20%",
        "assumed",
        "80/20 rule: about 20% of items serve most reads",
    )
    _feature_inputs(out, stated, dau)
    for noun, event in other_events(stated).items():
        ident = event_ident(noun)
        out.events[ident] = event.period or "day"
        add_total(out, ident, event, display.plural(noun))
    if regions := stated.get("regions"):
        out.add(
            "regions",
            "regions served",
            regions.value,
            "count",
            display.count(regions.value),
            "stated",
            f'stated: "{regions.phrase}"',
        )
    return out
