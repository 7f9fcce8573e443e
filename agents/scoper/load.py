"""How many writes and reads: stated totals win, then per-user rates, then typical values.

"10M new pastes a month" makes writes_per_day = 10M / 30 exactly (the capacity chain uses the
stated total) and the per-user rate is derived from it; "1.5B requests a day" is split by the
read:write ratio; a stated peak is divided by the peak factor.
"""

from __future__ import annotations

from ..kb import Archetype
from . import display
from .inputs import AssumptionSet, add_total, stated_or, typical_for
from .stated import Stated


def add_load(out: AssumptionSet, st: Stated, archetype: Archetype, dau: float) -> None:
    """peak_factor, reads_per_write, writes_per_user_per_day and any stated totals behind them."""
    d = archetype.defaults
    wn, rn = display.plural(archetype.write_noun), display.plural(archetype.read_noun)
    typical = typical_for(archetype)
    peak_factor = stated_or(
        out,
        st.get("peak_factor"),
        "peak_factor",
        "peak-to-average traffic",
        d.peak_factor,
        "ratio",
        lambda v: f"{display.small_number(v)}x",
        typical,
    )
    writes_day: float | None = None
    reads_day: float | None = None
    if sv := st.get("writes_total"):
        writes_day, out.writes_source = add_total(out, "writes", sv, f"new {wn}"), "total"
    elif sv := st.get("peak_writes"):
        writes_day = add_total(out, "peak_writes", sv, f"peak new {wn}") / peak_factor
        out.writes_source = "peak"
    if sv := st.get("reads_total"):
        reads_day, out.reads_source = add_total(out, "reads", sv, rn), "total"
    elif sv := st.get("peak_reads"):
        reads_day = add_total(out, "peak_reads", sv, f"peak {rn}") / peak_factor
        out.reads_source = "peak"
    ratio_label = f"{rn} per {archetype.write_noun}"
    show_ratio: display.Formatter = lambda v: f"{display.small_number(v)}:1"  # noqa: E731
    requests = st.get("requests_total") or st.get("peak_requests")
    if writes_day is None and reads_day is None and requests is not None:
        kind = "requests" if st.get("requests_total") else "peak_requests"
        per_day = add_total(out, kind, requests, "requests") / (
            1 if kind == "requests" else peak_factor
        )
        r = stated_or(
            out,
            st.get("reads_per_write"),
            "reads_per_write",
            ratio_label,
            d.reads_per_write,
            "ratio",
            show_ratio,
            typical,
        )
        writes_day, reads_day = per_day / (1 + r), per_day * r / (1 + r)
        out.writes_source = out.reads_source = kind
    elif writes_day is not None and reads_day is not None:
        r = reads_day / writes_day if writes_day else 0.0
        out.add(
            "reads_per_write",
            ratio_label,
            r,
            "ratio",
            show_ratio(r),
            "stated",
            f"derived: {display.count(reads_day)} {rn}/day / {display.count(writes_day)} {wn}/day",
        )
    elif writes_day is not None and (per_user := st.get("reads_per_user")):
        reads_day = dau * per_user.per_day
        out.reads_source = "per_user"
        out.add(
            "reads_per_user_per_day",
            f"{rn} per active user per day",
            per_user.per_day,
            "per_user_per_day",
            display.small_number(per_user.per_day),
            "stated",
            f'stated: "{per_user.phrase}"',
        )
    else:
        stated_or(
            out,
            st.get("reads_per_write"),
            "reads_per_write",
            ratio_label,
            d.reads_per_write,
            "ratio",
            show_ratio,
            typical,
        )
    if writes_day is None and reads_day is not None and out.values["reads_per_write"] > 0:
        writes_day = reads_day / out.values["reads_per_write"]
        out.writes_source = "reads"
        out.reads_source = "reads" if out.reads_source == "total" else out.reads_source
    label = f"new {wn} per active user per day"
    if writes_day is not None:
        per_user_rate = writes_day / max(dau, 1.0)
        dau_a = out.get("dau")
        prov = "stated" if dau_a and dau_a.provenance == "stated" else "assumed"
        out.add(
            "writes_per_user_per_day",
            label,
            per_user_rate,
            "per_user_per_day",
            display.small_number(per_user_rate),
            prov,
            f"derived: {display.count(writes_day)} {wn}/day / {display.count(dau)} DAU",
        )
    else:
        sv = st.get("writes_per_user")
        if sv is not None:
            out.add(
                "writes_per_user_per_day",
                label,
                sv.per_day,
                "per_user_per_day",
                display.small_number(sv.per_day),
                "stated",
                f'stated: "{sv.phrase}"',
            )
        else:
            out.add(
                "writes_per_user_per_day",
                label,
                d.writes_per_user_per_day,
                "per_user_per_day",
                display.small_number(d.writes_per_user_per_day),
                "assumed",
                typical,
            )
    if (
        out.reads_source == "ratio"
        and (per_user := st.get("reads_per_user"))
        and not st.get("reads_per_write")
    ):
        # "each user views 20 pastes a day": reads follow users, not writes
        out.reads_source = "per_user"
        out.add(
            "reads_per_user_per_day",
            f"{rn} per active user per day",
            per_user.per_day,
            "per_user_per_day",
            display.small_number(per_user.per_day),
            "stated",
            f'stated: "{per_user.phrase}"',
        )
