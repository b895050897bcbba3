"""Trust nothing read back from the graph cache: each file is sealed with a digest over its key (for facts, the
content hash of the source they came from) and its bytes, and its decoded shape is checked. A file that fails
either check reads as missing, so the caller parses or resolves again instead of serving edited or foreign data.
"""

from __future__ import annotations

from hashlib import blake2b
from typing import Any

MAGIC = b"RWC1"
_DIGEST = 16
# One parsed definition: kind, qualified name, name, start line, end line, signature, doc, hash, parent.
DEF_TYPES = (str, str, str, int, int, str, str, str, str)
FACT_LISTS = ("defs", "calls", "bases", "refs", "imports")


def _digest(key: str, payload: bytes) -> bytes:
    return blake2b(key.encode() + b"\0" + payload, digest_size=_DIGEST).digest()


def seal(key: str, payload: bytes) -> bytes:
    """`payload` prefixed with the marker and the digest binding it to `key`."""
    return MAGIC + _digest(key, payload) + payload


def unseal(key: str, blob: bytes) -> bytes | None:
    """The payload of a sealed blob written for `key`, or None when the blob is foreign, edited or torn."""
    head = len(MAGIC) + _DIGEST
    if len(blob) < head or not blob.startswith(MAGIC):
        return None
    payload = blob[head:]
    return payload if blob[len(MAGIC) : head] == _digest(key, payload) else None


def _typed(row: Any, types: tuple) -> bool:
    return (
        isinstance(row, (list, tuple))
        and len(row) >= len(types)
        and all(
            isinstance(value, kind) and not (kind is int and isinstance(value, bool))
            for value, kind in zip(row[: len(types)], types, strict=True)
        )
    )


def valid_facts(facts: Any, lang: str) -> bool:
    """Whether decoded facts have the shape `extract_facts` produces for `lang`."""
    if (
        not isinstance(facts, dict)
        or facts.get("lang", lang) != lang
        or not isinstance(facts.get("doc", ""), str)
    ):
        return False
    if not all(isinstance(facts.get(name), list) for name in FACT_LISTS):
        return False
    return all(_typed(row, DEF_TYPES) for row in facts["defs"])


def valid_manifest(data: Any) -> bool:
    """Whether a decoded manifest maps paths to well-formed file records."""
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return False
    if not isinstance(data.get("skipped_files"), dict):
        return False
    return all(type(path) is str and _manifest_record(rec) for path, rec in data["files"].items())


def _manifest_record(rec: Any) -> bool:
    """One file's manifest record: size, mtime, hash, language or None, interface digest, lines, counts. Exact
    type checks, unrolled (marshal gives exact types; `type(x) is int` rejects bools): a warm `map` checks
    thousands of these."""
    return (
        type(rec) is list
        and len(rec) == 7
        and type(rec[0]) is int
        and type(rec[1]) is int
        and type(rec[2]) is str
        and (rec[3] is None or type(rec[3]) is str)
        and type(rec[4]) is str
        and type(rec[5]) is int
        and type(rec[6]) is dict
    )


def valid_shard(records: Any) -> bool:
    """Whether a decoded results shard maps paths to records of nodes, edges and counts."""
    if not isinstance(records, dict):
        return False
    for path, record in records.items():
        if not (
            isinstance(record, dict)
            and record.get("path") == path
            and isinstance(record.get("hash"), str)
            and isinstance(record.get("nodes"), list)
            and isinstance(record.get("edges"), list)
            and isinstance(record.get("counts"), dict)
        ):
            return False
        if not all(_node_row(node) for node in record["nodes"]):
            return False
    return True


def _node_row(node: Any) -> bool:
    """One [id, attrs] node of a shard; exact types, unrolled (marshal gives exact types), as loading a cached
    graph checks every node."""
    return type(node) in (list, tuple) and len(node) >= 2 and type(node[0]) is str and type(node[1]) is dict
