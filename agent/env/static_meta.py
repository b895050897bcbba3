"""A project's declared dependencies read without running its code: setup.py by AST, setup.cfg, pyproject.

The environment is built on the host, where repository code must never run, so `setup.py` is parsed, not
executed: module-level literals, names bound to them, `+` of lists, dict item assignments and the
`sum(d.values(), [])` idiom are understood; anything else is skipped and named in `unresolved`.
"""

from __future__ import annotations

import ast
import configparser
import tomllib
from dataclasses import dataclass, field
from typing import Any


class _Unresolved(Exception):
    pass


@dataclass
class DeclaredDeps:
    """Requirements a project declares, by where they are needed."""

    install: list[str] = field(default_factory=list)
    extras: dict[str, list[str]] = field(default_factory=dict)
    build: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)

    def for_extras(self, names: list[str]) -> list[str]:
        """Install requirements plus those of the named extras (`all` means every extra when undeclared)."""
        out = list(self.install) + list(self.build)
        for name in names:
            if name in self.extras:
                out += self.extras[name]
            elif name == "all":
                out += [req for reqs in self.extras.values() for req in reqs]
        return out


def _eval(node: ast.AST, scope: dict[str, Any]) -> Any:
    """Evaluate a restricted expression: literals, known names, list `+`, and a few pure builtins."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [_eval(elt, scope) for elt in node.elts]
    if isinstance(node, ast.Dict):
        return {_eval(k, scope): _eval(v, scope) for k, v in zip(node.keys, node.values, strict=True) if k}
    if isinstance(node, ast.Name):
        if node.id in scope:
            return scope[node.id]
        raise _Unresolved(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _eval(node.left, scope) + _eval(node.right, scope)
    if isinstance(node, ast.Subscript):
        return _eval(node.value, scope)[_eval(node.slice, scope)]
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "values" and not node.args:
            return list(_eval(func.value, scope).values())
        if isinstance(func, ast.Name) and func.id in ("sorted", "set", "list", "sum", "tuple"):
            args = [_eval(arg, scope) for arg in node.args]
            if func.id == "sum":
                total = args[1] if len(args) > 1 else 0
                for item in args[0]:
                    total = total + item
                return total
            if func.id == "sorted":
                return sorted(args[0])
            return list(dict.fromkeys(args[0])) if func.id == "set" else list(args[0])
    raise _Unresolved(ast.dump(node)[:60])


def from_setup_py(source: str) -> DeclaredDeps:
    """Requirements from the `setup(...)` call of a setup.py, evaluated statically."""
    deps = DeclaredDeps()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        deps.unresolved.append("setup.py does not parse")
        return deps
    scope: dict[str, Any] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                try:
                    value = _eval(stmt.value, scope)
                    if isinstance(target, ast.Name):
                        scope[target.id] = value
                    elif isinstance(target, ast.Subscript):
                        _eval(target.value, scope)[_eval(target.slice, scope)] = value
                except (_Unresolved, TypeError, KeyError, IndexError):
                    if isinstance(target, ast.Name):
                        scope.pop(target.id, None)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "setup":
            for kw in node.keywords:
                try:
                    if kw.arg == "install_requires":
                        deps.install += _as_list(_eval(kw.value, scope))
                    elif kw.arg == "setup_requires":
                        deps.build += _as_list(_eval(kw.value, scope))
                    elif kw.arg == "extras_require":
                        deps.extras.update({k: _as_list(v) for k, v in _eval(kw.value, scope).items()})
                except (_Unresolved, TypeError, KeyError, AttributeError) as exc:
                    deps.unresolved.append(f"setup.py {kw.arg}: {exc}")
    return deps


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [line for line in value.splitlines() if line.strip()]
    return [str(v) for v in value]


def _cfg_lines(text: str) -> list[str]:
    return [line.split("#")[0].strip() for line in text.splitlines() if line.split("#")[0].strip()]


def from_setup_cfg(source: str) -> DeclaredDeps:
    """Requirements from setup.cfg's [options] and [options.extras_require]."""
    parser = configparser.ConfigParser(interpolation=None)
    deps = DeclaredDeps()
    try:
        parser.read_string(source)
    except configparser.Error as exc:
        deps.unresolved.append(f"setup.cfg: {exc}")
        return deps
    if parser.has_section("options"):
        deps.install += _cfg_lines(parser.get("options", "install_requires", fallback=""))
        deps.build += _cfg_lines(parser.get("options", "setup_requires", fallback=""))
    if parser.has_section("options.extras_require"):
        deps.extras.update({k: _cfg_lines(v) for k, v in parser.items("options.extras_require")})
    return deps


def from_pyproject(source: str) -> DeclaredDeps:
    """Requirements from pyproject.toml's [project] table and [build-system] requires."""
    deps = DeclaredDeps()
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        deps.unresolved.append(f"pyproject.toml: {exc}")
        return deps
    project = data.get("project", {})
    deps.install += list(project.get("dependencies", []))
    deps.extras.update({k: list(v) for k, v in project.get("optional-dependencies", {}).items()})
    deps.build += list(data.get("build-system", {}).get("requires", []))
    return deps


def declared_dependencies(files: dict[str, str]) -> DeclaredDeps:
    """Everything declared across the project files given as {name: text}."""
    total = DeclaredDeps()
    readers = {"setup.py": from_setup_py, "setup.cfg": from_setup_cfg, "pyproject.toml": from_pyproject}
    for name, reader in readers.items():
        if name in files:
            part = reader(files[name])
            total.install += part.install
            total.build += part.build
            total.unresolved += part.unresolved
            for key, reqs in part.extras.items():
                total.extras.setdefault(key, []).extend(reqs)
    return total
