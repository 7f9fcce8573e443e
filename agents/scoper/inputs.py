"""The assumption list the scoper builds, and helpers to add stated-or-assumed inputs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..artefacts import Assumption
from ..kb import Archetype
from ..quantities import PERIOD_SECONDS
from . import display
from .stated import StatedValue


@dataclass
class AssumptionSet:
    """The assumptions in the order they were made, plus how writes and reads are derived."""

    items: list[Assumption] = field(default_factory=list)
    writes_source: str = "per_user"  # per_user | total | requests | peak | reads
    reads_source: str = "ratio"  # ratio | total | per_user | requests
    total_period: dict[str, str] = field(default_factory=dict)  # 'writes' -> 'month'
    features: set[str] = field(default_factory=set)
    events: dict[str, str] = field(default_factory=dict)  # other stated events -> period

    def add(
        self, name: str, label: str, value: float, unit: str, shown: str, prov: str, why: str
    ) -> None:
        """Add (or replace) the assumption `name`."""
        self.items = [a for a in self.items if a.name != name]
        self.items.append(
            Assumption(
                name=name,
                label=label,
                value=value,
                unit=unit,
                display=shown,
                provenance="stated" if prov == "stated" else "assumed",
                why=why,
            )
        )

    @property
    def values(self) -> dict[str, float]:
        """name -> value of every assumption."""
        return {a.name: a.value for a in self.items}

    def get(self, name: str) -> Assumption | None:
        """The assumption called `name`, if made."""
        return next((a for a in self.items if a.name == name), None)


def event_ident(noun: str) -> str:
    """Identifier for a stated event noun: 'ride' -> 'rides', 'page view' -> 'page_views'."""
    return re.sub(r"[^a-z0-9]+", "_", display.plural(noun).lower()).strip("_") or "events"


def typical_for(archetype: Archetype) -> str:
    return f"typical for a {archetype.name}"


def stated_or(
    out: AssumptionSet,
    stated: StatedValue | None,
    name: str,
    label: str,
    default: float,
    unit: str,
    fmt: display.Formatter,
    why_assumed: str,
    convert: float = 1.0,
) -> float:
    if stated is not None:
        value = stated.value * convert
        out.add(name, label, value, unit, fmt(value), "stated", f'stated: "{stated.phrase}"')
    else:
        value = default
        out.add(name, label, value, unit, fmt(value), "assumed", why_assumed)
    return value


def add_total(out: AssumptionSet, kind: str, sv: StatedValue, label: str) -> float:
    """A stated total rate as an assumption 'stated_<kind>_per_<period>'; returns per day."""
    period = sv.period or "day"
    out.total_period[kind] = period
    out.add(
        f"stated_{kind}_per_{period}",
        f"{label} per {period}",
        sv.value,
        f"per_{period}",
        f"{display.count(sv.value)}/{period}",
        "stated",
        f'stated: "{sv.phrase}"',
    )
    return sv.value * PERIOD_SECONDS["day"] / PERIOD_SECONDS[period]
