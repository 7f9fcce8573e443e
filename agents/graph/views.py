"""Compact views of the artefacts for prompts: each role gets what it reasons about, not every
field of every upstream artefact (the full JSON would triple the prompt tokens)."""

from __future__ import annotations

from typing import Any

from ..artefacts import Architecture, Scope


def scope_view(scope: Scope) -> dict[str, Any]:
    """The scope as later roles need it: requirements, metrics and figures (no derivations)."""
    return {
        "system_name": scope.system_name,
        "summary": scope.summary,
        "archetype": scope.archetype,
        "capabilities": scope.capabilities,
        "functional": [{"id": r.id, "text": r.text} for r in scope.functional],
        "non_functional": [
            {"id": r.id, "metric": r.metric, "target": r.target, "unit": r.unit, "text": r.text}
            for r in scope.non_functional
        ],
        "assumptions": {a.name: f"{a.display} ({a.provenance})" for a in scope.assumptions},
        "estimates": {e.name: e.display for e in scope.estimates},
        "preferences": scope.preferences,
    }


def architecture_view(arch: Architecture) -> dict[str, Any]:
    """The architecture's structure (components, links, choices, mechanisms) without the
    long-form sections a reviewer or the cost analyst does not judge from."""
    return {
        "regions": arch.regions,
        "revision": arch.revision,
        "components": [
            {
                "id": c.id,
                "kind": c.kind,
                "technology": c.technology,
                "instances": c.instances,
                "stateful": c.stateful,
                "replication": c.replication,
                "managed": c.managed,
                "serves": c.serves,
                "features": c.features,
                "availability": c.availability,
            }
            for c in arch.components
        ],
        "links": [
            {
                "source": k.source,
                "target": k.target,
                "label": k.label,
                "sync": k.sync,
                "critical": k.critical,
            }
            for k in arch.links
        ],
        "decisions": [{"topic": d.topic, "chosen": d.chosen} for d in arch.decisions],
        "deep_dives": [d.title for d in arch.deep_dives],
        "alerts": arch.observability.alerts if arch.observability else [],
        "changes": [c.description for c in arch.changes],
    }
