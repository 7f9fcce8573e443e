"""Run settings shared by every front end (CLI, batch, UI, Python API)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConfigError

if TYPE_CHECKING:
    from .llm import ModelConfig

MAX_REVISIONS_LIMIT = 10


def default_home() -> Path:
    """Where designcrew keeps its caches and run checkpoints (`DESIGNCREW_HOME` overrides)."""
    env = os.environ.get("DESIGNCREW_HOME")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "designcrew"


@dataclass
class Settings:
    """How a design run behaves. `model=None` runs the deterministic kernel only (offline)."""

    model: ModelConfig | None = None
    max_revisions: int = 2
    budget_usd: float | None = None
    home: Path = field(default_factory=default_home)
    use_cache: bool = True
    kb_dirs: list[Path] = field(default_factory=list)
    # a batch gives every item its own checkpoint file so parallel processes never contend
    checkpoint_file: Path | None = None

    def __post_init__(self) -> None:
        # accept str paths from callers (Python API, Streamlit widgets)
        self.home = Path(self.home).expanduser()
        self.kb_dirs = [Path(d) for d in self.kb_dirs]
        if self.checkpoint_file is not None:
            self.checkpoint_file = Path(self.checkpoint_file)
        if not 0 <= self.max_revisions <= MAX_REVISIONS_LIMIT:
            raise ConfigError(
                f"max revisions must be between 0 and {MAX_REVISIONS_LIMIT}, "
                f"got {self.max_revisions}"
            )
        if self.budget_usd is not None and self.budget_usd <= 0:
            raise ConfigError(f"budget must be a positive number of dollars, got {self.budget_usd}")

    @property
    def cache_dir(self) -> Path:
        """Directory of the model-reply cache."""
        return self.home / "cache"

    @property
    def checkpoint_path(self) -> Path:
        """SQLite file holding the checkpoints of every run (for --resume)."""
        return self.checkpoint_file or self.home / "runs.sqlite"

    @property
    def model_label(self) -> str:
        """The model name, or 'offline' for the deterministic kernel."""
        return self.model.model if self.model is not None else "offline"
