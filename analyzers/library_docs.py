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
    """PyTorch, minus the APIs that change global state or touch files (data/torch_skip.yaml)."""

    def __init__(self) -> None:
        super().__init__("torch")

    def skipped(self) -> frozenset[str]:
        return skip()


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
    for name in sorted(getattr(module, "__all__", None) or dir(module)):
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
