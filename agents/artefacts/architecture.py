"""What the architect produces: components, links, API, data model, flows, decisions, ..."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Component(BaseModel):
    """One box of the architecture, sized from the catalogue and tied to what it serves."""

    id: str = Field(description="Slug used in links and diagrams, e.g. 'paste_db'.")
    name: str = Field(description="Human name, e.g. 'paste metadata store'.")
    kind: str = Field(description="Catalogue kind: service, cache, sql_db, queue, cdn, ...")
    technology: str = Field(description="Chosen technology, e.g. 'PostgreSQL', 'Redis'.")
    responsibility: str = Field(description="What it does, in one sentence.")
    instances: int = Field(ge=0, description="Node/instance count (0 for fully managed).")
    sizing: str = Field(
        description="How instances was derived: formula with the estimate and per-node capacity."
    )
    stateful: bool = Field(description="Whether it holds data that must survive a node loss.")
    replication: int = Field(default=1, ge=1, description="Copies of each piece of data.")
    managed: bool = Field(default=False, description="A managed cloud service (SLA from vendor).")
    serves: list[str] = Field(description="Requirement ids (FR-n / NFR-n) this component serves.")
    estimates: list[str] = Field(
        default_factory=list, description="Names of the capacity estimates that size it."
    )
    features: list[str] = Field(
        default_factory=list,
        description="Mechanisms it has: automatic_failover, dead_letter_queue, backpressure, "
        "idempotency_keys, rate_limiting, ttl_invalidation, retries_with_backoff, ...",
    )
    availability: float = Field(
        default=0.999, description="Availability of the component as deployed (0..1)."
    )


class Link(BaseModel):
    """A directed call or data flow between two components."""

    source: str = Field(description="Component id the call or data starts from.")
    target: str = Field(description="Component id it goes to.")
    label: str = Field(description="What crosses the link, e.g. 'GET /p/{key}'.")
    sync: bool = Field(default=True, description="Synchronous request (true) or async (false).")
    critical: bool = Field(
        default=True, description="Whether the main user path fails when this link fails."
    )


class EntityField(BaseModel):
    """A field of a data-model entity."""

    name: str = Field(description="Field name.")
    type: str = Field(description="Type: string, int, bigint, timestamp, bool, blob, ...")
    key: Literal["PK", "FK", "UK", ""] = Field(default="", description="Key role, if any.")
    note: str = Field(default="", description="Why it exists or how it is indexed.")


class Relation(BaseModel):
    """A relation between two entities of the data model."""

    target: str = Field(description="Name of the related entity.")
    cardinality: Literal["one_to_one", "one_to_many", "many_to_many"] = Field(
        description="Cardinality from this entity to the target."
    )
    label: str = Field(description="Verb phrase, e.g. 'creates'.")


class Entity(BaseModel):
    """An entity of the data model and the store that holds it."""

    name: str = Field(description="Entity name, e.g. 'Paste'.")
    store: str = Field(description="Id of the component that holds it.")
    fields: list[EntityField] = Field(description="Its fields.")
    relations: list[Relation] = Field(default_factory=list, description="Relations it owns.")
    partition_key: str | None = Field(default=None, description="Shard/partition key, if any.")
    bytes_per_record: int | None = Field(
        default=None, description="Approximate record size used by the capacity chain."
    )


class Endpoint(BaseModel):
    """One API operation."""

    method: str = Field(description="HTTP method or 'WS' for a websocket message.")
    path: str = Field(description="Path, e.g. '/v1/pastes/{key}'.")
    purpose: str = Field(description="What it does.")
    request: str = Field(default="", description="Example request body (JSON) or ''.")
    response: str = Field(default="", description="Example response (JSON or status).")
    serves: list[str] = Field(default_factory=list, description="FR ids it serves.")
    component: str = Field(description="Component id that handles it.")


class FlowStep(BaseModel):
    """One hop of a traced request."""

    source: str = Field(description="Component id (or 'client') sending.")
    target: str = Field(description="Component id (or 'client') receiving.")
    action: str = Field(description="What happens, with the concrete example values.")
    reply: bool = Field(default=False, description="Whether this hop is a reply.")


class Flow(BaseModel):
    """A concrete example traced through the write or the read path."""

    name: str = Field(description="E.g. 'create a paste'.")
    path: Literal["write", "read", "async"] = Field(description="Which path it traces.")
    example: str = Field(description="The concrete example payload, e.g. a JSON body.")
    steps: list[FlowStep] = Field(description="Hops in order.")


class Criterion(BaseModel):
    """A weighted criterion of a decision; the weight derives from the NFRs."""

    name: str = Field(description="E.g. 'throughput', 'ops burden', 'cost'.")
    weight: float = Field(ge=0, le=1, description="Weight; the weights of a decision sum to 1.")
    why: str = Field(description="Which NFR or number the weight comes from.")


class Option(BaseModel):
    """One technology option scored against the criteria."""

    name: str = Field(description="Technology name.")
    scores: dict[str, int] = Field(description="Criterion name -> score 1..5.")
    weighted: float = Field(description="Sum of weight x score.")
    note: str = Field(default="", description="Its main strength or weakness here.")


class Decision(BaseModel):
    """An ADR-style technology decision with its tradeoff table."""

    id: str = Field(description="'D-1', 'D-2', ...")
    topic: str = Field(description="What is decided, e.g. 'paste metadata store'.")
    component: str = Field(description="Component id the decision applies to.")
    criteria: list[Criterion] = Field(description="Weighted criteria.")
    options: list[Option] = Field(description="Options scored, best first.")
    chosen: str = Field(description="Name of the chosen option.")
    rationale: str = Field(description="Why it wins here, tied to the requirements.")
    sensitivity: str = Field(default="", description="How close the call is; what would flip it.")


class DeepDive(BaseModel):
    """A hard part of this system, explored."""

    id: str = Field(description="Knowledge-base deep-dive id.")
    title: str = Field(description="E.g. 'Short-key generation'.")
    problem: str = Field(description="Why it is hard here, with the numbers.")
    mechanism: str = Field(description="The chosen mechanism.")
    options: list[str] = Field(description="Alternatives considered.")
    tradeoff: str = Field(description="What the choice costs.")
    failure_modes: list[str] = Field(description="How it fails and what then happens.")
    components: list[str] = Field(default_factory=list, description="Component ids involved.")


class FailureMode(BaseModel):
    """A row of the 'kill one VM: what happens, is data safe?' table."""

    scenario: str = Field(description="What fails, e.g. 'the primary database node dies'.")
    component: str = Field(description="Component id that fails.")
    effect: str = Field(description="What users and the system see.")
    mitigation: str = Field(description="What is in place to handle it.")
    data_safe: bool = Field(description="Whether acknowledged data survives.")
    data_note: str = Field(description="Why data is (or is not) safe.")
    recovery: str = Field(default="", description="Recovery time or procedure.")


class ScalingStep(BaseModel):
    """What breaks at a multiple of today's load, and the next step."""

    factor: int = Field(description="Load multiple, e.g. 10 or 100.")
    breaks: str = Field(description="What breaks first, with the number that shows it.")
    next_step: str = Field(description="What to do then.")


class Observability(BaseModel):
    """SLIs, SLOs, dashboards, alerts and tracing."""

    slis: list[str] = Field(description="Service-level indicators measured.")
    slos: list[str] = Field(description="Objectives, tied to the NFRs.")
    dashboards: list[str] = Field(description="Dashboards and what they show.")
    alerts: list[str] = Field(description="Alerts with thresholds.")
    tracing: str = Field(default="", description="How requests are traced.")


class Change(BaseModel):
    """A change the architect made in a revision, answering a review finding."""

    revision: int = Field(description="Revision number (1 = first revision).")
    finding: str = Field(description="Finding id it answers, e.g. 'R-1'.")
    rule: str = Field(default="", description="Rule id of that finding.")
    description: str = Field(description="What changed, concretely.")


class Architecture(BaseModel):
    """The architect's artefact."""

    components: list[Component] = Field(description="All components.")
    links: list[Link] = Field(description="Calls and data flows between components.")
    endpoints: list[Endpoint] = Field(description="The API.")
    entities: list[Entity] = Field(description="The data model.")
    flows: list[Flow] = Field(description="Traced examples: one write path, one read path.")
    decisions: list[Decision] = Field(description="Technology decisions with tradeoff tables.")
    deep_dives: list[DeepDive] = Field(description="2-4 deep dives specific to this system.")
    failure_modes: list[FailureMode] = Field(description="Failure-mode table.")
    scaling: list[ScalingStep] = Field(default_factory=list, description="10x/100x plan.")
    observability: Observability | None = Field(default=None, description="SLIs/SLOs/alerts.")
    security: list[str] = Field(default_factory=list, description="Security measures.")
    maintainability: list[str] = Field(
        default_factory=list, description="Service boundaries, interfaces, deploy practices."
    )
    patterns: list[str] = Field(default_factory=list, description="Design patterns applied.")
    regions: int = Field(default=1, ge=1, description="Number of regions deployed to.")
    revision: int = Field(default=0, description="0 for the first design, n after n revisions.")
    changes: list[Change] = Field(default_factory=list, description="Changes per revision.")

    def component(self, component_id: str) -> Component | None:
        """The component with this id, if present."""
        return next((c for c in self.components if c.id == component_id), None)
