"""DocTer's categories and file layout: an extracted record seen the way DocTer's annotators and fuzzer see it.

The extractor keeps one working field, `structure`, that lists the *kinds* of value a parameter accepts (`tensor`,
`int`, `sequence(int)`, `dtype`, ...), because that is what input generation needs. DocTer splits the same
knowledge differently, and this module is the one place that maps one onto the other:

- `dtype`: the type of a Python scalar (`int`, `float`, `bool`, `string`, `numeric`), of the elements of a
  container, or of a tensor's elements (`torch.int64`); `torch.dtype` for a parameter that takes a dtype;
- `structure`: Python containers only (`list`, `tuple`), with the word the documentation used;
- `tensor_t`: `torch.tensor` for a tensor parameter;
- `ndim`: strings; `'0'` for a scalar, `'1'` for a container of scalars, `'>=k'` for a tensor shape with a
  `*`;
- `shape`: strings such as `[*,n,n]`; `range`: a list of interval strings; `enum`: strings.

`docter_record` writes DocTer's own YAML layout (`constraints`, `inputs: {required, optional}`, `dependency`,
`package`, `target`, `title`, `version`, `link`), with every value typed as DocTer's files type it (lists of
strings; `default` a string), so DocTer's fuzzer can read the files.
"""

from __future__ import annotations

import re

from .doc_constraints import ApiConstraints, ParamConstraints

DOCTER_CATEGORIES = ("dtype", "structure", "tensor_t", "shape", "ndim", "range", "enum")
SCALAR_DTYPE = {
    "int": "int",
    "float": "float",
    "bool": "bool",
    "str": "string",
    "number": "numeric",
    "dtype": "torch.dtype",
}
CONTAINER_WORDS = ("list", "tuple")
CALL_ONLY = ("self", "forward_input")  # what the fuzzer adds to make a call, not documented parameters


def docter_param(param: ParamConstraints) -> dict:
    """One parameter's constraints in DocTer's categories (empty categories left out)."""
    kinds = param.structure
    out: dict[str, list[str]] = {
        "dtype": [],
        "structure": [],
        "tensor_t": [],
        "shape": [],
        "ndim": [],
        "range": [],
        "enum": [],
    }
    for kind in kinds:
        if kind in SCALAR_DTYPE:
            _add(out["dtype"], SCALAR_DTYPE[kind])
            if kind != "dtype":
                _add(out["ndim"], "0")
        elif kind == "tensor":
            _add(out["tensor_t"], "torch.tensor")
        elif kind.startswith("sequence("):
            element = kind[len("sequence(") : -1]
            for word in param.containers or ["tuple"]:
                _add(out["structure"], word)
            if element == "tensor":
                _add(out["tensor_t"], "torch.tensor")
            else:
                _add(out["dtype"], SCALAR_DTYPE.get(element, element))
                _add(out["ndim"], "1")
    if "tensor" in kinds or "sequence(tensor)" in kinds:
        for dtype in param.dtype:
            _add(out["dtype"], f"torch.{dtype}")
        for rank in tensor_ndims(param):
            _add(out["ndim"], rank)
        out["shape"] = ["[" + ",".join(d.replace(" ", "") for d in shape) + "]" for shape in param.shape]
    out["ndim"].sort(key=lambda r: (len(r), r))
    if param.range:
        out["range"] = [param.range.replace(" ", "")]
    if param.enum:
        out["enum"] = [str(e) for e in param.enum]
    return {k: v for k, v in out.items() if v}


def tensor_ndims(param: ParamConstraints) -> list[str]:
    """A tensor's ndim as DocTer writes it: the fixed ranks, and `>=k` for each shape with a `*` or `...`."""
    ranks = [str(n) for n in param.ndim]
    if param.ndim_min is not None:
        ranks.append(f">={param.ndim_min}")
    for shape in param.shape:
        starred = any(re.fullmatch(r"\*|\.\.\.|…", d.strip()) for d in shape)  # `(N, *, H)` has any rank >= 2
        ranks.append(f">={len(shape) - 1}" if starred else str(len(shape)))
    return list(dict.fromkeys(ranks))


def docter_record(record: ApiConstraints, package: str = "torch", version: str = "", link: str = "") -> dict:
    """The DocTer YAML document for one API."""
    constraints: dict[str, dict] = {}
    required: list[str] = []
    optional: list[str] = []
    for name, param in record.params.items():
        if name in CALL_ONLY:
            continue
        entry: dict = {"descp": param.descp}
        if param.default is not None:
            entry["default"] = str(param.default)
        entry.update(docter_param(param))
        constraints[name] = entry
        (optional if param.optional else required).append(name)
    doc: dict = {"constraints": constraints, "inputs": {"optional": optional, "required": required}}
    if record.dependency:
        doc["dependency"] = list(record.dependency)
    doc.update(
        {
            "link": link,
            "package": package,
            "target": record.api.rsplit(".", 1)[-1],
            "title": record.api,
            "version": version,
        }
    )
    return doc


def _add(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)
