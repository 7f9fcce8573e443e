"""Finding a component's entries in the price table.

Price tables name things their own way ('dynamodb_read', 's3_put', 'object_r2', 'aurora'), so
keys are found from the technology's name tokens first, then generic classes by kind.
"""

from __future__ import annotations

import re

from ..artefacts import Component
from ..kb import Prices, TechOption

# Words that do not identify a product ("Amazon DynamoDB" -> "dynamodb").
_VENDOR_WORDS = frozenset(
    {"amazon", "aws", "google", "azure", "apache", "managed", "service", "for", "the", "with", "on"}
)
# Words too generic to identify a product on their own.
_GENERIC_WORDS = frozenset(
    {
        "api",
        "gateway",
        "web",
        "cloud",
        "server",
        "database",
        "db",
        "store",
        "cache",
        "queue",
        "third",
        "party",
        "worker",
        "workers",
        "pool",
        "consumers",
        "deployment",
        "cluster",
        "fleet",
        "go",
        "in",
        "a",
        "kv",
        "lists",
        "cells",
    }
)
# Price-table keys tried for each generic storage class, in order.
STORAGE_KEYS: dict[str, tuple[str, ...]] = {
    "block_ssd": ("block_ssd", "ssd", "block", "gp3"),
    "object": ("object", "object_standard", "s3"),
    "object_ia": ("object_ia", "object_infrequent", "infrequent", "object_cold"),
    "memory": ("memory", "cache_memory", "ram"),
}
# Product names whose storage is billed under another product's class.
_STORAGE_ALIASES = {
    "docdb": "aurora",
    "documentdb": "aurora",
    "neptune": "aurora",
    "opensearch": "search_ebs",
    "redshift": "warehouse",
    "snowflake": "warehouse",
    "timestream": "timestream_magnetic",
    "rds": "rds",
}
_KIND_STORAGE = {
    "object_store": "object",
    "search_index": "search_ebs",
    "data_warehouse": "warehouse",
}
# Instance classes whose disks are part of the instance price.
_LOCAL_DISK_CLASSES = {"storage_large": "local_nvme", "storage_dense": "hdd_local"}
READ_SUFFIXES = ("_read", "_get")
WRITE_SUFFIXES = ("_write", "_put")


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[^a-z0-9]+", name.lower()) if t and t not in _VENDOR_WORDS]


def product_names(option: TechOption) -> list[str]:
    """'Amazon DynamoDB' -> ['dynamodb'] (+ synonyms and distinctive words), most specific
    first."""
    names: list[str] = []
    for name in (option.name, *option.synonyms):
        tokens = _tokens(name)
        if tokens:
            names.append("_".join(tokens))
    for name in (option.name, *option.synonyms):
        names.extend(t for t in _tokens(name) if t not in _GENERIC_WORDS and len(t) > 1)
    return list(dict.fromkeys(names))


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def request_keys(option: TechOption, component: Component, prices: Prices) -> list[str]:
    """Per-request price keys of the technology: its read and write prices when the table
    splits them ('dynamodb_read', 'dynamodb_write'), else the closest key by name, plus any
    per-invocation compute key ('lambda_compute_...')."""
    table = [k for k in prices.requests_per_million if "_tb_" not in k]  # per TB, not request
    names = product_names(option)
    for prefix in [*names, option.instance_class, component.kind]:
        keys = [k for k in table if k == prefix or k.startswith(prefix + "_")]
        if names and prefix == names[0]:  # 'api_gateway_websockets' ~ 'api_gateway_websocket'
            keys += [k for k in table if prefix.startswith(k) and len(k) > 3 and k not in keys]
        if not keys:
            continue
        split = [k for k in keys if k.endswith(READ_SUFFIXES + WRITE_SUFFIXES)]
        if split:
            return split
        full = names[0] if names else prefix
        best = max(keys, key=lambda k: (k == prefix, _shared_prefix(k, full), -keys.index(k)))
        extra = [k for k in keys if "compute" in k and k != best]
        return [best, *extra]
    return []


def storage_price(prices: Prices, storage_class: str) -> tuple[str, float] | None:
    """(key, USD per GB-month) of a generic storage class, trying the usual spellings."""
    for key in STORAGE_KEYS.get(storage_class, (storage_class,)):
        if key in prices.storage_gb_month:
            return key, prices.storage_gb_month[key]
    return None


def storage_key(
    option: TechOption | None, component: Component, prices: Prices
) -> tuple[str, float] | None:
    """Where a component's data is billed: its product's class ('dynamodb', 'object_r2',
    'aurora'), local disks included in the instance, the kind's class, else block SSD."""
    table = prices.storage_gb_month
    if option is not None:
        if option.instance_class in _LOCAL_DISK_CLASSES:
            key = _LOCAL_DISK_CLASSES[option.instance_class]
            if key in table:
                return key, table[key]
        class_prefix = option.instance_class.split("_")[0]
        for name in [*product_names(option), class_prefix]:
            for key in (name, f"object_{name}", _STORAGE_ALIASES.get(name, "")):
                if (
                    key
                    and key in table
                    and (component.kind == "object_store") == (key.startswith("object"))
                ):
                    return key, table[key]
    generic = _KIND_STORAGE.get(component.kind, "block_ssd")
    if generic in table:
        return generic, table[generic]
    return storage_price(prices, "object" if component.kind == "object_store" else "block_ssd")
