"""Predictions in SWE-bench's official format, plus the built-in `gold` and `empty` predictions.

Rows are checked one by one: a malformed row is reported and left out, and the rest are graded. A model name
becomes a folder of the run, so it must be a usable, non-escaping folder name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from repowright.agent.errors import UserError

KEYS = ("instance_id", "model_name_or_path", "model_patch")
FORMAT = "official format: objects with instance_id, model_name_or_path, model_patch"


def builtin_predictions(name: str, instances: list[dict]) -> dict[str, dict]:
    """`gold` (each instance's own patch) or `empty` (no patch at all) for every instance."""
    return {
        i["instance_id"]: {
            "instance_id": i["instance_id"],
            "model_name_or_path": name,
            "model_patch": i["patch"] if name == "gold" else "",
        }
        for i in instances
    }


def read_predictions(path: Path) -> list[Any]:
    """The rows of a predictions `.json` (list or id-keyed object) or `.jsonl` file, unchecked."""
    if path.is_dir():
        raise UserError(f"{path} is a directory; pass a predictions file, `gold` or `empty`")
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".jsonl":
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        data = json.loads(text)
    except FileNotFoundError as exc:
        raise UserError(f"{path} does not exist; pass a predictions file, `gold` or `empty`") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path} is not valid JSON/JSONL: {exc}") from exc
    if isinstance(data, dict):
        return list(data.values())
    if isinstance(data, list):
        return data
    raise UserError(f"{path} holds a JSON {type(data).__name__}; write a list of predictions ({FORMAT})")


def model_folder(name: str) -> str:
    """The folder a model's results go in (SWE-bench's: slashes as __)."""
    return name.replace("/", "__")


def row_problem(row: Any) -> str | None:
    """Why `row` is not a usable prediction, or None when it is."""
    if not isinstance(row, dict):
        return f"is a {type(row).__name__}, not an object"
    missing = [key for key in KEYS if key not in row]
    if missing:
        return f"lacks {', '.join(missing)}"
    if not isinstance(row["instance_id"], str) or not row["instance_id"]:
        return f"instance_id {row['instance_id']!r} is not a non-empty string"
    if row["model_patch"] is not None and not isinstance(row["model_patch"], str):
        return f"model_patch is a {type(row['model_patch']).__name__}, not a string (a diff) or null"
    name = row["model_name_or_path"]
    if not isinstance(name, str) or not name.strip():
        return f"model_name_or_path {name!r} is not a non-empty string"
    folder = model_folder(name)
    if "\0" in name or "\\" in name or folder in (".", ".."):
        return f"model_name_or_path {name!r} cannot name a folder (NUL, backslash, '.' or '..')"
    return None


def load_predictions(
    source: str, instances: list[dict], problems: list[str] | None = None
) -> dict[str, dict]:
    """Predictions by instance id from `source` (`gold`, `empty` or a file), restricted to `instances`.

    Malformed rows are left out and described in `problems` (when given); one model per file.
    """
    if source in ("gold", "empty"):
        return builtin_predictions(source, instances)
    rows = read_predictions(Path(source))
    known = {i["instance_id"] for i in instances}
    out: dict[str, dict] = {}
    found: list[str] = []
    for number, row in enumerate(rows, 1):
        problem = row_problem(row)
        if problem:
            found.append(f"prediction {number} {problem}")
            continue
        if row["instance_id"] in known:
            out[row["instance_id"]] = {
                "instance_id": row["instance_id"],
                "model_name_or_path": row["model_name_or_path"],
                "model_patch": row["model_patch"] or "",
            }
    if problems is not None:
        problems.extend(found)
    if not out:
        why = f"; {len(found)} malformed, the first: {found[0]}" if found else ""
        raise UserError(f"{source}: no usable prediction matches an instance of the dataset{why} ({FORMAT})")
    models = sorted({p["model_name_or_path"] for p in out.values()})
    if len(models) > 1:
        raise UserError(
            f"{source} holds predictions of {len(models)} models ({', '.join(map(repr, models[:5]))}); "
            "evaluate one model per run: split the file by model_name_or_path"
        )
    return out
