"""Which kind of primary store (SQL, key-value, document) each store of record is: a technology
the requirements ask for decides first, then the numbers (write load and volume push a store off
SQL; money and inventory moves pull it back to SQL for transactions)."""

from __future__ import annotations

from ._common import PRIMARY_STORE_KINDS, UTILISATION, Ctx, fmt_bytes, fmt_num, fmt_rate


def preferred_store_kind(kind: str, ctx: Ctx, load: str = "write") -> tuple[str, str] | None:
    """(kind, reason) when the requirements ask for a primary-store technology: a store of
    that technology's kind keeps it, any other primary store moves to the first one asked for."""
    asked = [(k, opt) for k, opt in ctx.preferred if k in PRIMARY_STORE_KINDS]
    if not asked:
        return None
    chosen, option = next(((k, o) for k, o in asked if k == kind), asked[0])
    why = f"the requirements ask for {option.name}"
    if chosen == "sql_db" and not ctx.transactional:
        limit = option.per_node_ops * UTILISATION
        if ctx.write_peak > limit and load in ("write", "total", "fanout"):
            why += (
                f" (write_qps_peak {fmt_rate(ctx.write_peak)} is above one primary's "
                f"{fmt_rate(limit)}: partition it by key, e.g. Citus or application sharding)"
            )
    elif chosen != "sql_db" and ctx.transactional:
        why += " (money/inventory moves then need conditional writes instead of transactions)"
    return chosen, why


def main_store_role(ctx: Ctx) -> str | None:
    """Role id of the archetype's main store of record: the primary-store template of its
    first entity's kind, else its first primary-store template."""
    if ctx.archetype is None:
        return None
    stores = [t for t in ctx.archetype.components if t.kind in PRIMARY_STORE_KINDS]
    first = ctx.archetype.entities[0].store_kind if ctx.archetype.entities else None
    main = next((t for t in stores if t.kind == first), stores[0] if stores else None)
    return main.role if main else None


def choose_store_kind(
    kind: str, ctx: Ctx, load: str = "write", main: bool = True
) -> tuple[str, str]:
    """Re-check a primary store's kind against the numbers: (kind, reason or '').

    A technology the requirements ask for decides first: the `main` store moves to its kind,
    a store already of that kind keeps it. Otherwise only write load and volume push a store
    off SQL: reads scale with replicas."""
    if kind not in PRIMARY_STORE_KINDS or "sql_db" not in ctx.kb.kinds:
        return kind, ""
    preferred = preferred_store_kind(kind, ctx, load)
    if preferred is not None and (main or preferred[0] == kind):
        return preferred
    sql = max(ctx.kb.kind("sql_db").options, key=lambda o: o.per_node_ops)
    write_limit = sql.per_node_ops * UTILISATION
    storage_limit = (sql.per_node_storage_gb or 0) * 1e9
    storage = ctx.value("storage_total")
    too_many_writes = ctx.write_peak > write_limit and load in ("write", "total", "fanout")
    too_big = storage_limit > 0 and storage > storage_limit and load in ("write", "storage")
    if (
        kind == "sql_db"
        and not ctx.transactional
        and (too_many_writes or too_big)
        and ("kv_store" in ctx.kb.kinds)
    ):
        why = (
            (
                f"write_qps_peak {fmt_rate(ctx.write_peak)} exceeds one SQL primary "
                f"({sql.name}: {fmt_num(sql.per_node_ops)}/s × {UTILISATION} = "
                f"{fmt_rate(write_limit)})"
            )
            if too_many_writes
            else (
                f"storage_total {fmt_bytes(storage)} exceeds one SQL primary's "
                f"{fmt_bytes(storage_limit)}"
            )
        )
        return "kv_store", f"partitioned key-value store instead of SQL: {why}"
    if kind in ("kv_store", "document_db") and ctx.transactional and not too_many_writes:
        return "sql_db", (
            f"relational store instead of {kind}: money/inventory moves need "
            f"multi-row transactions, and write_qps_peak "
            f"{fmt_rate(ctx.write_peak)} fits one primary "
            f"({fmt_rate(write_limit)})"
        )
    return kind, ""
