"""`designcrew ui [--port N]`: the Streamlit chat app.

Without --port, Streamlit picks its port and opens a browser; with --port N the app is served on
127.0.0.1:N only, headless (no browser), for scripts, tests and remote port forwarding.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from agents.errors import ConfigError

APP = Path(__file__).resolve().parent / "ui" / "streamlit_app.py"


def add_parser(sub: Any) -> None:
    """Register the `ui` subcommand."""
    parser = sub.add_parser(
        "ui",
        help="open the chat app in a browser (Streamlit)",
        description="Describe a system, watch the crew work, read and revise the design.",
    )
    parser.add_argument(
        "--port",
        type=int,
        help="serve on 127.0.0.1:PORT without opening a browser (headless)",
    )
    parser.set_defaults(handler=run)


def streamlit_command(port: int | None) -> list[str]:
    """The `python -m streamlit run` command line for these options."""
    command = [sys.executable, "-m", "streamlit", "run", str(APP)]
    options = {"browser.gatherUsageStats": "false"}
    if port is not None:
        if not 1 <= port <= 65535:
            raise ConfigError(f"--port must be between 1 and 65535, got {port}")
        options |= {
            "server.headless": "true",
            "server.address": "127.0.0.1",
            "server.port": str(port),
        }
    else:
        options["server.headless"] = "false"
    command += [f"--{name}={value}" for name, value in options.items()]
    return command


def run(args: argparse.Namespace) -> int:
    """Handle `designcrew ui`: run Streamlit until it exits. Ctrl-C reaches both processes;
    a SIGTERM sent to this one is passed on, so Streamlit never outlives it."""
    proc = subprocess.Popen(streamlit_command(args.port))

    def forward(signum: int, _frame: object) -> None:
        proc.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        return proc.wait()
    except KeyboardInterrupt:  # Streamlit got the same Ctrl-C and is shutting down
        proc.wait()
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
