"""Configuration: one pydantic model; flags > REPOWRIGHT_* environment > user config > repowright.toml > defaults.

Trust: the user config file (`$XDG_CONFIG_HOME/repowright/config.toml`), the environment and flags come from the
user. A `repowright.toml` found from the current directory up usually belongs to the repository being worked on,
so it may tighten sandbox limits and pick a model, but never loosen isolation or choose where credentials go
(see `_repository_layer`); what it is refused is named once, loudly, on stderr.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import UserError

ENV_PREFIX = "REPOWRIGHT_"
log = logging.getLogger(__name__)


class LLMConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    timeout: float = 120.0
    max_retries: int = 3
    retry_backoff: float = 1.0  # seconds before the first retry; doubles each time, at most 30
    concurrency: int = 4
    tool_mode: Literal["auto", "native", "text"] = "auto"
    context_window: int = 32768
    temperature: float = 0.0
    # Price in dollars per million prompt (input) and completion (output) tokens; 0 for a local model.
    input_cost_per_million: float = Field(default=0.0, ge=0)
    output_cost_per_million: float = Field(default=0.0, ge=0)
    # --- caps on what a model returns (issue 11.4) ---
    max_output_tokens: int = Field(default=4096, ge=1)  # sent as max_tokens on every request (never more)
    max_reply_chars: int = Field(
        default=200_000, ge=1000
    )  # a longer reply is cut, and counted as this long at least


class SandboxConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: Literal["docker", "local"] = "docker"
    image: str | None = None
    timeout: float = 120.0
    memory: str = "2g"
    cpus: float = 1.0
    pids: int = 256
    network: Literal["none", "host"] = "none"


class SolveConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    setup: str | None = Field(
        default=None,
        description="Command that fills the checks' environment; from the user only, never a repository.",
    )
    max_steps: int = Field(
        default=40, ge=1, description="Tool-loop turns per candidate, over all its attempts."
    )
    max_model_calls: int = Field(default=120, ge=1, description="Model calls over the whole run.")
    max_tokens: int = Field(
        default=2_000_000, ge=1, description="Prompt + completion tokens over the whole run."
    )
    max_seconds: float = Field(default=1800.0, gt=0, description="Wall time of the whole run, in seconds.")
    samples: int = Field(
        default=1, ge=1, description="Candidate patches to try; the best validated one wins."
    )
    parallel: int = Field(default=1, ge=1, description="Candidates run at once, each in its own sandbox.")
    test_command: str | None = Field(
        default=None, description="Command that runs the repository's tests (default: pytest)."
    )


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    llm: LLMConfig = Field(default_factory=LLMConfig)
    sandbox: SandboxConfig = Field(default_factory=SandboxConfig)
    solve: SolveConfig = Field(default_factory=SolveConfig)

    def masked(self) -> dict[str, Any]:
        """The settings as a dict with the API key hidden."""
        data = self.model_dump()
        key = data["llm"].get("api_key")
        if key:
            data["llm"]["api_key"] = key[:3] + "…" + "*" * 4 if len(key) > 8 else "****"
        return data


# Environment variable -> (section, field); e.g. REPOWRIGHT_BASE_URL sets llm.base_url.
_ENV_FIELDS: dict[str, tuple[str, str]] = {
    **{f"{ENV_PREFIX}{name.upper()}": ("llm", name) for name in LLMConfig.model_fields},
    **{f"{ENV_PREFIX}SANDBOX_{name.upper()}": ("sandbox", name) for name in SandboxConfig.model_fields},
    f"{ENV_PREFIX}SANDBOX": ("sandbox", "backend"),
}
_SECTIONS: dict[str, type[BaseModel]] = {"llm": LLMConfig, "sandbox": SandboxConfig, "solve": SolveConfig}


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
    environ: dict[str, str] | None = None,
) -> Settings:
    """The effective settings: `overrides` (from flags) over the environment over the user config over the
    (trust-filtered) repowright.toml."""
    env = os.environ if environ is None else environ
    path = find_config_file(start)
    user_path = user_config_file(env)
    user_data = _read_toml(user_path) if user_path.is_file() else {}
    if path is not None and path.resolve() == user_path.resolve():
        path = None
    env_data: dict[str, dict[str, str]] = {}
    for var, (section, field) in _ENV_FIELDS.items():
        value = env.get(var)
        if value:
            env_data.setdefault(section, {})[field] = value
    trusted = _merge(_merge(user_data, env_data), overrides or {})
    repo_data: dict[str, Any] = {}
    if path is not None:
        repo_data = _read_toml(path)
        _validate(repo_data, str(path))  # a wrong value there is an error, not a silent drop
        repo_data = _repository_layer(repo_data, trusted, path)
    return _validate(
        _merge(repo_data, trusted),
        f"flags, REPOWRIGHT_* variables, {user_path} and {path or 'repowright.toml'}",
    )


def _validate(data: dict[str, Any], where_to_look: str) -> Settings:
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UserError(f"invalid setting {where}: {first['msg']} (check {where_to_look})") from exc


# --- repository trust (issue 11.3): what a repowright.toml under work may set ---

# Keys that choose where credentials, code and the issue go, or how isolated untrusted code is.
# `[solve] setup` is a command run with the network on, so it is the user's choice alone too.
_USER_ONLY = {
    ("llm", "base_url"),
    ("llm", "api_key"),
    ("sandbox", "backend"),
    ("sandbox", "image"),
    ("sandbox", "network"),
    ("solve", "setup"),
}
# Limits a repository file may lower but not raise (compared with the user's value, else the default).
_LIMITS = {("sandbox", "timeout"), ("sandbox", "memory"), ("sandbox", "cpus"), ("sandbox", "pids")}
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


def _tightens(key: tuple[str, str], value: Any, reference: Any) -> bool:
    """Whether `value` is a valid limit no looser than `reference` (zero or negative never tightens)."""
    if key == ("sandbox", "memory"):
        new, old = _size_bytes(value), _size_bytes(reference)
    else:
        new, old = (
            (value if isinstance(value, int | float) and not isinstance(value, bool) else None),
            reference,
        )
    return new is not None and old is not None and 0 < new <= old


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
