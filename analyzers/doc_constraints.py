"""Model-free constraint extraction: an API's signature and docstring become a DocTer-style record per parameter."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import cast

from . import doc_rules as rules
from .api_docs import (
    ApiDoc,
    ParamDoc,
    SigParam,
    merged_signature,
    param_docs,
    parse_signature,
    signatures_in_doc,
)

MODAL = re.compile(r"\b(must|should|has to|have to|needs? to|expected|required|supported|only)\b")
CATEGORIES = ("structure", "dtype", "ndim", "shape", "range", "enum", "default", "optional")


@dataclass
class ParamConstraints:
    """What one parameter accepts, with the sentence each constraint came from (DocTer's record plus sources)."""

    name: str
    descp: str = ""
    structure: list[str] = field(default_factory=list)
    dtype: list[str] = field(default_factory=list)
    tensor_t: list[str] = field(default_factory=list)
    shape: list[list[str]] = field(default_factory=list)
    ndim: list[int] = field(default_factory=list)
    ndim_min: int | None = None  # `at least 2-dimensional`: any rank from this one up
    range: str | None = None
    enum: list[str] = field(default_factory=list)
    containers: list[str] = field(default_factory=list)  # the container words the docs use (`list`, `tuple`)
    default: str | None = None
    optional: bool = False
    keyword_only: bool = False
    sources: dict[str, str] = field(default_factory=dict)

    def to_record(self) -> dict:
        """The YAML/JSON record: empty fields left out, `source` holding one sentence per category."""
        record: dict = {"descp": self.descp}
        for key in (
            "dtype",
            "structure",
            "tensor_t",
            "shape",
            "ndim",
            "ndim_min",
            "range",
            "enum",
            "containers",
            "default",
        ):
            value = getattr(self, key)
            if value not in (None, [], ""):
                record[key] = value
        record["optional"] = self.optional
        if self.keyword_only:
            record["keyword_only"] = True
        if self.sources:
            record["source"] = dict(self.sources)
        return record

    @classmethod
    def from_record(cls, name: str, record: dict) -> ParamConstraints:
        known = {k: v for k, v in record.items() if k in cls.__dataclass_fields__ and k != "sources"}
        return cls(name=name, sources=dict(record.get("source", {})), **known)


@dataclass
class ApiConstraints:
    """All parameters of one API, in call order, and the dimension names they share."""

    api: str
    signature: str
    params: dict[str, ParamConstraints]
    dependency: list[str] = field(default_factory=list)

    def to_record(self) -> dict:
        record = {
            "api": self.api,
            "signature": self.signature,
            "constraints": {name: p.to_record() for name, p in self.params.items()},
        }
        if self.dependency:
            record["dependency"] = self.dependency
        return record

    @classmethod
    def from_record(cls, record: dict) -> ApiConstraints:
        params = {n: ParamConstraints.from_record(n, r) for n, r in record["constraints"].items()}
        return cls(record["api"], record.get("signature", ""), params, list(record.get("dependency", [])))


def extract(doc: ApiDoc) -> ApiConstraints:
    """Constraints for every parameter of `doc`, from its signature first and its prose second."""
    signature = doc.signature or ""
    sig_params = parse_signature(signature) if signature else []
    in_doc = signatures_in_doc(doc.name, doc.doc)
    if not sig_params or _untyped_builtin(signature):
        sig_params = merged_signature(in_doc) or sig_params
        signature = in_doc[0] if in_doc else signature
    else:  # a Python signature: documented overloads may add keyword arguments
        names = {p.name for p in sig_params}
        sig_params += [p for p in merged_signature(in_doc) if p.name not in names]
    docs = param_docs(doc.doc, [p.name for p in sig_params])
    order = [p for p in sig_params if not p.name.startswith("_") and p.name not in ("self", "cls")]
    if not order:
        order = [SigParam(name) for name in docs]
    params = {p.name: extract_param(p, docs.get(p.name, ParamDoc(p.name))) for p in order}
    _api_wide_dtypes(params, doc.doc)
    return ApiConstraints(doc.name, signature, params, shared_dimensions(params))


def _api_wide_dtypes(params: dict[str, ParamConstraints], doc: str) -> None:
    """`Supports input of float, double ... dtypes` applies to every input tensor whose own entry names none."""
    found = rules.supported_dtypes(doc)
    if found is None:
        return
    for name, param in params.items():
        if "tensor" in param.structure and not param.dtype and name != "out":
            param.dtype, param.sources["dtype"] = list(found[0]), found[1]  # type: ignore[call-overload]


def _untyped_builtin(signature: str) -> bool:
    return signature.strip() in ("", "(*args, **kwargs)", "(...)")


def extract_param(sig: SigParam, pdoc: ParamDoc) -> ParamConstraints:
    """Apply every category rule to one parameter's type text, description and `:attr:` prose."""
    out = ParamConstraints(sig.name, descp=pdoc.description, keyword_only=sig.keyword_only)
    first = (rules.sentences(pdoc.description) or [""])[0]
    header = f"{pdoc.name} ({pdoc.type_text}): {first}" if pdoc.type_text else first
    _structure(out, sig, pdoc, header)
    if "tensor" in out.structure or "sequence(tensor)" in out.structure:
        out.tensor_t = ["torch.tensor"]
        pieces = [pdoc.type_text, pdoc.description, *_clauses_about(sig.name, pdoc.prose)]
        if "tensor" in out.structure:  # `tuple of (Tensor, LongTensor)` names outputs, not an input dtype
            found = _first(rules.dtypes, pieces)
            if found is not None and pdoc.type_text and found[1] == pdoc.type_text.strip():
                found = (found[0], header)  # the type alone is no sentence: cite the entry's first line
            _take(out, "dtype", found)
        found = rules.shapes(pdoc.description)
        for sentence in _shape_statements(sig.name, pdoc.prose):  # `If :attr:`input` is 2D of shape `(B, N)``
            more = rules.shapes(sentence)
            if more:
                known: list[str] = list(cast(list[str], found[0])) if found else []
                extra = [s for s in cast(list[str], more[0]) if s not in known]
                found = (known + extra, found[1] if found else more[1])
        if found:
            out.shape, out.sources["shape"] = found  # type: ignore[assignment]
            fixed = rules.ndims_from_shapes(out.shape, pdoc.description)
            if fixed:
                out.ndim, out.sources["ndim"] = fixed, found[1]
        clauses = [pdoc.description, *_clauses_about(sig.name, pdoc.prose)]
        _take(out, "ndim_min", _first(rules.min_ndim, clauses))
        if not out.ndim and out.ndim_min is None:
            _take(out, "ndim", _first(rules.ndims, clauses))
    if not set(out.structure) & {
        "bool",
        "str",
        "dtype",
        "device",
        "layout",
        "memory_format",
        "generator",
        "callable",
    }:
        pieces = [pdoc.description, *rules.clauses_naming(sig.name, pdoc.prose)]
        _take(out, "range", _first(rules.value_range, pieces))
        if out.range is None and set(out.structure) & {"int", "sequence(int)"}:
            _take(out, "range", rules.size_like_range(pdoc.description))
    if "str" in out.structure:
        _take(out, "enum", _first(rules.enum_from_type, [pdoc.type_text, sig.annotation or ""]))
    if "str" in out.structure and not out.enum:
        _take(
            out,
            "enum",
            rules.enum_values(
                " ".join(s.rstrip(" .") + "." for s in [pdoc.description, *pdoc.prose] if s.strip())
            ),
        )
    _default(out, sig, pdoc)
    out.optional = (
        sig.default is not None
        or rules.says_optional(pdoc.type_text)
        or rules.says_optional(sig.annotation or "")
    )
    if out.optional:
        out.sources.setdefault(
            "optional",
            header if rules.says_optional(pdoc.type_text) else f"signature: {sig.name}={sig.default}",
        )
    return out


def _shape_statements(name: str, prose: list[str]) -> list[str]:
    """The part of each prose sentence that states this parameter's shape, up to the next parameter named."""
    out = []
    for sentence in prose:
        for match in re.finditer(
            rf":attr:`{name}`\s+(?:(?:is|has)\s+(?:\w+\s+){{0,3}}?)?(?:of\s+)?shape", sentence
        ):
            rest = sentence[match.start() :]
            cut = rest.find(":attr:", len(f":attr:`{name}`"))
            out.append(rest if cut < 0 else rest[:cut])
        for match in re.finditer(rf":attr:`{name}`\s+is\s+an?\s+(?=:math:`\()", sentence):
            rest = sentence[match.end() :]  # `If :attr:`mat1` is a :math:`(n \times m)` tensor, ...`
            cut = rest.find(":attr:")
            out.append(rest if cut < 0 else rest[:cut])
    return out


def _structure(out: ParamConstraints, sig: SigParam, pdoc: ParamDoc, header: str) -> None:
    if pdoc.type_text and rules.structure_from_type(pdoc.type_text):
        out.structure, out.sources["structure"] = (
            rules.structure_from_type(pdoc.type_text, pdoc.description),
            header,
        )
    elif sig.annotation and rules.structure_from_type(sig.annotation):
        out.structure = rules.structure_from_type(sig.annotation)
        out.sources["structure"] = f"signature: {sig.name}: {sig.annotation}"
    elif (found := rules.structure_from_description(pdoc.description)) is not None:
        _take(out, "structure", found)
    elif rules.structure_from_default(sig.default):
        out.structure = rules.structure_from_default(sig.default)
        out.sources["structure"] = f"signature: {sig.name}={sig.default}"
    if any(k.startswith("sequence(") for k in out.structure):
        out.containers = rules.container_words(f"{pdoc.type_text} {sig.annotation or ''}")
    if not out.structure and sig.name == "input" and not pdoc.type_text:
        out.structure = ["tensor"]  # torch's convention: an untyped, undocumented `input` is the input tensor
        out.sources["structure"] = f"signature: {sig.name} (torch's input tensor)"
    if not out.structure and sig.name in ("dtype", "device", "layout", "generator", "memory_format"):
        out.structure = [sig.name]  # the conventional keyword arguments of tensor factories and modules
        out.sources["structure"] = f"signature: {sig.name}={sig.default}"
    if sig.variadic and out.structure and not out.structure[0].startswith("sequence"):
        out.structure = [f"sequence({out.structure[0]})"]


def _default(out: ParamConstraints, sig: SigParam, pdoc: ParamDoc) -> None:
    if sig.default is not None:
        out.default = rules.normalize_default(sig.default)
        out.sources["default"] = f"signature: {sig.name}={sig.default}"
    elif (found := rules.default_from_doc(pdoc.description)) is not None:
        _take(out, "default", found)
    if isinstance(rules.literal(out.default), str) and "str" not in out.structure and out.structure:
        out.structure.append("str")
        if not out.enum:
            _take(out, "enum", rules.enum_values(pdoc.description))


def _first(rule, pieces: list[str]) -> rules.Found | None:
    """The first piece of documentation (type, description, then prose) a rule finds something in."""
    for piece in pieces:
        if piece.strip() and (found := rule(piece)) is not None:
            return found
    return None


def _take(out: ParamConstraints, category: str, found: rules.Found | None) -> None:
    if found is not None:
        setattr(out, category, found[0])
        out.sources[category] = found[1]


def _clauses_about(name: str, prose: list[str]) -> list[str]:
    """The clauses of `:attr:` sentences whose subject is this parameter (so `out can be X, but input must be Y`
    gives `input` only Y)."""
    clauses = []
    for sentence in prose:
        for clause in re.split(r",\s*but\s+|;\s+|,\s+while\s+", sentence):
            if (
                f":attr:`{name}`" in clause
                and MODAL.search(clause)
                or re.search(r"\binputs?\b", clause)
                and name == "input"
                and MODAL.search(clause)
            ):
                clauses.append(clause.strip().rstrip(".") + ".")
    return clauses


def shared_dimensions(params: dict[str, ParamConstraints]) -> list[str]:
    """Named dimensions that appear in the shapes of more than one parameter (sizes that must agree)."""
    counts: Counter[str] = Counter()
    for param in params.values():
        names = {
            name
            for shape in param.shape
            for d in shape
            for name in re.findall(r"[A-Za-z_]\w*", d)
            if name != "N" and name not in params
        }  # a parameter inside a shape is a value, not a size
        counts.update(names)
    names_with_n = {d for p in params.values() for s in p.shape for d in s if d == "N"}
    shared = sorted(n for n, c in counts.items() if c > 1)
    if names_with_n and sum(any("N" in s for s in p.shape) for p in params.values()) > 1:
        shared.insert(0, "N")
    return shared
