"""The knowledge base: dated YAML data files, loaded into typed models, overridable by users."""

from ._loader import KnowledgeBase, default_kb, load_kb
from .schema import (
    Archetype,
    Capability,
    ComponentKind,
    ComponentTemplate,
    DeepDiveTemplate,
    EndpointTemplate,
    EntityTemplate,
    LoadDefaults,
    Pattern,
    Prices,
    RuleInfo,
    TechOption,
)

__all__ = [
    "Archetype",
    "Capability",
    "ComponentKind",
    "ComponentTemplate",
    "DeepDiveTemplate",
    "EndpointTemplate",
    "EntityTemplate",
    "KnowledgeBase",
    "LoadDefaults",
    "Pattern",
    "Prices",
    "RuleInfo",
    "TechOption",
    "default_kb",
    "load_kb",
]
