"""SWE-bench instances from a local file (json, jsonl, csv, parquet) or a Hugging Face dataset name."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from repowright.agent.errors import UserError

REQUIRED = ("instance_id", "repo", "base_commit", "patch", "test_patch", "FAIL_TO_PASS", "PASS_TO_PASS")
LIST_FIELDS = ("FAIL_TO_PASS", "PASS_TO_PASS")


def _read_rows(path: Path) -> list[dict[str, Any]]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".jsonl":
            return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        if suffix == ".json":
            data = json.loads(path.read_text())
            return data if isinstance(data, list) else list(data.values()) if isinstance(data, dict) else []
        if suffix == ".csv":
            csv.field_size_limit(1 << 30)
            with path.open(newline="") as handle:
                return list(csv.DictReader(handle))
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return pq.read_table(path).to_pylist()
    except (json.JSONDecodeError, UnicodeDecodeError, OSError, ValueError) as exc:
        raise UserError(f"cannot read instances from {path}: {exc}") from exc
    raise UserError(f"{path}: unknown instance file type {suffix!r}; use .json, .jsonl, .csv or .parquet")


def _read_hub(name: str) -> list[dict[str, Any]]:
    """A Hugging Face dataset `name` or `name:split` (test by default); needs a network that reaches the hub."""
    dataset, _, split = name.partition(":")
    try:
        from datasets import load_dataset

        return [dict(row) for row in load_dataset(dataset, split=split or "test")]
    except Exception as exc:  # the hub library raises many types for offline / missing datasets
        raise UserError(
            f"cannot load dataset {name!r} from the Hugging Face hub ({type(exc).__name__}); "
            "pass a local .json/.jsonl/.csv/.parquet file instead"
        ) from exc


def normalize(row: dict[str, Any], origin: str) -> dict[str, Any]:
    """One instance with list fields decoded from JSON strings and every required field checked."""
    missing = [key for key in REQUIRED if key not in row or row[key] is None]
    if missing:
        raise UserError(f"{origin}: instance {row.get('instance_id', '?')} lacks {', '.join(missing)}")
    out = dict(row)
    for key in LIST_FIELDS:
        value = out[key]
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.strip() else []
            except json.JSONDecodeError as exc:
                raise UserError(f"{origin}: {key} of {row['instance_id']} is not a JSON list") from exc
        out[key] = list(value)
    out["version"] = str(out.get("version", ""))
    out.setdefault("environment_setup_commit", out["base_commit"])
    out["environment_setup_commit"] = out["environment_setup_commit"] or out["base_commit"]
    out.setdefault("problem_statement", "")
    return out


def load_instances(source: str, *, instance_ids: Iterable[str] = (), repos: Iterable[str] = ()) -> list[dict]:
    """Instances from `source` (a file path or a hub dataset name), keeping only the given ids and repos."""
    path = Path(source)
    if path.exists():
        rows, origin = _read_rows(path), str(path)
    elif path.suffix.lower() in (".json", ".jsonl", ".csv", ".parquet"):
        raise UserError(f"{source} does not exist; pass an instance file or a Hugging Face dataset name")
    else:
        rows, origin = _read_hub(source), source
    instances = [normalize(row, origin) for row in rows]
    wanted_ids, wanted_repos = set(instance_ids), set(repos)
    if wanted_ids:
        unknown = wanted_ids - {i["instance_id"] for i in instances}
        if unknown:
            raise UserError(f"unknown instance ids in {origin}: {', '.join(sorted(unknown))}")
        instances = [i for i in instances if i["instance_id"] in wanted_ids]
    if wanted_repos:
        instances = [i for i in instances if i["repo"] in wanted_repos]
    return instances
