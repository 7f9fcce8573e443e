"""Document header, section 1 (Scope) and section 2 (Capacity estimates)."""

from __future__ import annotations

from agents.artefacts import DesignDoc, Estimate, Requirement, Scope

from . import fmt
from .blocks import Block, Bullets, Callout, Heading, Inline, Para, Rich, Table, b, code, i

SECTION_TITLES = [
    "1. Scope",
    "2. Capacity estimates",
    "3. High-level design",
    "4. Data flow",
    "5. Deep dives",
    "6. Decisions",
    "7. Qualities",
    "8. Review",
    "9. Wrap-up",
]


def cost_line(doc: DesignDoc) -> str:
    """'$1,524/month of a $3,000 budget (51%)' or just the total."""
    total, budget = doc.cost.total_monthly_usd, doc.cost.budget_monthly_usd
    if budget:
        return f"{fmt.usd(total)}/month of a {fmt.usd(budget)} budget ({total / budget:.0%})"
    return f"{fmt.usd(total)}/month (no budget given)"


def verdict_line(doc: DesignDoc) -> str:
    review = doc.review
    if review is None:
        return "not reviewed"
    revisions = doc.architecture.revision
    after = f" after {revisions} revision{'s' if revisions != 1 else ''}" if revisions else ""
    open_serious = len(review.open("blocker", "major"))
    tail = f", {open_serious} blocker/major finding(s) still open" if open_serious else ""
    return f"{review.verdict}{after} (review round {review.round}{tail})"


def header(doc: DesignDoc) -> list[Block]:
    """Title, incomplete banner, one-line summary, the system statement."""
    scope = doc.scope
    blocks: list[Block] = [Heading(1, doc.title)]
    if not doc.complete:
        reason = doc.incomplete_reason or "the run stopped early"
        blocks.append(
            Callout(
                "warning",
                [
                    b("Incomplete design. "),
                    f"The run stopped before the end: {reason}. The sections below hold what was "
                    "produced up to that point; check them before relying on them.",
                ],
            )
        )
    blocks.append(
        Para(
            [
                b("System: "),
                scope.system_name,
                " · ",
                b("Archetype: "),
                code(scope.archetype),
                " · ",
                b("Verdict: "),
                verdict_line(doc),
                " · ",
                b("Monthly cost: "),
                cost_line(doc),
            ]
        )
    )
    blocks.append(Para(scope.summary))
    return blocks


# --- 1. Scope -------------------------------------------------------------------------------


def nfr_target(req: Requirement) -> str:
    """An NFR target for people, with what it means where that helps."""
    if req.target is None:
        return "—"
    metric, value = req.metric or "", req.target
    if metric == "availability":
        downtime = (1 - value / 100) * 30 * 86400
        return f"{fmt.percent(value)} (≤ {fmt.duration(downtime)} down per 30 days)"
    if metric == "durability":
        return fmt.percent(value)
    if metric in ("latency_p99", "retention"):
        return fmt.duration(value)
    if metric == "budget":
        return f"{fmt.usd(value)}/month"
    if metric == "throughput":
        return f"{fmt.count(value)}/s"
    return fmt.in_unit(value, req.unit or "")


def scope_section(scope: Scope) -> list[Block]:
    blocks: list[Block] = [Heading(2, SECTION_TITLES[0])]
    if scope.warnings:
        blocks.append(Callout("warning", [b("Input warnings: "), " ".join(scope.warnings)]))
    blocks.append(Heading(3, "Functional requirements"))
    blocks.append(
        Table(
            ["id", "requirement", "source"],
            [[b(r.id), r.text, r.provenance] for r in scope.functional],
        )
    )
    blocks.append(Heading(3, "Non-functional requirements"))
    blocks.append(
        Table(
            ["id", "metric", "target", "requirement", "source"],
            [
                [b(r.id), code(r.metric or "—"), nfr_target(r), r.text, r.provenance]
                for r in scope.non_functional
            ],
        )
    )
    blocks.append(Heading(3, "Assumptions"))
    stated = sum(1 for a in scope.assumptions if a.provenance == "stated")
    blocks.append(
        Para(
            f"{stated} of {len(scope.assumptions)} inputs were stated; the rest are assumed, each "
            "with the reason. Stated values quote the phrase they came from."
        )
    )
    blocks.append(
        Table(
            ["input", "value", "source", "why"],
            [
                [
                    [code(a.name), " ", a.label],
                    a.display,
                    b("assumed") if a.provenance == "assumed" else "stated",
                    a.why,
                ]
                for a in scope.assumptions
            ],
            align=["l", "r", "l", "l"],
        )
    )
    if scope.non_goals:
        blocks.append(Heading(3, "Non-goals"))
        blocks.append(Bullets(list(scope.non_goals)))
    if scope.open_questions:
        blocks.append(Heading(3, "Open questions"))
        blocks.append(
            Table(
                ["question", "proposed default", "sets"],
                [
                    [q.question, q.proposed_default, code(q.assumption) if q.assumption else "—"]
                    for q in scope.open_questions
                ],
            )
        )
    return blocks


# --- 2. Capacity ----------------------------------------------------------------------------


def input_text(scope: Scope, name: str, value: float) -> str:
    """'dau = 10M (stated)' for an assumption, 'writes_per_day = 1M/day' for an estimate."""
    for a in scope.assumptions:
        if a.name == name:
            return f"{name} = {a.display} ({a.provenance})"
    est = scope.estimate(name)
    if est is not None:
        return f"{name} = {est.display}"
    return f"{name} = {fmt.number(value)}"


def estimate_row(scope: Scope, est: Estimate) -> list[Rich]:
    label: list[Inline] = [est.label, " ", code(est.name)]
    if est.note:
        label += [" — ", i(est.note)]
    inputs = ", ".join(input_text(scope, k, v) for k, v in est.inputs.items())
    return [label, est.display, [code(est.formula)], inputs or "—"]


def _shown(scope: Scope, name: str) -> str:
    """An estimate as the scoper displays it, so the prose matches the table."""
    est = scope.estimate(name)
    return est.display if est else fmt.count(scope.value(name))


def _sizing_sentence(scope: Scope) -> list[Inline]:
    """What sizes the system: peak against average, reads against writes, data growth."""
    parts: list[Inline] = []
    r_avg, r_peak = scope.value("read_qps_avg"), scope.value("read_qps_peak")
    w_avg, w_peak = scope.value("write_qps_avg"), scope.value("write_qps_peak")
    if r_peak and r_avg:
        parts += [
            b("The peak, not the average, sizes the system: "),
            f"reads peak at {_shown(scope, 'read_qps_peak')}, {r_peak / r_avg:.1f}× the "
            f"{_shown(scope, 'read_qps_avg')} average",
        ]
        if w_peak:
            parts.append(f", and writes at {_shown(scope, 'write_qps_peak')}")
            if w_avg:
                parts.append(f" ({_shown(scope, 'write_qps_avg')} on average)")
        parts.append(". ")
    if r_peak and w_peak:
        rw = r_peak / w_peak
        if rw >= 2:
            parts.append(
                f"Reads outnumber writes {fmt.number(round(rw))}:1, so the read path (serving "
                "tier, cache, replicas) carries the load, while writes size the primary store. "
            )
        elif rw <= 0.5:
            parts.append(
                f"Writes outnumber reads {fmt.number(round(1 / rw))}:1, so ingestion (queues, "
                "write throughput, storage growth) sizes the system. "
            )
        else:
            parts.append(
                "Reads and writes are of similar size; both paths need the peak headroom. "
            )
    per_day, total = scope.estimate("storage_per_day"), scope.estimate("storage_total")
    if per_day and total:
        parts.append(
            f"Data grows by {fmt.size(per_day.value)} a day to {total.display} over the "
            "retention period."
        )
    return parts


def capacity_section(scope: Scope, sized_by: dict[str, list[str]]) -> list[Block]:
    """The derivation chain, then what sizes the system; `sized_by` maps estimate -> components."""
    blocks: list[Block] = [Heading(2, SECTION_TITLES[1])]
    blocks.append(
        Para(
            "Every figure below is computed in code from the inputs of section 1; the formula and "
            "the inputs it used let anyone recompute it. Sizes are decimal (1 KB = 1,000 B)."
        )
    )
    blocks.append(
        Table(
            ["estimate", "value", "formula", "inputs"],
            [estimate_row(scope, e) for e in scope.estimates],
            align=["l", "r", "l", "l"],
        )
    )
    sentence = _sizing_sentence(scope)
    if sentence:
        blocks.append(Para(sentence))
    uses: list[list[Rich]] = []
    for name, comps in sized_by.items():
        est = scope.estimate(name)
        if comps:
            uses.append([[code(name)], est.display if est else "—", ", ".join(comps)])
    if uses:
        blocks.append(Para("Which number sizes which component:"))
        blocks.append(Table(["estimate", "value", "sizes"], uses, align=["l", "r", "l"]))
    return blocks
