"""Eval cases: a requirement file plus what a good design for it must contain.

A case is a Markdown requirement file. Its expectations live either in the front matter under
the key ``expect:`` or in a sidecar file ``<name>.expect.yaml`` next to it (the sidecar wins)::

    expect:
      capacity:                          # estimate name -> value [± tolerance]
        write_qps_avg: 3.86 ± 5%         # or {value: 3.86, tolerance: 0.05}
        read_qps_avg: 38.6
      components: [memory cache, object storage]   # matched through kb.synonyms
      techniques: [rate_limiting, idempotency_keys] # features, patterns or deep dives
      features: [paste, expire]          # keywords the functional requirements must mention
      flaws: [single_instance_store, no_alerts]     # injected flaws the reviewer must catch

The ``expect`` key is removed from the front matter before the requirements reach the crew, so
expectations never leak into the design.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from agents.artefacts import Requirements
from agents.errors import InputError
from agents.requirements import read_requirements

DEFAULT_TOLERANCE = 0.05  # relative, when a capacity figure gives none
EXPECT_KEY = "expect"
SIDECAR_SUFFIX = ".expect.yaml"

# "3.86 ± 5%", "3.86 +- 0.2", "3.86+/-5 %", "3.86"
_FIGURE = re.compile(
    r"^\s*(?P<value>[-+]?\d[\d_,]*(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*"
    r"(?:(?:±|\+-|\+/-)\s*(?P<tol>\d+(?:\.\d+)?)\s*(?P<pct>%)?)?\s*$"
)


class CapacityExpectation(BaseModel):
    """An estimate the design must contain, within a relative tolerance."""

    model_config = ConfigDict(extra="forbid")

    value: float = Field(description="Expected value in the estimate's base unit.")
    tolerance: float = Field(
        default=DEFAULT_TOLERANCE, ge=0, description="Allowed relative deviation (0.05 = 5%)."
    )

    def accepts(self, actual: float) -> bool:
        """Whether `actual` is within tolerance of the expected value."""
        if self.value == 0:
            return abs(actual) <= self.tolerance
        return abs(actual - self.value) <= abs(self.value) * self.tolerance + 1e-12

    def describe(self) -> str:
        """'3.86 ± 5%'."""
        return f"{self.value:g} ± {self.tolerance * 100:g}%"


def parse_figure(raw: Any) -> CapacityExpectation:
    """A capacity expectation from a number, a '3.86 ± 5%' string or a mapping.

    An absolute tolerance ('3.86 ± 0.2') is converted to a relative one.
    """
    if isinstance(raw, CapacityExpectation):
        return raw
    if isinstance(raw, bool):
        raise ValueError(f"not a number: {raw!r}")
    if isinstance(raw, int | float):
        return CapacityExpectation(value=float(raw))
    if isinstance(raw, dict):
        return CapacityExpectation.model_validate(raw)
    if isinstance(raw, str):
        match = _FIGURE.match(raw)
        if match is None:
            raise ValueError(f"expected '<value> ± <tolerance>[%]', got {raw!r}")
        value = float(match["value"].replace("_", "").replace(",", ""))
        if match["tol"] is None:
            return CapacityExpectation(value=value)
        tol = float(match["tol"])
        relative = tol / 100 if match["pct"] else tol / abs(value) if value else tol
        return CapacityExpectation(value=value, tolerance=relative)
    raise ValueError(f"cannot read a capacity figure from {raw!r}")


class Expectations(BaseModel):
    """What a good design for a case contains. Every part is optional."""

    model_config = ConfigDict(extra="forbid")  # a misspelt key must not silently check nothing

    capacity: dict[str, CapacityExpectation] = Field(
        default_factory=dict, description="Estimate name -> expected value with tolerance."
    )
    components: list[str] = Field(
        default_factory=list,
        description="Component kinds or technologies (any synonym) the design must contain.",
    )
    techniques: list[str] = Field(
        default_factory=list,
        description="Mechanisms: component features, patterns or deep-dive ids/titles.",
    )
    features: list[str] = Field(
        default_factory=list, description="Keywords the functional requirements must mention."
    )
    flaws: list[str] = Field(
        default_factory=list, description="Flaw ids (evals.flaws) the reviewer must catch."
    )
    archetype: str | None = Field(default=None, description="Expected KB archetype id.")

    @field_validator("capacity", mode="before")
    @classmethod
    def _figures(cls, raw: Any) -> Any:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            raise ValueError("capacity must map estimate names to figures")
        return {str(name): parse_figure(value) for name, value in raw.items()}

    @field_validator("components", "techniques", "features", "flaws", mode="before")
    @classmethod
    def _string_list(cls, raw: Any) -> Any:
        if raw is None:
            return []
        if isinstance(raw, str):
            return [raw]
        return raw

    @property
    def empty(self) -> bool:
        """True when the case expects nothing beyond the generic checks."""
        return not (
            self.capacity or self.components or self.techniques or self.features or self.flaws
        )


@dataclass
class EvalCase:
    """One requirement file and its expectations."""

    name: str
    path: Path
    requirements: Requirements
    expect: Expectations = field(default_factory=Expectations)


def _expectations(raw: Any, where: str) -> Expectations:
    if raw is None:
        return Expectations()
    if not isinstance(raw, dict):
        raise InputError(f"{where}: expectations must be a mapping, not {type(raw).__name__}")
    try:
        return Expectations.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{where}: expectations: {loc}: {first['msg']}") from None


def sidecar_path(path: Path) -> Path:
    """`pastebin.md` -> `pastebin.expect.yaml`."""
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def load_case(path: Path | str) -> EvalCase:
    """Read one case; InputError (one line) for an unreadable file or bad expectations."""
    path = Path(path)
    requirements = read_requirements(str(path))
    front = dict(requirements.front_matter)
    raw_expect = front.pop(EXPECT_KEY, None)
    sidecar = sidecar_path(path)
    if sidecar.exists():
        try:
            loaded = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise InputError(f"cannot read {sidecar}: {exc}") from None
        if isinstance(loaded, dict) and set(loaded) == {EXPECT_KEY}:
            loaded = loaded[EXPECT_KEY]
        raw_expect, where = loaded, str(sidecar)
    else:
        where = str(path)
    expect = _expectations(raw_expect, where)
    requirements = requirements.model_copy(update={"front_matter": front})
    return EvalCase(name=path.stem, path=path, requirements=requirements, expect=expect)


def case_files(target: Path | str) -> list[Path]:
    """The requirement files of a directory (sorted), or the single file given."""
    target = Path(target)
    if target.is_file():
        return [target]
    if not target.is_dir():
        raise InputError(f"cases not found: {target}")
    files = sorted(p for p in target.glob("*.md") if p.is_file())
    if not files:
        raise InputError(f"no requirement files (*.md) in {target}")
    return files


def load_cases(targets: Iterable[Path | str], only: Iterable[str] = ()) -> list[EvalCase]:
    """Every case under `targets` (directories or files), optionally only the named ones."""
    wanted = set(only)
    cases: list[EvalCase] = []
    seen: set[str] = set()
    for target in targets:
        for path in case_files(target):
            if wanted and path.stem not in wanted:
                continue
            if path.stem in seen:
                raise InputError(f"two cases are named '{path.stem}'; case names must be unique")
            seen.add(path.stem)
            cases.append(load_case(path))
    missing = wanted - seen
    if missing:
        raise InputError(f"no case named {', '.join(sorted(missing))}")
    return cases
