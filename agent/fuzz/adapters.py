"""Library adapters: how to enumerate a library's APIs, read their docs, and turn value specs into a call."""

from __future__ import annotations

import inspect
import json
import math
import sys
from pathlib import Path
from typing import Any, Protocol

from repowright.analyzers.api_docs import ApiDoc, ParamDoc, SigParam, param_docs
from repowright.analyzers.doc_constraints import ApiConstraints, ParamConstraints, extract, extract_param
from repowright.analyzers.library_docs import ModuleDocs, TorchDocs, UnknownApi, resolve

from ..errors import UserError
from .values import Spec


class LibraryAdapter(Protocol):
    """Everything the fuzzing pipeline needs to know about one library."""

    name: str
    preload: str  # code the fork server runs once before forking (imports, thread settings)
    support_files: dict[
        str, str
    ]  # files the sandbox needs next to the inputs (a library not installed there)

    def enumerate_many(self, targets: list[str]) -> list[str]: ...
    def constraints(self, api: str) -> ApiConstraints: ...
    def version(self) -> str: ...
    def render(self, api: str, args: dict[str, Spec], seed: int, positional: list[str]) -> str: ...


class TorchAdapter:
    """PyTorch: docs through `analyzers.library_docs.TorchDocs`, calls rendered as standalone Python."""

    name = "torch"
    # import once in the fork server what torch otherwise imports lazily on first use (meta-device kernels,
    # sparse, fft, linalg): paid in every forked worker, those imports take seconds and read as hangs
    preload = (
        "import torch\ntorch.set_num_threads(1)\ntry:\n"
        "    m = torch.empty(2, 2, device='meta')\n"
        "    (m @ m).sum(); torch.floor(m); m.le(m); torch.minimum(m, m); m.sqrt_(); m.nanmean()\n"
        "    torch.ones(2, 2).to_sparse().to_dense(); torch.fft.fft(torch.ones(4))\n"
        "    torch.linalg.solve(torch.eye(2), torch.ones(2)); torch.special.erf(torch.ones(1))\n"
        "except Exception:\n    pass\n"
    )
    imports = "import torch\n"
    support_files: dict[str, str] = {}

    def __init__(self, device: str = "cpu") -> None:
        self.docs: ModuleDocs = TorchDocs()
        self.device = device  # tensors are built on this device (the fork server never touches it itself)
        self.llm: Any = None  # an agent.llm.LLM, when model extraction is asked for

    def version(self) -> str:
        return self.docs.version()

    def enumerate_many(self, targets: list[str]) -> list[str]:
        apis: list[str] = []
        for target in targets:
            try:
                found = self.docs.enumerate(target)
            except UnknownApi as exc:
                raise UserError(
                    f"unknown API or module {target!r} ({exc}); pass e.g. torch.nn.functional.conv2d "
                    "or torch.nn.functional"
                ) from None
            apis += [a for a in found if a not in apis]
        if not apis:
            raise UserError(
                f"no documented public functions in {' '.join(targets)}; name a module or a function"
            )
        return apis

    def constraints(self, api: str) -> ApiConstraints:
        """Rules first; with a model attached (`self.llm`), the model fills what the rules left empty."""
        doc = self.docs.api_doc(api)
        record = extract(doc)
        if self.llm is not None:
            from .model_constraints import fill_with_model

            record, _ = fill_with_model(record, doc, self.llm)
        return with_call_parameters(api, record, doc)

    def render(self, api: str, args: dict[str, Spec], seed: int, positional: list[str]) -> str:
        """A standalone script: imports, seeded values, the call (positional parameters first, then keywords)."""
        tensors = "torch" in self.imports or '"tensor"' in json.dumps(args)
        lines = [self.imports.rstrip()] + (["import torch", f"torch.manual_seed({seed})"] if tensors else [])
        lines = list(dict.fromkeys(line for line in lines if line))
        call_args = []
        for name, spec in args.items():
            lines.append(f"{name}_ = {render_value(_on_device(spec, getattr(self, 'device', 'cpu')))}")
            if name != FORWARD:
                call_args.append(f"{name}_" if name in positional else f"{name}={name}_")
        if FORWARD in args:  # a torch.nn module: construct it, then call it on a conforming input
            lines.append(f"module = {api}({', '.join(call_args)})")
            lines.append(f"result = module({FORWARD}_)")
        else:
            lines.append(f"result = {api}({', '.join(call_args)})")
        return "\n".join(lines) + "\n"


FORWARD = "forward_input"  # the pseudo-parameter of a module class: the tensor its forward() is called on


def with_call_parameters(api: str, record: ApiConstraints, doc: ApiDoc) -> ApiConstraints:
    """What calling the API needs beyond its documented parameters: `self` for a torch.Tensor method (the call is
    `torch.Tensor.abs(self_)`), and for a module class the input of its forward call, from its `Shape:` section
    (`- Input: (N, C, L)`), after the constructor's parameters."""
    if api.startswith("torch.Tensor.") and "self" not in record.params:
        record.params = {
            "self": ParamConstraints(
                "self", descp="the tensor the method is called on", structure=["tensor"]
            ),
            **record.params,
        }
    elif inspect.isclass(resolve(api)) and FORWARD not in record.params:
        entry = param_docs(doc.doc, []).get("input", ParamDoc("input"))
        forward = extract_param(SigParam("input"), entry)
        forward.name, forward.structure, forward.optional, forward.default = FORWARD, ["tensor"], False, None
        forward.dtype = forward.dtype or [
            "float32"
        ]  # a module's parameters are float32 unless told otherwise
        record.params[FORWARD] = forward
    return record


def _on_device(spec: Spec, device: str) -> Spec:
    """The spec with its tensors (also inside sequences) moved to `device`; meta tensors stay on meta."""
    if device == "cpu":
        return spec
    if spec["kind"] == "tensor" and spec.get("device", "cpu") == "cpu":
        return {**spec, "device": device}
    if spec["kind"] == "seq":
        return {**spec, "items": [_on_device(item, device) for item in spec["items"]]}
    return spec


def render_value(spec: Spec) -> str:
    """Python source that builds the value a spec describes."""
    kind = spec["kind"]
    if kind == "tensor":
        return render_tensor(spec)
    if kind == "int":
        return str(int(spec["value"]))
    if kind == "float":
        return _float(float(spec["value"]))
    if kind in ("bool", "str"):
        return repr(spec["value"])
    if kind == "none":
        return "None"
    if kind == "seq":
        items = ", ".join(render_value(i) for i in spec["items"])
        return (
            f"[{items}]"
            if spec["container"] == "list"
            else f"({items}{',' if len(spec['items']) == 1 else ''})"
        )
    if kind in ("dtype", "layout", "memory_format"):
        return f"torch.{spec['value']}"
    if kind == "device":
        return repr(spec["value"])
    if kind == "generator":
        return f"torch.Generator().manual_seed({int(spec['value'] or 0)})"
    if kind == "callable":
        return "(lambda *a, **k: a[0] if a else None)"
    raise ValueError(f"unknown value kind {kind!r}")


def _float(value: float) -> str:
    if math.isnan(value):
        return "float('nan')"
    if math.isinf(value):
        return "float('inf')" if value > 0 else "float('-inf')"
    return repr(value)


def render_tensor(spec: Spec) -> str:
    shape, dtype, fill = list(spec["shape"]), f"torch.{spec['dtype']}", spec["fill"]
    layout = spec.get("layout", "contiguous")
    build = list(shape)
    if layout == "noncontiguous" and shape:
        build = build[:-1] + [build[-1] * 2]
    elif layout == "zero_stride" and shape:
        build = build[:-1] + [1]
    size = json.dumps(build)
    device = spec.get("device", "cpu")
    if spec.get("device") == "meta":
        code = f"torch.empty({size}, dtype={dtype}, device='meta')"
    elif fill == "randn":
        code = (
            f"torch.randn({size}, dtype={dtype})"
            if _floating(spec["dtype"])
            else f"torch.randint(-3, 4, {size}).to({dtype})"
        )
    elif fill == "rand":
        code = (
            f"torch.rand({size}, dtype={dtype})"
            if _floating(spec["dtype"])
            else f"torch.randint(0, 2, {size}).to({dtype})"
        )
    elif fill == "int":
        code = f"torch.randint({int(spec['low'])}, {int(spec['high']) + 1}, {size}).to({dtype})"
    elif fill == "nan":
        code = f"torch.full({size}, float('nan')).to({dtype})"
    elif fill == "full":
        code = f"torch.full({size}, {_float(float(spec['low']))}).to({dtype})"
    elif fill == "full_int":  # exact integers (2**63 - 1 is not a float): built as int64, then converted
        code = f"torch.full({size}, {int(spec['low'])}, dtype=torch.int64).to({dtype})"
    else:
        raise ValueError(f"unknown tensor fill {fill!r}")
    if layout == "noncontiguous" and shape:
        code += "[..., ::2]"
    elif layout == "zero_stride" and shape:
        code += f".expand({json.dumps(shape)})"
    if device not in ("cpu", "meta"):
        code += f".to({device!r})"
    return code


def _floating(dtype: str) -> bool:
    return dtype.startswith(("float", "bfloat", "complex"))


class PythonModuleAdapter(TorchAdapter):
    """A plain Python module given as a file: docs read from it, the file copied into the sandbox. Values other
    than tensors need no torch; tensors still render as torch code."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.name = self.path.stem
        self.imports = f"import {self.name}\n"
        # torch too when it is there: inputs that carry tensors then do not pay its import inside the time limit
        self.preload = self.imports + "try:\n    import torch\nexcept ImportError:\n    pass\n"
        self.support_files = {self.path.name: self.path.read_text()}
        if str(self.path.parent) not in sys.path:
            sys.path.insert(0, str(self.path.parent))
        self.docs = ModuleDocs(self.name)
        self.llm: Any = None


ADAPTERS = {"torch": TorchAdapter, "torch-cuda": lambda: TorchAdapter(device="cuda")}


def library_adapter(name: str) -> TorchAdapter:
    """The adapter for a library name (torch), or for a Python module given as a path to its .py file."""
    if name.endswith(".py") and Path(name).is_file():
        return PythonModuleAdapter(Path(name))
    if name not in ADAPTERS:
        raise UserError(f"no library adapter named {name!r}; available: {', '.join(ADAPTERS)}")
    return ADAPTERS[name]()
