"""`constraints --out` writes files DocTer's fuzzer can load.

The reader below is written from DocTer's published description of its files (constraints_extracted/README.md
in lin-tan/DocTer): top-level `constraints`, `inputs: {required, optional}`, `dependency`, `package`, `target`,
`title`, `version`, `link`; per parameter `descp`, `doc_dtype`, `default` (strings) and the seven constraint
fields `dtype`, `structure`, `tensor_t`, `shape`, `ndim`, `range`, `enum`, each a list of strings. It rejects
anything else, so a file that only looks right fails.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONSTRAINT_FIELDS = ("dtype", "structure", "tensor_t", "shape", "ndim", "range", "enum")
TEXT_FIELDS = ("descp", "doc_dtype", "default")
TOP_LEVEL = {"constraints", "inputs", "dependency", "package", "target", "title", "version", "link"}


class NotDocTer(ValueError):
    """The file breaks DocTer's format."""


def read_docter(path: Path) -> dict[str, dict[str, list[str]]]:
    """DocTer's view of one API file: parameter -> constraint field -> values (strict about types)."""
    doc = yaml.safe_load(path.read_text())
    if not TOP_LEVEL - {"dependency", "link"} <= set(doc):
        raise NotDocTer(f"missing top-level keys: {TOP_LEVEL - set(doc)}")
    if (
        doc["package"] not in ("torch", "tensorflow", "mxnet")
        or doc["title"].rsplit(".", 1)[-1] != doc["target"]
    ):
        raise NotDocTer("package/target/title do not agree")
    inputs = doc["inputs"]
    required, optional = inputs.get("required", []), inputs.get("optional", [])
    if set(required) & set(optional) or set(required) | set(optional) != set(doc["constraints"]):
        raise NotDocTer("inputs.required/optional must partition the parameters")
    if not all(isinstance(d, str) for d in doc.get("dependency", [])):
        raise NotDocTer("dependency must be a list of strings")
    out: dict[str, dict[str, list[str]]] = {}
    for name, entry in doc["constraints"].items():
        unknown = set(entry) - set(CONSTRAINT_FIELDS) - set(TEXT_FIELDS)
        if unknown:
            raise NotDocTer(f"{name}: unknown keys {unknown}")
        for key in TEXT_FIELDS:
            if key in entry and not isinstance(entry[key], str):
                raise NotDocTer(f"{name}.{key} must be a string")
        for key in CONSTRAINT_FIELDS:
            values = entry.get(key, [])
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise NotDocTer(f"{name}.{key} must be a list of strings, got {values!r}")
        out[name] = {key: entry[key] for key in CONSTRAINT_FIELDS if key in entry}
    return out


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docter")
    apis = [
        "torch.nn.functional.conv2d",
        "torch.gather",
        "torch.nn.functional.dropout",
        "torch.nn.Linear",
        "torch.linalg.solve",
        "torch.Tensor.index_fill_",
        "torch.nn.functional.interpolate",
    ]
    done = subprocess.run(
        [sys.executable, "-m", "repowright.agent.cli.main", "constraints", *apis, "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return out


def test_every_file_loads_and_every_category_is_present(written: Path) -> None:
    files = sorted(written.glob("*.yaml"))
    assert len(files) == 7
    seen = {key for f in files for entry in read_docter(f).values() for key in entry}
    assert seen == set(CONSTRAINT_FIELDS)


def test_values_follow_docter_semantics(written: Path) -> None:
    conv = read_docter(written / "torch.nn.functional.conv2d.yaml")
    assert conv["input"] == {
        "tensor_t": ["torch.tensor"],
        "shape": ["[minibatch,in_channels,iH,iW]"],
        "ndim": ["4"],
    }
    assert conv["padding"]["enum"] == ["valid", "same"] and "string" in conv["padding"]["dtype"]
    assert conv["stride"]["structure"] == ["tuple"] and conv["stride"]["ndim"] == ["0", "1"]
    assert conv["groups"] == {"dtype": ["int"], "ndim": ["0"], "range": ["[0,inf)"]}
    assert read_docter(written / "torch.gather.yaml")["index"]["dtype"] == ["torch.int64"]
    assert read_docter(written / "torch.nn.functional.dropout.yaml")["p"] == {
        "dtype": ["float"],
        "ndim": ["0"],
        "range": ["[0,1]"],
    }
    linear = read_docter(written / "torch.nn.Linear.yaml")
    assert linear["in_features"]["range"] == ["[0,inf)"] and linear["dtype"] == {"dtype": ["torch.dtype"]}
    solve = read_docter(written / "torch.linalg.solve.yaml")
    assert solve["A"]["ndim"] == [">=2"] and "torch.complex128" in solve["A"]["dtype"]


def test_reader_rejects_internal_records(tmp_path: Path) -> None:
    bad = tmp_path / "torch.gather.yaml"
    bad.write_text(
        yaml.safe_dump(
            {
                "api": "torch.gather",
                "signature": "",
                "constraints": {"dim": {"descp": "", "structure": ["int"], "ndim": [0], "optional": False}},
            }
        )
    )
    with pytest.raises(NotDocTer):
        read_docter(bad)
