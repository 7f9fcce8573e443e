"""Functional requirements (FR-n), NFRs as metrics (NFR-n), non-goals and open questions."""

from __future__ import annotations

import re

from ..artefacts import Assumption, Estimate, OpenQuestion, Requirement
from ..kb import Archetype, KnowledgeBase
from ..quantity_words import STOP_WORDS, singular, words
from . import display
from .inputs import AssumptionSet
from .stated import Stated
from .text import explicit_features, mentions

MACHINE_DAU = 100  # below this an archetype's "users" are machines (a crawler has 1)
DEFAULT_DURABILITY = 99.999999999  # eleven nines: replicated storage, no acknowledged loss
_STRONG_FAMILIES = ("ledger",)
_STRONG_CAPABILITY_MARKERS = ("payment", "ledger", "booking", "inventory", "reservation", "lock")


_LOW_INFORMATION = words("user can must should able system let allow support want set")


def _tokens(text: str) -> set[str]:
    """Content words, crudely stemmed (first 5 letters) so 'expiry' ~ 'expire'."""
    words = (singular(w) for w in re.findall(r"[a-z0-9]+", text.lower()))
    return {w[:5] for w in words if w not in STOP_WORDS and w not in _LOW_INFORMATION}


def _similar(a: str, b: str) -> bool:
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return False
    shared = len(ta & tb)
    return shared / len(ta | tb) >= 0.5 or shared / min(len(ta), len(tb)) >= 0.75


def functional_requirements(
    archetype: Archetype, capabilities: list[str], kb: KnowledgeBase, text: str
) -> list[Requirement]:
    """The archetype's FRs (in order, so template indexes hold), the capabilities' FRs, then the
    user's explicit features not already covered; deduplicated, ids FR-1..."""
    entries: list[tuple[str, str | None, str]] = [
        (f, None, "assumed") for f in archetype.functional
    ]
    for cap_id in capabilities:
        cap = kb.capabilities.get(cap_id)
        for fr in cap.functional if cap else []:
            if not any(_similar(fr, e[0]) for e in entries):
                entries.append((fr, cap_id, "assumed"))
    for feature in explicit_features(text):
        match = next((i for i, e in enumerate(entries) if _similar(feature, e[0])), None)
        if match is None:
            entries.append((feature, None, "stated"))
        else:  # the user asked for it too: keep the KB wording, mark it stated
            entries[match] = (entries[match][0], entries[match][1], "stated")
    return [
        Requirement(
            id=f"FR-{i}",
            kind="functional",
            text=fr,
            provenance=prov,
            capability=cap,
        )
        for i, (fr, cap, prov) in enumerate(entries, start=1)
    ]


def _consistency(archetype: Archetype, capabilities: list[str], text: str) -> tuple[str, str]:
    strong_text = mentions(
        text,
        r"strong(?:ly)? consisten|linearizab|exactly[- ]once|"
        r"no double|serializab",
    )
    eventual_text = mentions(text, r"eventual(?:ly)? consisten")
    needs_strong = archetype.family in _STRONG_FAMILIES or any(
        m in cap for cap in capabilities for m in _STRONG_CAPABILITY_MARKERS
    )
    wn = display.plural(archetype.write_noun)
    if strong_text or (needs_strong and not eventual_text):
        return (
            f"Strong consistency for {wn}: an acknowledged write is visible to every "
            "later read and is never applied twice.",
            "stated" if strong_text else "assumed",
        )
    return (
        f"Read-your-writes for the author; other readers may see new {wn} a few seconds "
        "late (eventual consistency).",
        "stated" if eventual_text else "assumed",
    )


def non_functional_requirements(
    archetype: Archetype,
    capabilities: list[str],
    stated: Stated,
    a: AssumptionSet,
    estimates: list[Estimate],
    text: str,
) -> list[Requirement]:
    """NFRs as metrics with targets in base units: percent, seconds, req/s, USD/month."""
    d = archetype.defaults
    est = {e.name: e.value for e in estimates}
    nfrs: list[tuple[str, str, float | None, str | None, str]] = []
    avail = stated.get("availability")
    pct = avail.value if avail else d.availability_pct
    nfrs.append(
        (
            "availability",
            f"Available {display.percent(pct)} of the time, measured "
            "monthly on successful requests.",
            pct,
            "percent",
            "stated" if avail else "assumed",
        )
    )
    lat = stated.get("latency_p99")
    p99 = lat.value if lat else d.p99_ms / 1000
    nfrs.append(
        (
            "latency_p99",
            f"p99 latency of the main path ({archetype.read_noun}) under {display.duration(p99)}.",
            p99,
            "seconds",
            "stated" if lat else "assumed",
        )
    )
    dur = stated.get("durability")
    durability = dur.value if dur else DEFAULT_DURABILITY
    nfrs.append(
        (
            "durability",
            f"No acknowledged {archetype.write_noun} is lost "
            f"({display.percent(durability)} durability).",
            durability,
            "percent",
            "stated" if dur else "assumed",
        )
    )
    peak = est.get("write_qps_peak", 0.0) + est.get("read_qps_peak", 0.0)
    from_stated = a.writes_source != "per_user" or (
        (w := a.get("writes_per_user_per_day")) is not None and w.provenance == "stated"
    )
    nfrs.append(
        (
            "throughput",
            f"Sustain {display.rate(est.get('write_qps_peak', 0.0))} writes "
            f"and {display.rate(est.get('read_qps_peak', 0.0))} reads at peak.",
            peak,
            "req/s",
            "stated" if from_stated else "assumed",
        )
    )
    budget = stated.get("budget")
    if budget or d.budget_usd_month:
        usd = budget.value if budget else float(d.budget_usd_month or 0)
        nfrs.append(
            (
                "budget",
                f"Infrastructure cost under {display.money(usd)}/month.",
                usd,
                "USD/month",
                "stated" if budget else "assumed",
            )
        )
    ret = a.get("retention_days")
    if ret is not None:
        nfrs.append(
            (
                "retention",
                f"Keep {display.plural(archetype.write_noun)} for {ret.display}.",
                ret.value * 86400,
                "seconds",
                ret.provenance,
            )
        )
    consistency, prov = _consistency(archetype, capabilities, text)
    nfrs.append(("consistency", consistency, None, None, prov))
    return [
        Requirement(
            id=f"NFR-{i}",
            kind="non_functional",
            text=t,
            metric=metric,
            target=target,
            unit=unit,
            provenance=p,
        )
        for i, (metric, t, target, unit, p) in enumerate(nfrs, start=1)
    ]


def _question(a: Assumption, archetype: Archetype) -> str | None:
    wn, rn = display.plural(archetype.write_noun), display.plural(archetype.read_noun)
    questions = {
        "dau": "How many people use it on a typical day (daily active users)?",
        "writes_per_user_per_day": f"How many {wn} does an active user create per day?",
        "reads_per_write": f"How many {rn} does each {archetype.write_noun} get (read:write)?",
        "object_bytes": f"How large is a typical {archetype.write_noun}?",
        "retention_days": f"How long must {wn} be kept?",
        "peak_factor": "How spiky is traffic (peak hour vs average)?",
        "media_bytes": "How large are the uploaded files on average?",
        "media_share": f"What share of {wn} carry a file?",
        "concurrent_share": "How many users are connected at the same time at peak?",
        "avg_followers": "How many followers does a typical author have?",
    }
    return questions.get(a.name)


def open_questions(
    archetype: Archetype, a: AssumptionSet, nfrs: list[Requirement], stated: Stated
) -> list[OpenQuestion]:
    """A question for every important assumed number, with the default the design uses."""
    found: list[OpenQuestion] = []
    machine = archetype.defaults.dau < MACHINE_DAU  # crawlers, pipelines: no real "users"
    values = a.values
    skip = {"dau"} if machine else set()
    if values.get("media_share", 0) >= 1:  # the media is the object; its record is metadata
        skip |= {"object_bytes", "media_share"}
    if a.writes_source != "per_user":  # derived from a stated total
        skip.add("writes_per_user_per_day")
    for item in a.items:
        question = _question(item, archetype)
        if question and item.provenance == "assumed" and item.name not in skip:
            shown = item.display
            if machine and item.name == "writes_per_user_per_day":
                question = f"How many {display.plural(archetype.write_noun)} per day in total?"
                shown = f"{display.count(values['dau'] * item.value)}/day"
            if item.name == "peak_factor":
                shown = f"peak = {item.display} the average"
            elif item.name == "reads_per_write":
                reads = display.small_number(item.value)
                shown = f"{item.display} ({reads} read{'' if item.value == 1 else 's'} per write)"
            found.append(
                OpenQuestion(question=question, proposed_default=shown, assumption=item.name)
            )
    for nfr in nfrs:
        if nfr.provenance != "assumed":
            continue
        if nfr.metric == "availability" and nfr.target is not None:
            found.append(
                OpenQuestion(
                    question="What availability must the service meet?",
                    proposed_default=display.percent(nfr.target),
                )
            )
        elif nfr.metric == "latency_p99" and nfr.target is not None:
            found.append(
                OpenQuestion(
                    question=f"What p99 latency must {archetype.read_noun} requests meet?",
                    proposed_default=display.duration(nfr.target),
                )
            )
    if stated.get("budget") is None:
        budget = next((n for n in nfrs if n.metric == "budget"), None)
        found.append(
            OpenQuestion(
                question="What is the monthly infrastructure budget?",
                proposed_default=(
                    f"{display.money(budget.target)}/month (typical)"
                    if budget and budget.target
                    else "none set: the cost report shows the bill"
                ),
                assumption=None,
            )
        )
    return found


def non_goals(archetype: Archetype, stated_goals: list[str]) -> list[str]:
    """The user's non-goals first, then the archetype's typical ones."""
    goals = list(stated_goals)
    for goal in archetype.non_goals:
        if not any(_similar(goal, g) for g in goals):
            goals.append(goal)
    return goals
