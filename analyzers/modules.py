"""Where an import points inside the repository, per language: module names, include paths, packages, crates.

Targets are strings: a file path, a directory id ending in "/", or "mod:<dotted>" for a Python module name that
is looked up lazily (namespace packages and submodules). None means the import leaves the repository.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict

_JS_EXTS = (
    "",
    ".ts",
    ".tsx",
    ".js",
    ".jsx",
    ".mjs",
    ".cjs",
    ".d.ts",
    "/index.ts",
    "/index.tsx",
    "/index.js",
    "/index.jsx",
)


class ModuleIndex:
    """Lookups from import strings to repository files, built once from the list of file paths."""

    def __init__(self, paths: list[str], lang_of: dict[str, str]) -> None:
        self.paths = set(paths)
        self.lang_of = lang_of
        self.python: dict[str, str] = {}
        self.python_name: dict[str, str] = {}
        self.by_basename: dict[str, list[str]] = defaultdict(list)
        self.dir_files: dict[str, list[str]] = defaultdict(list)
        self.rust_module: dict[str, str] = {}
        self.rust_name: dict[str, tuple[str, str]] = {}
        packages = {posixpath.dirname(p) for p in paths if p.endswith("/__init__.py") or p == "__init__.py"}
        fallback: dict[str, str] = {}
        for path in sorted(paths):
            lang = lang_of.get(path)
            self.by_basename[posixpath.basename(path)].append(path)
            self.dir_files[posixpath.dirname(path)].append(path)
            if lang == "python":
                parts = path.rsplit(".", 1)[0].split("/")
                if parts[-1] == "__init__":
                    parts.pop()
                first = len(parts) - 1  # extend upwards while the folder is a package
                while first > 0 and "/".join(parts[:first]) in packages:
                    first -= 1
                name = ".".join(parts[first:]) if parts[first:] else ".".join(parts)
                if name and (name not in self.python or path.endswith(".py")):
                    self.python[name] = path
                self.python_name[path] = name
                fallback.setdefault(".".join(parts), path)
            elif lang == "rust":
                self._add_rust(path)
        for name, path in fallback.items():
            self.python.setdefault(name, path)
        for files in self.by_basename.values():
            files.sort(key=lambda p: (p.count("/"), p))

    # Python -----------------------------------------------------------------------------------------------
    def python_package(self, path: str) -> str:
        name = self.python_name.get(path, "")
        return (
            name if path.endswith("__init__.py") or path.endswith("__init__.pyi") else name.rpartition(".")[0]
        )

    def python_absolute(self, path: str, module: str, level: int) -> str:
        """The absolute dotted name of `module` imported with `level` leading dots from `path`."""
        if level == 0:
            return module
        package = self.python_package(path).split(".") if self.python_package(path) else []
        base = package[: len(package) - (level - 1)] if level - 1 <= len(package) else []
        return ".".join([*base, module] if module else base)

    # C / C++ ----------------------------------------------------------------------------------------------
    def include(self, path: str, header: str, system: bool) -> str | None:
        if not system:
            local = posixpath.normpath(posixpath.join(posixpath.dirname(path), header))
            if local in self.paths:
                return local
        for candidate in self.by_basename.get(posixpath.basename(header), ()):
            if candidate == header or candidate.endswith("/" + header):
                return candidate
        return None

    # JavaScript / TypeScript ------------------------------------------------------------------------------
    def js_module(self, path: str, source: str) -> str | None:
        if not source.startswith("."):
            return None
        base = posixpath.normpath(posixpath.join(posixpath.dirname(path), source))
        stem = base.rsplit(".", 1)[0] if base.endswith((".js", ".jsx", ".mjs")) else None
        for ext in _JS_EXTS:
            if base + ext in self.paths:
                return base + ext
            if stem is not None and stem + ext in self.paths:  # TypeScript imports "./x.js" for x.ts
                return stem + ext
        return None

    # Go ---------------------------------------------------------------------------------------------------
    def go_package(self, import_path: str) -> str | None:
        """The directory (id with a trailing "/") whose path is the longest suffix of `import_path`."""
        parts = import_path.split("/")
        for start in range(len(parts)):
            folder = "/".join(parts[start:])
            if any(f.endswith(".go") for f in self.dir_files.get(folder, ())):
                return folder + "/"
        return None

    # Java -------------------------------------------------------------------------------------------------
    def java_class_file(self, dotted: str) -> str | None:
        tail = dotted.replace(".", "/") + ".java"
        for candidate in self.by_basename.get(posixpath.basename(tail), ()):
            if candidate == tail or candidate.endswith("/" + tail):
                return candidate
        return None

    def java_package_dir(self, dotted: str) -> str | None:
        tail = dotted.replace(".", "/")
        for folder, files in self.dir_files.items():
            if (folder == tail or folder.endswith("/" + tail)) and any(f.endswith(".java") for f in files):
                return folder + "/"
        return None

    # Rust -------------------------------------------------------------------------------------------------
    def _add_rust(self, path: str) -> None:
        parts = path[:-3].split("/")
        if "src" not in parts:
            return
        cut = len(parts) - 1 - parts[::-1].index("src")
        crate_root = "/".join(parts[: cut + 1])
        mod = parts[cut + 1 :]
        if mod and mod[-1] in ("lib", "main", "mod"):
            mod.pop()
        name = "::".join(["crate", *mod])
        self.rust_module[f"{crate_root}|{name}"] = path
        self.rust_name[path] = (crate_root, name)

    def rust_path(self, path: str, use: str) -> tuple[str | None, list[str]]:
        """The file of the longest module prefix of `use` (crate/self/super paths) and the remaining names."""
        if path not in self.rust_name:
            return None, []
        crate_root, current = self.rust_name[path]
        parts = use.split("::")
        minimum = 1
        if parts[0] == "self":
            parts = current.split("::") + parts[1:]
        elif parts[0] == "super":
            base = current.split("::")
            while parts and parts[0] == "super":
                base = base[:-1] if len(base) > 1 else base
                parts = parts[1:]
            parts = base + parts
        elif parts[0] != "crate":
            minimum = current.count("::") + 2  # a child module, else an extern crate
            parts = current.split("::") + parts
        for cut in range(len(parts), minimum - 1, -1):
            found = self.rust_module.get(f"{crate_root}|{'::'.join(parts[:cut])}")
            if found is not None:
                return found, parts[cut:]
        return None, []
