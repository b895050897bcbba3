"""Configuration: one pydantic model; flags > REPOWRIGHT_* environment > repowright.toml > defaults."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from .errors import UserError

ENV_PREFIX = "REPOWRIGHT_"


class LLMConfig(BaseModel):
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


class SandboxConfig(BaseModel):
    backend: Literal["docker", "local"] = "docker"
    image: str | None = None
    timeout: float = 120.0
    memory: str = "2g"
    cpus: float = 1.0
    pids: int = 256
    network: Literal["none", "host"] = "none"


class SolveConfig(BaseModel):
    setup: str | None = None  # command that fills the checks' environment; honoured only outside the repository


class Settings(BaseModel):
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


def find_config_file(start: Path | None = None) -> Path | None:
    """repowright.toml in `start` or the nearest parent directory."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "repowright.toml"
        if candidate.is_file():
            return candidate
    return None


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        elif value is not None:
            out[key] = value
    return out


def load_settings(overrides: dict[str, Any] | None = None, *, start: Path | None = None,
                  environ: dict[str, str] | None = None) -> Settings:
    """The effective settings: `overrides` (from flags) over the environment over repowright.toml."""
    data: dict[str, Any] = {}
    path = find_config_file(start)
    if path is not None:
        try:
            data = tomllib.loads(path.read_text())
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UserError(f"{path} is not valid TOML ({exc}); fix or remove it") from exc
    env_data: dict[str, dict[str, str]] = {}
    for var, (section, field) in _ENV_FIELDS.items():
        value = (environ if environ is not None else os.environ).get(var)
        if value:
            env_data.setdefault(section, {})[field] = value
    data = _merge(_merge(data, env_data), overrides or {})
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UserError(f"invalid setting {where}: {first['msg']} (check flags, REPOWRIGHT_* variables, "
                        f"and {path or 'repowright.toml'})") from exc
