"""Configuration: the settings model (`config_sections.py`) built once per command from its layers, for every
section alike: flags > REPOWRIGHT_<SECTION>_<FIELD> environment > user config > repowright.toml > defaults.
`explain_settings` also says which layer each value came from (`repowright config show`).

Trust: the user config file (`$XDG_CONFIG_HOME/repowright/config.toml`), the environment and flags come from the
user. A `repowright.toml` found from the current directory up usually belongs to the repository being worked on,
so it may tighten limits and budgets and pick a model, but never loosen isolation, raise a budget, or choose
where credentials, code or output go (see `_repository_layer`); what it is refused is named once, loudly, on
stderr.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .config_sections import (
    SECTIONS,
    FuzzConfig,
    LLMConfig,
    LocateConfig,
    SandboxConfig,
    Settings,
    SolveConfig,
    SwebenchConfig,
    TranslateConfig,
)
from .errors import UserError

__all__ = [
    "FuzzConfig",
    "LLMConfig",
    "LocateConfig",
    "SandboxConfig",
    "Settings",
    "SolveConfig",
    "SwebenchConfig",
    "TranslateConfig",
    "explain_settings",
    "load_settings",
]

ENV_PREFIX = "REPOWRIGHT_"
log = logging.getLogger(__name__)


# Environment variable -> (section, field): REPOWRIGHT_<SECTION>_<FIELD> for every field, plus the older names
# that stay valid: REPOWRIGHT_<FIELD> for [llm] (REPOWRIGHT_BASE_URL) and REPOWRIGHT_SANDBOX for the backend.
# When both spellings are set, the sectioned one wins (it comes later here).
_ENV_FIELDS: dict[str, tuple[str, str]] = {
    **{f"{ENV_PREFIX}{name.upper()}": ("llm", name) for name in LLMConfig.model_fields},
    f"{ENV_PREFIX}SANDBOX": ("sandbox", "backend"),
    **{
        f"{ENV_PREFIX}{section.upper()}_{name.upper()}": (section, name)
        for section, model in SECTIONS.items()
        for name in model.model_fields
    },
}
_SECTIONS = SECTIONS
Source = str  # "default", "repository file PATH", "user file PATH", "environment NAME", "flag"


def find_config_file(start: Path | None = None) -> Path | None:
    """repowright.toml in `start` or the nearest parent directory."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "repowright.toml"
        if candidate.is_file():
            return candidate
    return None


def user_config_file(environ: Mapping[str, str] | None = None) -> Path:
    """The user's own config file: $XDG_CONFIG_HOME/repowright/config.toml (default ~/.config/...)."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME") or Path.home()) / ".config")
    return Path(base) / "repowright" / "config.toml"


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        elif value is not None:
            out[key] = value
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    """A config file's tables, every section and key checked against the settings model."""
    try:
        data = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path} is not valid TOML ({exc}); fix or remove it") from exc
    except OSError as exc:
        raise UserError(f"cannot read {path} ({exc.strerror}); fix its permissions or remove it") from exc
    for section, values in data.items():
        if section not in _SECTIONS or not isinstance(values, dict):
            raise UserError(
                f"{path}: unknown section [{section}]; valid sections: "
                f"{', '.join(f'[{s}]' for s in _SECTIONS)}"
            )
        fields = _SECTIONS[section].model_fields
        for key in values:
            if key not in fields:
                raise UserError(
                    f"{path}: unknown key {key!r} in [{section}]; valid keys: {', '.join(fields)}"
                )
    return data


def load_settings(
    overrides: dict[str, Any] | None = None,
    *,
    start: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """The effective settings: `overrides` (from flags) over the environment over the user config over the
    (trust-filtered) repowright.toml over the defaults."""
    return explain_settings(overrides, start=start, environ=environ)[0]


def explain_settings(
    overrides: dict[str, Any] | None = None,
    *,
    start: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[Settings, dict[tuple[str, str], Source]]:
    """The effective settings and, per (section, field) that is not a default, the layer it came from."""
    env = os.environ if environ is None else environ
    path = find_config_file(start)
    user_path = user_config_file(env)
    user_data = _read_toml(user_path) if user_path.is_file() else {}
    if path is not None and path.resolve() == user_path.resolve():
        path = None
    env_data: dict[str, dict[str, str]] = {}
    sources: dict[tuple[str, str], Source] = {}
    _note(sources, user_data, f"user file {user_path}")
    for var, (section, field) in _ENV_FIELDS.items():
        value = env.get(var)
        if value:
            env_data.setdefault(section, {})[field] = value
            sources[(section, field)] = f"environment {var}"
    _note(sources, overrides or {}, "flag")
    trusted = _merge(_merge(user_data, env_data), overrides or {})
    repo_data: dict[str, Any] = {}
    if path is not None:
        repo_data = _read_toml(path)
        _validate(repo_data, str(path))  # a wrong value there is an error, not a silent drop
        repo_data = _repository_layer(repo_data, trusted, path)
        for section, values in repo_data.items():
            for field in values:
                sources.setdefault((section, field), f"repository file {path}")
    settings = _validate(
        _merge(repo_data, trusted),
        f"flags, REPOWRIGHT_* variables, {user_path} and {path or 'repowright.toml'}",
    )
    return settings, sources


def _note(sources: dict[tuple[str, str], Source], layer: dict[str, Any], name: str) -> None:
    """Record `name` as the source of every value `layer` sets (later layers overwrite earlier ones)."""
    for section, values in layer.items():
        for field, value in (values or {}).items():
            if value is not None:
                sources[(section, field)] = name


def _validate(data: dict[str, Any], where_to_look: str) -> Settings:
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UserError(f"invalid setting {where}: {first['msg']} (check {where_to_look})") from exc


# --- repository trust (issue 11.3): what a repowright.toml under work may set ---

# Keys that choose where credentials, code and the issue go, how isolated untrusted code is, or where output is
# written. `[solve] setup` is a command run with the network on, so it is the user's choice alone too.
_USER_ONLY = {
    ("llm", "base_url"),
    ("llm", "api_key"),
    ("sandbox", "backend"),
    ("sandbox", "image"),
    ("sandbox", "network"),
    ("solve", "setup"),
    ("fuzz", "executor"),
    ("fuzz", "ray_address"),
    ("swebench", "executor"),
    ("swebench", "ray_address"),
    ("swebench", "cache_dir"),
    ("swebench", "out"),
}
# Limits a repository file may lower but not raise (compared with the user's value, else the default): the
# containers' resources, and the budgets that spend the user's time and tokens.
_LIMITS = {
    *(("sandbox", f) for f in ("timeout", "memory", "cpus", "pids")),
    *(
        ("solve", f)
        for f in ("max_steps", "max_model_calls", "max_tokens", "max_seconds", "samples", "parallel")
    ),
    ("locate", "max_model_calls"),
    *(("translate", f) for f in ("max_tokens", "case_timeout", "build_timeout")),
    *(("fuzz", f) for f in ("timeout", "memory", "workers")),
    *(("swebench", f) for f in ("timeout", "memory", "cpus", "pids", "workers", "env_build_timeout")),
}
_said: set[str] = set()
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.I)


def _size_bytes(value: Any) -> float | None:
    """A Docker-style memory size ("512m", "2g", 1073741824) in bytes, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    match = _SIZE.match(str(value))
    if not match:
        return None
    return float(match.group(1)) * 1024 ** "bkmgt".index(match.group(2).lower() or "b")


def _number(value: Any) -> float | None:
    """A limit as a number (an environment value is text), or None when it is not one."""
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _tightens(key: tuple[str, str], value: Any, reference: Any) -> bool:
    """Whether `value` is a valid limit no looser than `reference` (zero or negative never tightens; an unset
    reference means no limit, so any valid value tightens it)."""
    measure = _size_bytes if key[1] == "memory" else _number
    new = measure(value) if not isinstance(value, str) or key[1] == "memory" else None
    if new is None or new <= 0:
        return False
    old = measure(reference) if reference is not None else float("inf")
    return old is not None and new <= old


def _repository_layer(data: dict[str, Any], trusted: dict[str, Any], path: Path) -> dict[str, Any]:
    """`data` from a repository's repowright.toml with everything that would weaken isolation removed."""
    defaults = Settings().model_dump()
    kept: dict[str, Any] = {}
    for section, values in data.items():
        for field, value in values.items():
            key = (section, field)
            reference = trusted.get(section, {}).get(field, defaults[section][field])
            if key in _USER_ONLY and value != defaults[section][field]:
                _say_ignored(
                    path, section, field, value, "it chooses where credentials go or loosens isolation"
                )
            elif key in _LIMITS and not _tightens(key, value, reference):
                _say_ignored(
                    path, section, field, value, f"a repository may only lower this limit (now {reference})"
                )
            else:
                kept.setdefault(section, {})[field] = value
    return kept


def _say_ignored(path: Path, section: str, field: str, value: Any, why: str) -> None:
    message = (
        f"IGNORED [{section}] {field} = {value!r} from {path}: {why}; set it in {user_config_file()}, "
        f"a REPOWRIGHT_* variable or a flag if you mean it"
    )
    if message not in _said:
        _said.add(message)
        log.warning(message)
