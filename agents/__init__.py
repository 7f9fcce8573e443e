"""designcrew: a crew of agents that turns requirements into a reviewed system design."""

__version__ = "0.1.0"

from .api import ProgressEvent, design, run_design
from .artefacts import DesignDoc
from .errors import DesignCrewError
from .settings import Settings

__all__ = [
    "DesignCrewError",
    "DesignDoc",
    "ProgressEvent",
    "Settings",
    "__version__",
    "design",
    "run_design",
]
