"""Library adapters, documentation side: enumerate a library's public APIs and read their signatures and docs."""

from __future__ import annotations

import importlib
import inspect
import warnings
from functools import cache
from pathlib import Path
from typing import Protocol

import yaml

from .api_docs import ApiDoc

SKIP_FILE = Path(__file__).parent / "data" / "torch_skip.yaml"


class LibraryDocs(Protocol):
    """What constraint extraction needs from a library: its API names and each one's documentation."""

    name: str

    def enumerate(self, target: str) -> list[str]:
        """Public callables named by `target`: a module gives all of its functions, a function gives itself."""

    def api_doc(self, api: str) -> ApiDoc:
        """The signature text and docstring of one API."""

    def version(self) -> str:
        """The installed library's version."""


class UnknownApi(LookupError):
    """A name that is neither an importable module nor a callable in one."""


class ModuleDocs:
    """Any importable Python module: its public functions and their docstrings (imported on first use)."""

    def __init__(self, module: str) -> None:
        self.name = module

    def version(self) -> str:
        return str(getattr(resolve(self.name), "__version__", "unversioned"))

    def skipped(self) -> frozenset[str]:
        return frozenset()

    def enumerate(self, target: str) -> list[str]:
        obj = resolve(target)
        if inspect.ismodule(obj):
            return public_functions(obj, self.skipped())
        if callable(obj):
            return [target]
        raise UnknownApi(f"{target} is neither a module nor a callable")

    def api_doc(self, api: str) -> ApiDoc:
        obj = resolve(api)
        try:
            signature = str(inspect.signature(obj))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            signature = ""
        return ApiDoc(api, signature, obj.__doc__ or "")


class TorchDocs(ModuleDocs):
    """PyTorch, minus the APIs that change global state or touch files (data/torch_skip.yaml). Besides modules and
    callables, `torch.nn` names its module classes, `torch.Tensor` its methods, and `torch` everything:
    torch.*, torch.nn.functional, torch.linalg, torch.fft, torch.special, torch.nn classes, torch.Tensor methods."""

    ALL = (
        "torch",
        "torch.nn.functional",
        "torch.linalg",
        "torch.fft",
        "torch.special",
        "torch.nn",
        "torch.Tensor",
    )

    def __init__(self) -> None:
        super().__init__("torch")

    def skipped(self) -> frozenset[str]:
        return skip()

    def enumerate(self, target: str) -> list[str]:
        if target == "torch":
            found: list[str] = []
            for part in self.ALL:
                found += [api for api in self._one(part) if api not in found]
            return found
        return self._one(target)

    def _one(self, target: str) -> list[str]:
        if target == "torch.nn":
            return module_classes(resolve("torch.nn"), "torch.nn.Module", self.skipped())
        if target == "torch.Tensor":
            return public_methods(resolve("torch.Tensor"), "torch.Tensor", self.skipped())
        return super().enumerate(target)


@cache
def skip() -> frozenset[str]:
    """APIs never fuzzed: global state, files, process control (from the data file)."""
    data = yaml.safe_load(SKIP_FILE.read_text())
    return frozenset(data["skip"])


def resolve(dotted: str) -> object:
    """The object a dotted name denotes, importing the longest module prefix."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            with warnings.catch_warnings():  # torch warns on stderr when numpy is absent; that is no error
                warnings.simplefilter("ignore")
                obj: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError as exc:
            raise UnknownApi(f"{dotted}: {exc}") from None
        return obj
    raise UnknownApi(f"{dotted}: no importable module in that name")


def public_functions(module: object, skipped: frozenset[str]) -> list[str]:
    """Documented public functions of a module (not classes, not submodules), sorted by name."""
    base = module.__name__  # type: ignore[attr-defined]
    names = []
    for name in sorted(set(getattr(module, "__all__", None) or dir(module))):  # torch's __all__ repeats names
        if name.startswith("_"):
            continue
        obj = getattr(module, name, None)
        if obj is None or inspect.isclass(obj) or inspect.ismodule(obj) or not callable(obj):
            continue
        if not (inspect.isfunction(obj) or inspect.isbuiltin(obj)) or not (obj.__doc__ or "").strip():
            continue
        full = f"{base}.{name}"
        if full not in skipped and name not in skipped:
            names.append(full)
    return names


def module_classes(module: object, base: str, skipped: frozenset[str]) -> list[str]:
    """Documented public classes of `module` that subclass `base` (torch.nn's layers), sorted by name."""
    root = resolve(base)
    prefix = module.__name__  # type: ignore[attr-defined]
    names = []
    for name in sorted(dir(module)):
        obj = getattr(module, name, None)
        if name.startswith("_") or not inspect.isclass(obj) or not issubclass(obj, root):  # type: ignore[arg-type]
            continue
        full = f"{prefix}.{name}"
        if (obj.__doc__ or "").strip() and full not in skipped:
            names.append(full)
    return names


def public_methods(cls: object, prefix: str, skipped: frozenset[str]) -> list[str]:
    """Documented public methods of a class (torch.Tensor's), sorted by name."""
    names = []
    for name in sorted(dir(cls)):
        obj = getattr(cls, name, None)
        if name.startswith("_") or not callable(obj) or inspect.isclass(obj):
            continue
        full = f"{prefix}.{name}"
        if (getattr(obj, "__doc__", "") or "").strip() and full not in skipped:
            names.append(full)
    return names
