"""Options shared by the subcommands and their conversion to Settings."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from agents.settings import Settings


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Model, budget, cache and knowledge-base options common to design, batch and eval."""
    group = parser.add_argument_group("model (omit for the offline kernel)")
    group.add_argument("--model", help="model name (env DESIGNCREW_MODEL)")
    group.add_argument("--base-url", help="OpenAI-compatible endpoint (env OPENAI_BASE_URL)")
    group.add_argument(
        "--structured",
        choices=["auto", "json_schema", "json_mode"],
        default=None,
        help="structured outputs with a JSON schema, JSON mode, or detect (default auto)",
    )
    group.add_argument(
        "--price-input", type=float, help="USD per 1M prompt tokens (models with no known price)"
    )
    group.add_argument("--price-output", type=float, help="USD per 1M completion tokens")
    group.add_argument(
        "--free", action="store_true", default=None, help="the model costs nothing (local server)"
    )
    group.add_argument("--config", type=Path, help="TOML config file with model settings")
    group.add_argument("--budget", type=float, help="spend cap in USD for the run")
    group.add_argument("--no-cache", action="store_true", help="do not use the model-reply cache")
    run = parser.add_argument_group("run")
    run.add_argument(
        "--max-revisions", type=int, default=2, help="review → revise rounds (default 2)"
    )
    run.add_argument(
        "--home",
        type=Path,
        help="directory for caches and run checkpoints (env DESIGNCREW_HOME)",
    )
    run.add_argument(
        "--kb", type=Path, action="append", default=[], help="knowledge-base override directory"
    )
    run.add_argument("--debug", action="store_true", help="show tracebacks")


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings from parsed flags, the environment and an optional config file."""
    flags = {
        "model": args.model,
        "base_url": args.base_url,
        "structured": args.structured,
        "price_input": args.price_input,
        "price_output": args.price_output,
        "free": args.free,
    }
    env = dict(os.environ)
    from agents.llm import ModelConfig

    model = ModelConfig.from_sources(
        {k: v for k, v in flags.items() if v is not None}, env, args.config
    )
    kwargs: dict[str, object] = {}
    if args.home is not None:
        kwargs["home"] = args.home
    return Settings(
        model=model,
        max_revisions=args.max_revisions,
        budget_usd=args.budget,
        use_cache=not args.no_cache,
        kb_dirs=list(args.kb),
        **kwargs,  # type: ignore[arg-type]
    )
