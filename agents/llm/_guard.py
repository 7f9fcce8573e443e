"""A switch that stops any request to a real model (tests turn it on from conftest).

Like pydantic-ai's ALLOW_MODEL_REQUESTS=False: while blocked, OpenAIChatModel refuses any
base URL whose host is not the local machine, so a test can only reach the fake server.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

_state = {"blocked": False}
_lock = threading.Lock()


class RealModelRequestBlocked(RuntimeError):
    """A test tried to reach a real model. Not a DesignCrewError, so nothing handles it
    as a normal model failure: the test fails loudly."""


def block_real_models(blocked: bool = True) -> bool:
    """Refuse (or, with False, allow again) requests to non-local model servers.

    Returns the previous setting so a fixture can restore it.
    """
    with _lock:
        previous = _state["blocked"]
        _state["blocked"] = blocked
        return previous


def real_models_blocked() -> bool:
    """Whether requests to non-local servers are refused."""
    return _state["blocked"]


def check_model_url(base_url: str) -> None:
    """Raise RealModelRequestBlocked if blocked and `base_url` is not on this machine."""
    if not _state["blocked"]:
        return
    host = (urlsplit(base_url).hostname or "").lower()
    if host not in LOCAL_HOSTS:
        raise RealModelRequestBlocked(
            f"a test tried to reach a real model at {host or base_url!r}; tests may only use "
            "the fake server on 127.0.0.1 (agents.llm.block_real_models is on)"
        )
