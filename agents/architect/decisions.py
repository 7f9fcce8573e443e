"""Technology decisions: criteria weights from the NFRs and numbers, weighted option scores,
the winner, and how sensitive the call is (the smallest weight shift that flips it)."""

from __future__ import annotations

from dataclasses import dataclass

from ..artefacts import Criterion, Decision, Option
from ..kb import TechOption
from ..scoper.preferences import preferences_in_text
from ._common import PRIMARY_STORE_KINDS, Ctx, fmt_num, fmt_percent

CRITERIA = (
    "throughput",
    "latency",
    "durability",
    "consistency",
    "ops_burden",
    "cost",
    "flexibility",
    "ecosystem",
)
# Kinds whose technology is a real choice worth a tradeoff table.
DECIDED_KINDS = frozenset(
    {
        "sql_db",
        "kv_store",
        "document_db",
        "cache",
        "queue",
        "stream_processor",
        "search_index",
        "websocket_gateway",
        "object_store",
        "time_series_db",
        "graph_db",
        "geo_index",
        "data_warehouse",
        "coordination",
    }
)
NEUTRAL_SCORE = 3
TIGHT_BUDGET_USD = 5000.0


@dataclass
class DecisionInput:
    """What a decision about one component depends on."""

    component_id: str
    component_name: str
    kind: str
    load: float  # peak req/s (or connections) that sizes it
    load_desc: str  # e.g. "write_qps_peak = 1,160/s"
    relations: int  # relations among the entities it holds
    storage_bytes: float


def _throughput(d: DecisionInput) -> tuple[float, str]:
    scale = 10.0 if d.kind == "websocket_gateway" else 1.0  # connections, not requests
    steps = sum(d.load >= t * scale for t in (1_000, 10_000, 100_000))
    if d.load <= 0:
        return 0.5, "no request load sizes it"
    return 1.0 + steps, f"peak {d.load_desc}"


def _latency(d: DecisionInput, ctx: Ctx) -> tuple[float, str]:
    p99 = ctx.p99_seconds
    bonus = 1.0 if d.kind in ("cache", "websocket_gateway", "geo_index") else 0.0
    nfr = ctx.scope.nfr("latency_p99")
    if p99 is None or nfr is None:
        return 1.0 + bonus, "no latency target stated; sits on the request path" if bonus else (
            "no latency target stated"
        )
    base = 3.0 if p99 <= 0.05 else 2.0 if p99 <= 0.2 else 1.5 if p99 <= 1 else 1.0
    return base + bonus, f"{nfr.id} p99 ≤ {fmt_num(p99 * 1000)} ms"


def _durability(d: DecisionInput, ctx: Ctx) -> tuple[float, str]:
    if d.kind == "cache":
        return 0.5, "holds a derived copy; the store of record keeps the data"
    if d.kind in ("websocket_gateway", "stream_processor"):
        return 0.5, "holds connections or in-flight state only"
    nfr = ctx.scope.nfr("durability")
    raw, why = 2.0, "acknowledged writes must survive a node loss"
    if d.kind == "queue":
        raw, why = 1.5, "events between the write and the workers must not be lost"
    if nfr is not None and nfr.target and nfr.target >= 99.999:
        raw, why = raw + 1.0, f"{nfr.id} durability {fmt_percent(nfr.target)}%"
    if ctx.transactional and d.kind in PRIMARY_STORE_KINDS:
        raw, why = raw + 0.5, why + "; money/inventory records are the ledger"
    return raw, why


def _consistency(d: DecisionInput, ctx: Ctx) -> tuple[float, str]:
    if ctx.transactional and d.kind in PRIMARY_STORE_KINDS:
        nfr = ctx.scope.nfr("consistency")
        ref = f"{nfr.id} " if nfr else ""
        return 3.0, f"{ref}transactions: no double booking or double spend"
    if d.kind in PRIMARY_STORE_KINDS or d.kind == "coordination":
        return 1.0, "read-your-writes for the author"
    return 0.5, "stale reads are tolerable here"


def _cost(d: DecisionInput, ctx: Ctx) -> tuple[float, str]:
    budget = ctx.budget_usd
    nfr = ctx.scope.nfr("budget")
    big = d.storage_bytes >= 10e12
    extra = (0.5, f"; stores {d.storage_bytes / 1e12:,.1f} TB") if big else (0.0, "")
    if budget is None or nfr is None:
        return 1.0 + extra[0], "no budget stated" + extra[1]
    tight = budget < TIGHT_BUDGET_USD
    raw = (3.0 if tight else 2.0) + extra[0]
    return raw, f"{nfr.id} budget ${fmt_num(budget)}/month{' (tight)' if tight else ''}{extra[1]}"


def _flexibility(d: DecisionInput) -> tuple[float, str]:
    if d.relations >= 2:
        return 1.5, f"{d.relations} relations among its entities need joins or secondary indexes"
    return 0.5, "simple access by key"


def raw_weights(d: DecisionInput, ctx: Ctx) -> dict[str, tuple[float, str]]:
    """Un-normalised weight and its reason, per criterion."""
    return {
        "throughput": _throughput(d),
        "latency": _latency(d, ctx),
        "durability": _durability(d, ctx),
        "consistency": _consistency(d, ctx),
        "ops_burden": (1.5, "always: every system we run is on-call load for a small team"),
        "cost": _cost(d, ctx),
        "flexibility": _flexibility(d),
        "ecosystem": (0.5, "client libraries, hiring, managed offerings"),
    }


def normalise(raw: dict[str, tuple[float, str]], names: list[str]) -> list[Criterion]:
    """Weights rounded to 2 dp that sum to exactly 1 (the rounding residue goes to the top)."""
    total = sum(raw[n][0] for n in names) or 1.0
    weights = {n: round(raw[n][0] / total, 2) for n in names}
    top = max(names, key=lambda n: weights[n])
    weights[top] = round(weights[top] + 1.0 - sum(weights.values()), 2)
    return [Criterion(name=n, weight=weights[n], why=raw[n][1]) for n in names if weights[n] > 0]


def score(opt: TechOption, criteria: list[Criterion]) -> Option:
    scores = {c.name: int(opt.scores.get(c.name, NEUTRAL_SCORE)) for c in criteria}
    weighted = round(sum(c.weight * scores[c.name] for c in criteria), 2)
    return Option(name=opt.name, scores=scores, weighted=weighted, note=opt.note)


def stated_preference(options: list[TechOption], ctx: Ctx) -> TechOption | None:
    """An option the requirements ask for ("use Kafka", `technologies: [Kafka]`): the scope's
    preferences first, then a request in the requirement texts ("instead of X" is not one)."""
    by_name = {o.name: o for o in options}
    for name in ctx.scope.preferences:
        if name in by_name:
            return by_name[name]
        found = ctx.kb.find_technology(name)
        if found is not None and found[1].name in by_name:
            return by_name[found[1].name]
    texts = [
        ctx.scope.summary,
        *(r.text for r in ctx.scope.functional),
        *(r.text for r in ctx.scope.non_functional),
    ]
    for name in preferences_in_text("\n".join(texts), ctx.kb):
        if name in by_name:
            return by_name[name]
    return None


def sensitivity(chosen: Option, options: list[Option], criteria: list[Criterion]) -> str:
    """Margin to the runner-up and the smallest two-criterion weight shift that flips the call."""
    others = [o for o in options if o.name != chosen.name]
    if not others:
        return "Only one option in the catalogue."
    runner = max(others, key=lambda o: o.weighted)
    margin = round(chosen.weighted - runner.weighted, 2)
    head = (
        f"Margin {margin:.2f} over {runner.name} ({chosen.weighted:.2f} vs {runner.weighted:.2f})."
    )
    weights = {c.name: c.weight for c in criteria}
    best: tuple[float, str, str, str] | None = None
    for other in others:
        gap = sum(weights[n] * (chosen.scores[n] - other.scores[n]) for n in weights)
        for gain in weights:
            for source in weights:
                if gain == source or weights[source] <= 0:
                    continue
                rate = (chosen.scores[gain] - other.scores[gain]) - (
                    chosen.scores[source] - other.scores[source]
                )
                if rate >= 0:
                    continue
                shift = max(gap, 0.0) / -rate
                if shift <= weights[source] and (best is None or shift < best[0]):
                    best = (shift, other.name, gain, source)
    if best is None:
        return head + " Robust: no shift of weight between two criteria makes another option win."
    shift, name, gain, source = best
    if margin <= 0:
        head = (
            f"Tied with {runner.name} at {chosen.weighted:.2f}; the tie goes to the "
            "option that is easier to run."
        )
    return (
        f"{head} Flips if {gain} weight rises above "
        f"{weights[gain] + shift:.2f} (from {weights[gain]:.2f}, taken from {source}): "
        f"then {name} wins."
    )


def _wins(chosen: Option, other: Option, criteria: list[Criterion]) -> str:
    """The two criteria where `chosen` gains most over `other`, with their weights' reasons."""
    ranked = sorted(
        criteria,
        key=lambda c: c.weight * (chosen.scores[c.name] - other.scores[c.name]),
        reverse=True,
    )
    wins = [c for c in ranked if chosen.scores[c.name] > other.scores[c.name]][:2]
    return "; ".join(
        f"{c.name} {chosen.scores[c.name]} vs {other.scores[c.name]} "
        f"(weight {c.weight:.2f}: {c.why})"
        for c in wins
    )


def _rationale(chosen: Option, runner: Option | None, criteria: list[Criterion]) -> str:
    if runner is None:
        return f"{chosen.name} is the only catalogued option."
    parts = _wins(chosen, runner, criteria)
    lead = f"{chosen.name} scores {chosen.weighted:.2f} against {runner.name} {runner.weighted:.2f}"
    reason = f"; wins on {parts}" if parts else ""
    note = f". {chosen.note}" if chosen.note else ""
    return f"{lead}{reason}{note}"


def _preferred_rationale(chosen: Option, best: Option, criteria: list[Criterion]) -> str:
    """Why a technology the user asked for is used, and what the scores alone would pick."""
    note = f" {chosen.note}" if chosen.note else ""
    if best.name == chosen.name:
        return (
            f"Chosen because the requirements ask for {chosen.name}; it also scores best "
            f"({chosen.weighted:.2f}).{note}"
        )
    parts = _wins(best, chosen, criteria)
    return (
        f"Chosen because the requirements ask for {chosen.name} ({chosen.weighted:.2f}); on "
        f"the scores alone {best.name} would win ({best.weighted:.2f})"
        + (f", leading on {parts}" if parts else "")
        + f".{note}"
    )


def _preferred_sensitivity(chosen: Option, best: Option, scored: list[Option]) -> str:
    if best.name == chosen.name:
        others = [o for o in scored if o.name != chosen.name]
        if not others:
            return "Only one option in the catalogue."
        return (
            f"The scores agree with the request: {chosen.name} leads {others[0].name} by "
            f"{chosen.weighted - others[0].weighted:.2f}."
        )
    return (
        f"The scores would have picked {best.name} ({best.weighted:.2f} vs {chosen.weighted:.2f}, "
        f"a margin of {best.weighted - chosen.weighted:.2f}); the requirement overrides them. "
        f"Without it, {best.name} is the choice."
    )


def decide(
    d: DecisionInput, options: list[TechOption], ctx: Ctx, decision_id: str
) -> tuple[Decision, TechOption]:
    """The decision for one component and the winning catalogue option."""
    names = [n for n in CRITERIA if any(n in o.scores for o in options)] or list(CRITERIA)
    criteria = normalise(raw_weights(d, ctx), names)
    # ties go to the option that is easier to run, then the cheaper one
    scored = sorted(
        (score(o, criteria) for o in options),
        key=lambda o: (-o.weighted, -o.scores.get("ops_burden", 0), -o.scores.get("cost", 0)),
    )
    preferred = stated_preference(options, ctx)
    chosen = next((o for o in scored if preferred and o.name == preferred.name), scored[0])
    runner = next((o for o in scored if o.name != chosen.name), None)
    if preferred is not None:
        rationale = _preferred_rationale(chosen, scored[0], criteria)
        sens = _preferred_sensitivity(chosen, scored[0], scored)
    else:
        rationale = _rationale(chosen, runner, criteria)
        sens = sensitivity(chosen, scored, criteria)
    decision = Decision(
        id=decision_id,
        topic=f"{d.kind} technology for {d.component_id}",
        component=d.component_id,
        criteria=criteria,
        options=scored,
        chosen=chosen.name,
        rationale=rationale,
        sensitivity=sens,
    )
    option = next(o for o in options if o.name == chosen.name)
    return decision, option
