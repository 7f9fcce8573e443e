"""Load the knowledge-base files, merge user overrides by id, validate against the schema."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import KnowledgeBaseError
from .schema import (
    Archetype,
    Capability,
    ComponentKind,
    DeepDiveTemplate,
    Pattern,
    Prices,
    RuleInfo,
    TechOption,
)

DATA_DIR = Path(__file__).parent / "data"

# file stem -> (top-level key holding the list, model of each entry)
_COLLECTIONS: dict[str, tuple[str, type[BaseModel]]] = {
    "archetypes": ("archetypes", Archetype),
    "capabilities": ("capabilities", Capability),
    "catalogue": ("kinds", ComponentKind),
    "deep_dives": ("deep_dives", DeepDiveTemplate),
    "patterns": ("patterns", Pattern),
    "rules": ("rules", RuleInfo),
}


@dataclass(frozen=True)
class KnowledgeBase:
    """Every knowledge-base collection, keyed by id."""

    archetypes: dict[str, Archetype]
    capabilities: dict[str, Capability]
    kinds: dict[str, ComponentKind]
    deep_dives: dict[str, DeepDiveTemplate]
    patterns: dict[str, Pattern]
    rules: dict[str, RuleInfo]
    prices: Prices
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def version(self) -> str:
        """The newest date among the data files, e.g. '2026-11-20'."""
        return max(self.versions.values(), default="unknown")

    def kind(self, kind_id: str) -> ComponentKind:
        """The component kind `kind_id`; KnowledgeBaseError when unknown."""
        try:
            return self.kinds[kind_id]
        except KeyError:
            raise KnowledgeBaseError(f"unknown component kind '{kind_id}'") from None

    def option(self, kind_id: str, name: str | None = None) -> TechOption:
        """A technology option of a kind by name (case-insensitive); the first when no name."""
        options = self.kind(kind_id).options
        if name is None:
            return options[0]
        wanted = name.lower()
        for opt in options:
            if opt.name.lower() == wanted or wanted in (s.lower() for s in opt.synonyms):
                return opt
        raise KnowledgeBaseError(f"kind '{kind_id}' has no technology option '{name}'")

    def find_technology(self, name: str) -> tuple[str, TechOption] | None:
        """(kind id, option) of a technology named anywhere in the catalogue, by name/synonym."""
        wanted = name.lower().strip()
        for kind in self.kinds.values():
            for opt in kind.options:
                if opt.name.lower() == wanted or wanted in (s.lower() for s in opt.synonyms):
                    return kind.id, opt
        return None

    def synonyms(self, term: str) -> set[str]:
        """Every name equivalent to `term`: a kind's synonyms and its options' names, or a
        technology's own synonyms (so 'memory cache' ~ 'Redis' ~ 'Memcached')."""
        wanted = term.lower().strip()
        names: set[str] = {wanted}
        for kind in self.kinds.values():
            kind_names = {kind.id.lower(), kind.name.lower(), *(s.lower() for s in kind.synonyms)}
            if wanted in kind_names:
                names |= kind_names
                names |= {o.name.lower() for o in kind.options}
            for opt in kind.options:
                opt_names = {opt.name.lower(), *(s.lower() for s in opt.synonyms)}
                if wanted in opt_names:
                    names |= opt_names
        return names


# libyaml's C loader parses the built-in files ~5x faster than the pure-Python one
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"cannot read knowledge-base file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise KnowledgeBaseError(f"knowledge-base file {path} must hold a mapping")
    return data


def _validate(model: type[BaseModel], raw: Any, where: str) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise KnowledgeBaseError(f"{where}: {loc}: {first['msg']}") from exc


def _merge_entries(
    target: dict[str, BaseModel], entries: Iterable[Any], model: type[BaseModel], where: str
) -> None:
    for index, raw in enumerate(entries):
        if not isinstance(raw, dict) or "id" not in raw:
            raise KnowledgeBaseError(f"{where}: entry {index} needs an 'id'")
        base = target.get(raw["id"])
        merged = {**base.model_dump(), **raw} if base is not None else raw
        target[raw["id"]] = _validate(model, merged, f"{where} [{raw['id']}]")


def load_kb(extra_dirs: Sequence[Path | str] = ()) -> KnowledgeBase:
    """Load the built-in knowledge base, then overlay each directory of `extra_dirs` in order.

    An override file has the same name as a built-in one (e.g. `archetypes.yaml`); its entries
    replace or extend the built-in entries with the same id, field by field. `prices.yaml`
    overrides individual prices.
    """
    collections: dict[str, dict[str, Any]] = {stem: {} for stem in _COLLECTIONS}
    prices_raw: dict[str, Any] = {}
    versions: dict[str, str] = {}
    for directory in [DATA_DIR, *(Path(d) for d in extra_dirs)]:
        if not directory.is_dir():
            raise KnowledgeBaseError(f"knowledge-base directory not found: {directory}")
        for stem, (key, model) in _COLLECTIONS.items():
            path = directory / f"{stem}.yaml"
            if not path.exists():
                if directory == DATA_DIR:
                    raise KnowledgeBaseError(f"built-in knowledge-base file missing: {path}")
                continue
            data = _read_yaml(path)
            versions[f"{directory.name}/{stem}"] = str(data.get("version", "unknown"))
            _merge_entries(collections[stem], data.get(key) or [], model, str(path))
        price_path = directory / "prices.yaml"
        if price_path.exists():
            data = _read_yaml(price_path)
            for name, value in data.items():
                if isinstance(value, dict) and isinstance(prices_raw.get(name), dict):
                    prices_raw[name] = {**prices_raw[name], **value}
                else:
                    prices_raw[name] = value
            versions[f"{directory.name}/prices"] = str(data.get("version", "unknown"))
    prices = _validate(Prices, prices_raw, "prices.yaml")
    return KnowledgeBase(
        archetypes=collections["archetypes"],
        capabilities=collections["capabilities"],
        kinds=collections["catalogue"],
        deep_dives=collections["deep_dives"],
        patterns=collections["patterns"],
        rules=collections["rules"],
        prices=prices,
        versions=versions,
    )


@lru_cache(maxsize=8)
def _cached(extra: tuple[str, ...]) -> KnowledgeBase:
    return load_kb(extra)


def default_kb(extra_dirs: Sequence[Path | str] = ()) -> KnowledgeBase:
    """The knowledge base, loaded once per process for a given list of override dirs."""
    return _cached(tuple(str(Path(d).resolve()) for d in extra_dirs))
