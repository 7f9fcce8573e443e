"""The cost analyst role: `estimate_cost(arch, scope, kb) -> CostReport`.

The kernel lives in the `agents.cost` package (bill of materials, load figures, savings levers);
this module is the role's stable entry point.
"""

from __future__ import annotations

from .cost import estimate_cost

__all__ = ["estimate_cost"]
