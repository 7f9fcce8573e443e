"""`designcrew` command line: design, batch, eval, ui. Errors become one line (unless --debug)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from agents import __version__
from agents.errors import DesignCrewError

from . import cmd_design


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="designcrew",
        description="Turn requirements into a reviewed system-design document.",
    )
    parser.add_argument("--version", action="version", version=f"designcrew {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    cmd_design.add_parser(sub)
    for module_name in ("cmd_batch", "cmd_eval", "cmd_ui"):
        module = _optional_command(module_name)
        if module is not None:
            module.add_parser(sub)
    return parser


def _optional_command(name: str) -> Any:
    """The subcommand module `app.<name>`, or None when that front end is not installed."""
    try:
        return importlib.import_module(f"app.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"app.{name}":
            return None
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `designcrew` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    try:
        status: int = args.handler(args)
    except DesignCrewError as exc:
        if debug:
            raise
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(
            "interrupted: finished work is kept; run the same command to continue", file=sys.stderr
        )
        return 130
    except Exception as exc:  # a bug: still one line, the traceback with --debug
        if debug:
            raise
        print(
            f"error: internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)",
            file=sys.stderr,
        )
        return 70
    return status


if __name__ == "__main__":
    sys.exit(main())
