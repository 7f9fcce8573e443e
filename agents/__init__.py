"""designcrew: a crew of agents that turns requirements into a reviewed system design."""

__version__ = "0.1.0"

from .api import ProgressEvent, design, run_design  # noqa: E402
from .artefacts import DesignDoc  # noqa: E402
from .errors import DesignCrewError  # noqa: E402
from .settings import Settings  # noqa: E402

__all__ = [
    "DesignCrewError",
    "DesignDoc",
    "ProgressEvent",
    "Settings",
    "__version__",
    "design",
    "run_design",
]
