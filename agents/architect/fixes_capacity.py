"""Capacity fixers beyond node counts: hot partitions of a store that serves a read-heavy path
with no cache in front.

The reviewer's headroom rule names the hottest key's reads against one partition and the
number of suffixed copies that bring it under 70%; the fixer replicates the hot keys that many
times (reads pick a copy at random, writes update every copy). `combine` lets one rule run
several fixers, so a finding with both a hot partition and too few nodes gets both changes.
"""

from __future__ import annotations

import re

from ..artefacts import Finding
from ._revision import Fixer, Revision

_COPIES = re.compile(r"= (\d[\d,]*) suffixed\s+copies")
HOT_WORDS = "hottest key"


def fix_hot_partition(rev: Revision, finding: Finding) -> str | None:
    """Replicate hot keys of the finding's store under suffixed copies."""
    if HOT_WORDS not in finding.message or not finding.component:
        return None
    comp = rev.arch.component(finding.component)
    if comp is None or not rev.add_features(comp, "hot_key_replication"):
        return None
    match = _COPIES.search(finding.recommendation)
    copies = max(2, int(match.group(1).replace(",", ""))) if match else 2
    return (
        f"{comp.id}: hot keys replicated under {copies} suffixed copies (key#0…key#{copies - 1}); "
        "reads pick a copy at random, writes update every copy, so the hottest key's reads "
        f"spread over {copies} partitions"
    )


def combine(*fixers: Fixer) -> Fixer:
    """One fixer that applies each of `fixers` and reports what any of them changed."""

    def fixer(rev: Revision, finding: Finding) -> str | None:
        done = [text for fix in fixers if (text := fix(rev, finding))]
        return "; ".join(done) if done else None

    fixer.__name__ = "_and_".join(f.__name__ for f in fixers)
    return fixer
