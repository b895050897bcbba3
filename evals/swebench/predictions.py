"""Predictions in SWE-bench's official format, plus the built-in `gold` and `empty` predictions."""

from __future__ import annotations

import json
from pathlib import Path

from repowright.agent.errors import UserError

KEYS = ("instance_id", "model_name_or_path", "model_patch")


def builtin_predictions(name: str, instances: list[dict]) -> dict[str, dict]:
    """`gold` (each instance's own patch) or `empty` (no patch at all) for every instance."""
    return {
        i["instance_id"]: {"instance_id": i["instance_id"], "model_name_or_path": name,
                           "model_patch": i["patch"] if name == "gold" else ""}
        for i in instances
    }


def read_predictions(path: Path) -> list[dict]:
    """The rows of a predictions `.json` (list or id-keyed object) or `.jsonl` file."""
    try:
        text = path.read_text()
        if path.suffix.lower() == ".jsonl":
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        data = json.loads(text)
    except FileNotFoundError as exc:
        raise UserError(f"{path} does not exist; pass a predictions file, `gold` or `empty`") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path} is not valid JSON/JSONL: {exc}") from exc
    return data if isinstance(data, list) else list(data.values())


def load_predictions(source: str, instances: list[dict]) -> dict[str, dict]:
    """Predictions by instance id from `source` (`gold`, `empty` or a file), restricted to `instances`."""
    if source in ("gold", "empty"):
        return builtin_predictions(source, instances)
    rows = read_predictions(Path(source))
    known = {i["instance_id"] for i in instances}
    out: dict[str, dict] = {}
    for row in rows:
        missing = [key for key in KEYS if key not in row]
        if missing:
            raise UserError(f"{source}: a prediction lacks {', '.join(missing)} (official format: "
                            "instance_id, model_name_or_path, model_patch)")
        if row["instance_id"] in known:
            out[row["instance_id"]] = {key: row[key] for key in KEYS}
    if not out:
        raise UserError(f"{source}: no prediction matches an instance of the dataset")
    return out
