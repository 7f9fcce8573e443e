"""Schema of the knowledge base: the data files under `agents/kb/data/` (and user overrides).

The knowledge base is data, not code. Each file is YAML with a `version` date; a user can add or
override any entry (matched by `id`) with files of their own (`--kb DIR`).
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class LoadDefaults(BaseModel):
    """Typical load of a kind of system, used when the requirements do not say."""

    dau: float = Field(description="Daily active users.")
    writes_per_user_per_day: float = Field(description="Write actions per active user per day.")
    reads_per_write: float = Field(description="Read:write ratio (reads per write).")
    object_bytes: float = Field(description="Size of the main written object (payload).")
    metadata_bytes: float = Field(default=500, description="Metadata stored per object.")
    retention_days: float = Field(description="How long written data is kept.")
    availability_pct: float = Field(description="Availability target, percent.")
    p99_ms: float = Field(description="p99 latency target of the main read path, ms.")
    peak_factor: float = Field(default=3.0, description="Peak-to-average traffic ratio.")
    media_bytes: float = Field(
        default=0, description="Average size of attached media per write (0 = none)."
    )
    media_share: float = Field(default=0, description="Share of writes that carry media.")
    watch_minutes_per_view: float = Field(
        default=0, description="Streaming: minutes actually watched per view (0 = not streamed)."
    )
    delivered_bitrate_bps: float = Field(
        default=0, description="Streaming: average delivered bitrate, bits/s, over all devices."
    )
    budget_usd_month: float | None = Field(default=None, description="Typical budget, if any.")


class EntityTemplate(BaseModel):
    """An entity a kind of system or capability typically has."""

    name: str = Field(description="Entity name, e.g. 'Paste'.")
    store_kind: str = Field(description="Catalogue kind of the store that holds it.")
    fields: list[str] = Field(
        description="'name:type[:PK|FK|UK]' strings, e.g. 'paste_key:string:PK'."
    )
    relations: list[str] = Field(
        default_factory=list, description="'Target:one_to_many:label' strings."
    )
    partition_key: str | None = Field(default=None, description="Shard key, if any.")
    bytes_per_record: int | None = Field(default=None, description="Typical record size.")


class EndpointTemplate(BaseModel):
    """An API operation a kind of system or capability typically has."""

    method: str = Field(description="HTTP method or WS.")
    path: str = Field(description="Path template.")
    purpose: str = Field(description="What it does.")
    request: str = Field(default="", description="Example request JSON.")
    response: str = Field(default="", description="Example response.")
    handler_kind: str = Field(default="service", description="Kind of component handling it.")
    fr: int | None = Field(
        default=None, description="Index (0-based) of the functional requirement it serves."
    )


class ComponentTemplate(BaseModel):
    """A component a kind of system or capability needs."""

    role: str = Field(description="Component id to use, e.g. 'paste_store', 'media_store'.")
    kind: str = Field(description="Catalogue kind, e.g. 'kv_store', 'object_store'.")
    name: str = Field(description="Human name.")
    responsibility: str = Field(description="What it does.")
    load: str = Field(
        default="write",
        description="Which load sizes it: read, write, total, fanout, storage, stream, none; "
        "media (the writes that carry media: write_qps_peak x media_share), notify (a "
        "notification estimate when the scope has one, else the writes).",
    )
    links_from: list[str] = Field(
        default_factory=list, description="Roles (or kinds) that call this component."
    )
    link_label: str = Field(default="", description="Label of the incoming link.")
    async_link: bool = Field(default=False, description="Whether the incoming link is async.")
    main_path: bool = Field(
        default=True,
        description="False when the main user path does not wait on it (tokens issued here are "
        "verified locally; media served from a CDN): its links are not critical.",
    )
    ops_per_node: float | None = Field(
        default=None,
        description="Sustainable units of this role's load per node when its work is much "
        "heavier or lighter than the catalogue's generic figure for the kind (transcoding, "
        "a matching engine, a thin proxy); None = use the catalogue option's per_node_ops.",
    )


class Archetype(BaseModel):
    """A kind of system teams and interviewers often design."""

    id: str = Field(description="Stable id, e.g. 'url_shortener'.")
    name: str = Field(description="Human name, e.g. 'URL shortener'.")
    keywords: list[str] = Field(description="Words and phrases that identify it in a request.")
    family: str = Field(
        description="data_store, batch, stream, storage, messaging, user_facing, ledger, "
        "orchestration."
    )
    capabilities: list[str] = Field(description="Capability ids it always needs.")
    defaults: LoadDefaults = Field(description="Typical load.")
    write_noun: str = Field(description="What a write creates, e.g. 'paste'.")
    read_noun: str = Field(description="What a read fetches, e.g. 'paste view'.")
    functional: list[str] = Field(description="Typical functional requirements.")
    components: list[ComponentTemplate] = Field(
        default_factory=list, description="Components specific to this kind."
    )
    entities: list[EntityTemplate] = Field(default_factory=list, description="Data model.")
    endpoints: list[EndpointTemplate] = Field(default_factory=list, description="API.")
    deep_dives: list[str] = Field(description="Deep-dive ids, most important first.")
    non_goals: list[str] = Field(default_factory=list, description="Typical non-goals.")
    example_payload: str = Field(description="Example write payload (JSON) for the traced flow.")
    read_heavy: bool = Field(default=True, description="Whether reads dominate.")


class Capability(BaseModel):
    """A capability that composes into any system (media upload, feeds, search, ...)."""

    id: str = Field(description="Stable id, e.g. 'media_upload'.")
    name: str = Field(description="Human name.")
    keywords: list[str] = Field(description="Words that reveal the need for it.")
    functional: list[str] = Field(description="Functional requirements it adds.")
    components: list[ComponentTemplate] = Field(description="Components it adds.")
    entities: list[EntityTemplate] = Field(default_factory=list, description="Entities it adds.")
    endpoints: list[EndpointTemplate] = Field(default_factory=list, description="API it adds.")
    deep_dives: list[str] = Field(default_factory=list, description="Deep dives it brings.")
    patterns: list[str] = Field(default_factory=list, description="Pattern ids it applies.")
    supersedes: list[str] = Field(
        default_factory=list,
        description="Capability ids it already covers (dropped when both are chosen).",
    )


class TechOption(BaseModel):
    """A technology that can fill a component kind, with its per-node capacity."""

    name: str = Field(description="Technology name, e.g. 'PostgreSQL'.")
    per_node_ops: float = Field(description="Sustainable operations per second per node.")
    per_node_storage_gb: float | None = Field(
        default=None, description="Usable storage per node, GB (None = unbounded/managed)."
    )
    consistency: str = Field(description="strong, eventual, tunable, n/a.")
    managed: bool = Field(default=False, description="Offered as a managed service.")
    sla_pct: float | None = Field(default=None, description="Vendor SLA for managed services.")
    instance_class: str = Field(description="Price-table key of its node type.")
    scores: dict[str, int] = Field(
        description="Criterion -> 1..5: throughput, latency, durability, consistency, "
        "ops_burden (5 = easiest), cost (5 = cheapest), flexibility, ecosystem."
    )
    features: list[str] = Field(
        default_factory=list, description="Mechanisms it provides out of the box."
    )
    synonyms: list[str] = Field(default_factory=list, description="Other names for it.")
    note: str = Field(default="", description="Its main strength or weakness.")
    storage_class: str | None = Field(
        default=None, description="Price-table storage class of its data (None = no data)."
    )
    request_price_keys: dict[str, str] = Field(
        default_factory=dict,
        description="Load type (read, write, any) -> requests_per_million key, for services "
        "billed per request (instance_class 'serverless' then costs 0 per hour).",
    )
    per_node_connections: float | None = Field(
        default=None, description="Concurrent client connections one node holds (realtime)."
    )


class ComponentKind(BaseModel):
    """A kind of component and its technology options."""

    id: str = Field(description="Kind id, e.g. 'kv_store'.")
    name: str = Field(description="Human name, e.g. 'key-value store'.")
    stateful: bool = Field(description="Whether it holds data.")
    replication: int = Field(default=1, description="Default copies of data.")
    synonyms: list[str] = Field(default_factory=list, description="e.g. 'memory cache'.")
    options: list[TechOption] = Field(description="Technology options.")


class EgressTier(BaseModel):
    """One volume tier of a CDN price: GB in a month up to `up_to_gb` cost `usd_per_gb`."""

    up_to_gb: float | None = Field(
        default=None, description="Upper bound of the tier, cumulative GB/month (None = above)."
    )
    usd_per_gb: float = Field(description="USD per GB within this tier.")


class Prices(BaseModel):
    """A dated price table (USD)."""

    version: str = Field(description="Date of the price table, e.g. '2026-11-01'.")
    source: str = Field(description="Which provider/list the prices approximate.")
    instance_hour: dict[str, float] = Field(description="Instance class -> USD per hour.")
    storage_gb_month: dict[str, float] = Field(
        description="Storage class (block, object, object_ia, ...) -> USD per GB-month."
    )
    egress_gb: float = Field(description="Internet egress, USD per GB.")
    cdn_egress_gb: float = Field(description="CDN egress, USD per GB.")
    cdn_egress_tiers: list[EgressTier] = Field(
        default_factory=list,
        description="Volume tiers of CDN egress, cheapest last; empty = flat cdn_egress_gb.",
    )
    inter_region_gb: float = Field(
        default=0.02,
        description="Data transfer between regions (cross-region replication), USD per GB.",
    )
    requests_per_million: dict[str, float] = Field(
        default_factory=dict, description="Per-request prices (managed services), per million."
    )
    reserved_discount: float = Field(default=0.4, description="Discount of 1-year commitments.")
    hours_per_month: float = Field(default=730, description="Hours billed per month.")


class DeepDiveTemplate(BaseModel):
    """A hard part of some systems; text may use {placeholders} filled from the scope."""

    id: str = Field(description="Stable id, e.g. 'key_generation'.")
    title: str = Field(description="Title.")
    problem: str = Field(description="Why it is hard; may reference {estimate_name} values.")
    mechanism: str = Field(description="The usual good mechanism.")
    options: list[str] = Field(description="Alternatives.")
    tradeoff: str = Field(description="What the mechanism costs.")
    failure_modes: list[str] = Field(description="How it fails.")
    component_kinds: list[str] = Field(default_factory=list, description="Kinds involved.")


class Pattern(BaseModel):
    """A design pattern."""

    id: str = Field(description="Stable id, e.g. 'cache_aside'.")
    name: str = Field(description="Name.")
    when: str = Field(description="When to apply it.")
    description: str = Field(description="What it is.")


class RuleInfo(BaseModel):
    """Metadata of a review rule (the check itself is a named function in code)."""

    id: str = Field(description="Rule id, e.g. 'no-spof-stateful'.")
    severity: str = Field(description="Default severity: blocker, major, minor.")
    quality: str = Field(description="Quality it protects.")
    title: str = Field(description="One-line title.")
    rationale: str = Field(description="Why it matters (the distributed-systems lesson).")
    recommendation: str = Field(description="Typical fix.")
