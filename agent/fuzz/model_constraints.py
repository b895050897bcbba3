"""Optional model extraction: ask a model for the constraints the rules did not find, keep only what it can
quote from the documentation, and never overwrite what the rules found."""

from __future__ import annotations

import re
from typing import Any

from repowright.analyzers.api_docs import ApiDoc
from repowright.analyzers.doc_constraints import ApiConstraints

from ..llm import LLM, LLMError
from ..prompts import render

MODEL_CATEGORIES = ("structure", "dtype", "ndim", "shape", "range", "enum")
FACT = {
    "type": "object",
    "properties": {"value": {}, "sentence": {"type": "string"}},
    "required": ["value", "sentence"],
}
SCHEMA = {
    "type": "object",
    "properties": {
        "params": {
            "type": "object",
            "additionalProperties": {"type": "object", "properties": {c: FACT for c in MODEL_CATEGORIES}},
        }
    },
    "required": ["params"],
}


def _squash(text: str) -> str:
    return re.sub(r"[\s`*]+", " ", text).strip().lower()


def fill_with_model(record: ApiConstraints, doc: ApiDoc, llm: LLM) -> tuple[ApiConstraints, int]:
    """Add model-extracted constraints to categories the rules left empty; a fact whose quoted sentence is not
    in the docstring is dropped. Returns the record and how many facts were added."""
    params = [name for name in record.params if name in doc.doc]
    if not params:
        return record, 0
    prompt = render(
        "fuzz_constraints",
        api=doc.name,
        signature=record.signature or doc.signature,
        doc=doc.doc.strip()[:12000],
        params=params,
    )
    try:
        reply, _ = llm.chat_json([{"role": "user", "content": prompt}], SCHEMA, name="constraints")
    except LLMError:
        return record, 0
    text = _squash(doc.doc)
    added = 0
    for name, facts in (reply.get("params") or {}).items() if isinstance(reply, dict) else []:
        param = record.params.get(name)
        if param is None or not isinstance(facts, dict):
            continue
        for category in MODEL_CATEGORIES:
            fact = facts.get(category)
            if not isinstance(fact, dict) or getattr(param, category) not in (None, [], ""):
                continue
            sentence = str(fact.get("sentence", ""))
            value = _valid(category, fact.get("value"))
            if value is None or len(sentence) < 8 or _squash(sentence) not in text:
                continue  # ungrounded or malformed: the rules' precision is worth more than this recall
            setattr(param, category, value)
            param.sources[category] = f"model: {sentence}"
            added += 1
    return record, added


def _valid(category: str, value: Any) -> Any:
    """The value in the record's vocabulary, or None when it does not fit."""
    if category in ("structure", "dtype", "enum"):
        items = value if isinstance(value, list) else [value]
        items = [str(v) for v in items if isinstance(v, (str, int, float)) and str(v)]
        return items or None
    if category == "ndim":
        items = value if isinstance(value, list) else [value]
        ints = [int(v) for v in items if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 8]
        return sorted(set(ints)) or None
    if category == "shape":
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            value = [value]
        if isinstance(value, list) and all(isinstance(s, list) for s in value) and value:
            return [[str(d) for d in s] for s in value]
        return None
    if category == "range":
        text = str(value).replace(" ", "")
        match = re.fullmatch(r"([\[(])(-?[\d.]+|-inf),(-?[\d.]+|inf)([\])])", text)
        return f"{match.group(1)}{match.group(2)}, {match.group(3)}{match.group(4)}" if match else None
    return None
