"""Sections 7 (Qualities), 8 (Review), 9 (Wrap-up) and the run statistics."""

from __future__ import annotations

from agents.artefacts import (
    Architecture,
    Component,
    CostReport,
    DesignDoc,
    Review,
    RunStats,
    Scope,
    WrapUp,
)
from agents.regions import compose, is_global

from . import fmt
from .analysis import composed_availability, critical_path
from .blocks import Block, Bullets, Heading, Inline, Para, Rich, Table, b, code
from .sections_design import bullets_or
from .sections_scope import SECTION_TITLES

_SEVERITY_ORDER = {"blocker": 0, "major": 1, "minor": 2}


def quality_section(doc: DesignDoc) -> list[Block]:
    arch, scope = doc.architecture, doc.scope
    blocks: list[Block] = [Heading(2, SECTION_TITLES[6])]
    blocks += _resilient(arch, scope)
    blocks += _scalable(arch, scope)
    blocks.append(Heading(3, "Maintainable"))
    blocks.append(bullets_or(arch.maintainability, "No maintainability notes were recorded."))
    if arch.patterns:
        blocks.append(Para([b("Patterns applied: "), ", ".join(arch.patterns), "."]))
    blocks += _observable(arch)
    blocks += _cost(doc.cost)
    blocks.append(Heading(3, "Secure"))
    blocks.append(bullets_or(arch.security, "No security measures were recorded."))
    return blocks


def _resilient(arch: Architecture, scope: Scope) -> list[Block]:
    blocks: list[Block] = [Heading(3, "Resilient")]
    if arch.failure_modes:
        blocks.append(
            Para("Kill one piece at a time: what happens, and is acknowledged data safe?")
        )
        rows: list[list[Rich]] = []
        for fm in arch.failure_modes:
            safe: Rich = (
                ["yes — ", fm.data_note] if fm.data_safe else [b("no"), " — ", fm.data_note]
            )
            rows.append([fm.scenario, fm.effect, fm.mitigation, safe, fm.recovery or "—"])
        blocks.append(
            Table(["scenario", "what happens", "mitigation", "data safe?", "recovery"], rows)
        )
    else:
        blocks.append(Para("No failure modes were recorded."))
    path = critical_path(arch)
    if path:
        composed = composed_availability(path, arch.regions) * 100
        chain = " × ".join(f"{c.name} {fmt.nines(c.availability * 100)}" for c in path)
        sentence: list[Inline] = [
            b("Critical-path availability: "),
            f"{chain} = {_composed_text(composed)}",
        ]
        if arch.regions > 1:
            sentence = [
                b(f"Critical-path availability over {arch.regions} active regions: "),
                _regions_formula(path, arch.regions, composed),
            ]
        target = scope.nfr("availability")
        if target and target.target:
            verdict = "meets" if composed >= target.target else "misses"
            sentence.append(f", which {verdict} the {fmt.percent(target.target)} target.")
        else:
            sentence.append(".")
        blocks.append(Para(sentence))
    return blocks


def _regions_formula(path: list[Component], regions: int, composed_pct: float) -> str:
    """'one region's path lb 99.99% × … = 99.97%; … (1 − (1 − A_region)^2) = …'."""
    comp = compose([(c, c.availability) for c in path], regions, lambda a: fmt.nines(a * 100))
    regional = " × ".join(_avail_text(c) for c in path if not is_global(c))
    shared = " × ".join(_avail_text(c) for c in path if is_global(c))
    return (
        f"one region's path {regional or '—'} = {_composed_text(comp.regional * 100)}; with "
        f"{regions} regions in parallel{' behind ' + shared if shared else ''}: "
        f"{'global × ' if shared else ''}(1 − (1 − A_region)^{regions}) = "
        f"{_composed_text(composed_pct)}"
    )


def _avail_text(c: Component) -> str:
    return f"{c.name} {fmt.nines(c.availability * 100)}"


def _composed_text(pct: float) -> str:
    """Three decimals, so a miss of the target by 0.0001 is not shown as equal to it."""
    return fmt.nines(pct) if pct >= 99.9995 else f"{pct:.3f}%"


def _scalable(arch: Architecture, scope: Scope) -> list[Block]:
    blocks: list[Block] = [Heading(3, "Scalable")]
    if not arch.scaling:
        return [*blocks, Para("No scaling plan was recorded.")]
    peak = scope.value("read_qps_peak") or scope.value("write_qps_peak")
    unit = "reads/s" if scope.value("read_qps_peak") else "writes/s"
    rows: list[list[Rich]] = []
    for step in sorted(arch.scaling, key=lambda s: s.factor):
        load = f"{step.factor}×" + (f" ({fmt.count(peak * step.factor)} {unit})" if peak else "")
        rows.append([b(load), step.breaks, step.next_step])
    blocks.append(Table(["load", "what breaks first", "next step"], rows))
    return blocks


def _observable(arch: Architecture) -> list[Block]:
    blocks: list[Block] = [Heading(3, "Observable")]
    obs = arch.observability
    if obs is None:
        return [*blocks, Para("No observability plan was recorded.")]
    rows: list[list[Rich]] = []
    for what, items in (
        ("SLIs", obs.slis),
        ("SLOs", obs.slos),
        ("Dashboards", obs.dashboards),
        ("Alerts", obs.alerts),
    ):
        if items:
            rows.append([b(what), "\n".join(items)])
    if obs.tracing:
        rows.append([b("Tracing"), obs.tracing])
    blocks.append(Table(["signal", "what"], rows))
    return blocks


def _cost(cost: CostReport) -> list[Block]:
    blocks: list[Block] = [Heading(3, "Cost-aware")]
    blocks.append(Para([b("Price table: "), cost.price_table, "."]))
    rows: list[list[Rich]] = []
    for item in cost.items:
        rows.append(
            [
                item.item,
                item.component or "shared",
                item.category,
                f"{fmt.number(item.quantity)} {item.unit}",
                fmt.usd(item.unit_price_usd),
                fmt.usd(item.monthly_usd),
                item.formula or "—",
            ]
        )
    total = fmt.usd(cost.total_monthly_usd)
    if cost.budget_monthly_usd:
        total = f"{total} of {fmt.usd(cost.budget_monthly_usd)}"
    rows.append([b("total"), "", "", "", "", b(total), ""])
    blocks.append(
        Table(
            ["item", "component", "category", "quantity", "unit price", "monthly", "formula"],
            rows,
            align=["l", "l", "l", "r", "r", "r", "l"],
        )
    )
    by_category: dict[str, float] = {}
    for item in cost.items:
        by_category[item.category] = by_category.get(item.category, 0.0) + item.monthly_usd
    if by_category and cost.total_monthly_usd:
        split = ", ".join(
            f"{cat} {fmt.usd(v)} ({v / cost.total_monthly_usd:.0%})"
            for cat, v in sorted(by_category.items(), key=lambda kv: -kv[1])
        )
        verdict = ""
        if cost.within_budget is not None:
            verdict = " Within budget." if cost.within_budget else " Over budget."
        blocks.append(Para([b("By category: "), split + "." + verdict]))
    if cost.levers:
        lever_rows: list[list[Rich]] = [
            [b(lv.name), lv.description, fmt.usd(lv.monthly_saving_usd), lv.tradeoff]
            for lv in sorted(cost.levers, key=lambda lv: -lv.monthly_saving_usd)
        ]
        blocks.append(Para(b("Savings levers:")))
        blocks.append(
            Table(
                ["lever", "what to do", "saves / month", "tradeoff"],
                lever_rows,
                align=["l", "l", "r", "l"],
            )
        )
    if cost.alarms:
        blocks.append(Para(b("Budget alarms:")))
        blocks.append(Bullets(list(cost.alarms)))
    if cost.notes:
        blocks.append(Para([b("Caveats: "), " ".join(cost.notes)]))
    return blocks


def review_section(doc: DesignDoc) -> list[Block]:
    blocks: list[Block] = [Heading(2, SECTION_TITLES[7])]
    if not doc.reviews:
        return [*blocks, Para("The design was not reviewed.")]
    rounds: list[list[Rich]] = []
    for r in doc.reviews:
        counts = [str(len(r.open(sev))) for sev in ("blocker", "major", "minor")]
        rounds.append([str(r.round), b(r.verdict), *counts, r.summary or "—"])
    blocks.append(
        Table(
            ["round", "verdict", "open blockers", "open majors", "open minors", "summary"],
            rounds,
            align=["r", "l", "r", "r", "r", "l"],
        )
    )
    final = doc.reviews[-1]
    blocks += _findings(final, doc.architecture)
    blocks += _revisions(doc.architecture)
    if final.scorecard:
        blocks.append(Heading(3, "Scorecard"))
        blocks.append(
            Table(
                ["quality", "score", "why"],
                [
                    [
                        q.quality.replace("_", "-"),
                        f"{'●' * q.score}{'○' * (5 - q.score)} {q.score}/5",
                        q.note,
                    ]
                    for q in final.scorecard
                ],
            )
        )
    return blocks


def _findings(review: Review, arch: Architecture) -> list[Block]:
    blocks: list[Block] = [Heading(3, "Findings")]
    if not review.findings:
        return [*blocks, Para("No findings.")]
    rows: list[list[Rich]] = []
    for f in sorted(review.findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.id)):
        comp = arch.component(f.component) if f.component else None
        status: Rich = f.status
        if f.status == "resolved" and f.resolved_in is not None:
            status = f"resolved in revision {f.resolved_in}"
        elif f.status == "open":
            status = b("open")
        rows.append(
            [
                b(f.id),
                f.severity,
                [code(f.rule)],
                comp.name if comp else (f.component or "—"),
                f.message,
                f.recommendation,
                status,
            ]
        )
    blocks.append(
        Table(["id", "severity", "rule", "component", "finding", "recommendation", "status"], rows)
    )
    return blocks


def _revisions(arch: Architecture) -> list[Block]:
    blocks: list[Block] = [Heading(3, "Revisions")]
    if not arch.changes:
        return [*blocks, Para("The first design was approved as drafted; nothing was revised.")]
    rows: list[list[Rich]] = [
        [str(c.revision), b(c.finding), [code(c.rule)] if c.rule else "—", c.description]
        for c in arch.changes
    ]
    blocks.append(Table(["revision", "finding", "rule", "change"], rows, align=["r"]))
    return blocks


def wrap_up_section(wrap: WrapUp) -> list[Block]:
    blocks: list[Block] = [Heading(2, SECTION_TITLES[8]), Heading(3, "Risks")]
    if wrap.risks:
        blocks.append(
            Table(
                ["risk", "likelihood", "impact", "mitigation"],
                [
                    [
                        r.risk,
                        r.likelihood,
                        b(r.impact) if r.impact == "high" else r.impact,
                        r.mitigation,
                    ]
                    for r in wrap.risks
                ],
            )
        )
    else:
        blocks.append(Para("No risks were identified."))
    blocks.append(Heading(3, "Limits"))
    blocks.append(bullets_or(wrap.limits, "No limits were identified."))
    blocks.append(Heading(3, "Roadmap"))
    blocks.append(
        Bullets(list(wrap.roadmap), ordered=True) if wrap.roadmap else Para("No roadmap steps.")
    )
    return blocks


def run_section(doc: DesignDoc) -> list[Block]:
    stats: RunStats = doc.stats
    blocks: list[Block] = [Heading(2, "Run statistics")]
    meta: list[Inline] = [b("Run: "), code(stats.run_id or "—"), " · ", b("Model: "), stats.model]
    if doc.generated_at:
        meta += [" · ", b("Generated: "), doc.generated_at]
    meta += [" · ", b("Generator: "), doc.generator]
    blocks.append(Para(meta))
    if stats.roles:
        rows: list[list[Rich]] = []
        for r in stats.roles:
            rows.append(
                [
                    b(r.role),
                    str(r.runs),
                    str(r.model_calls),
                    str(r.cache_hits),
                    f"{r.prompt_tokens + r.completion_tokens:,}",
                    fmt.usd(r.usd),
                    f"{r.seconds:.2f}",
                    str(len(r.fallbacks)),
                ]
            )
        totals = [
            sum(getattr(r, k) for r in stats.roles) for k in ("runs", "model_calls", "cache_hits")
        ]
        tokens = sum(r.prompt_tokens + r.completion_tokens for r in stats.roles)
        rows.append(
            [
                b("total"),
                *(str(t) for t in totals),
                f"{tokens:,}",
                fmt.usd(sum(r.usd for r in stats.roles)),
                f"{sum(r.seconds for r in stats.roles):.2f}",
                str(sum(len(r.fallbacks) for r in stats.roles)),
            ]
        )
        blocks.append(
            Table(
                [
                    "role",
                    "runs",
                    "model calls",
                    "cache hits",
                    "tokens",
                    "$",
                    "seconds",
                    "fallbacks",
                ],
                rows,
                align=["l", "r", "r", "r", "r", "r", "r", "r"],
            )
        )
        fallbacks = [f"{r.role}: {fb}" for r in stats.roles for fb in r.fallbacks]
        if fallbacks:
            blocks.append(Para(b("Where the deterministic draft was kept:")))
            blocks.append(Bullets(fallbacks))
    return blocks
