"""The crew's LangGraph pipeline."""

from .builder import build_graph
from .nodes import ROLES, Crew
from .state import GraphState

__all__ = ["ROLES", "Crew", "GraphState", "build_graph"]
