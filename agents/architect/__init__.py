"""The architect: Scope -> Architecture (draft), and Architecture + Review -> revised design.

Public API:
    draft_architecture(scope, kb) -> Architecture
    revise_architecture(arch, scope, review, cost, kb) -> Architecture
"""

from .draft import draft_architecture
from .revise import FIXES, revise_architecture

__all__ = ["FIXES", "draft_architecture", "revise_architecture"]
