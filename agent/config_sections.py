"""The settings model: one pydantic section per component, every field with a one-line description.

This is the one place the tunable defaults of every command live; `agent/config.py` layers flags, environment
and files over them, and each command hands its section to the components it builds.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LLMConfig(_Section):
    """The model endpoint and how repowright talks to it."""

    base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1."
    )
    model: str | None = Field(default=None, description="Model name on the endpoint.")
    api_key: str | None = Field(
        default=None, description="API key sent to the endpoint (never shown, never logged)."
    )
    timeout: float = Field(default=120.0, gt=0, description="Seconds one request may take.")
    max_retries: int = Field(default=3, ge=0, description="Retries of a failed request.")
    retry_backoff: float = Field(
        default=1.0, ge=0, description="Seconds before the first retry; doubles each time, at most 30."
    )
    concurrency: int = Field(default=4, ge=1, description="Requests in flight at once.")
    tool_mode: Literal["auto", "native", "text"] = Field(
        default="auto", description="Tool calls: native, a text format, or auto-detected."
    )
    context_window: int = Field(default=32768, ge=1, description="Tokens the model reads at most.")
    temperature: float = Field(default=0.0, ge=0, description="Sampling temperature.")
    input_cost_per_million: float = Field(
        default=0.0, ge=0, description="Dollars per million prompt tokens (0 for a local model)."
    )
    output_cost_per_million: float = Field(
        default=0.0, ge=0, description="Dollars per million completion tokens (0 for a local model)."
    )
    max_output_tokens: int = Field(default=4096, ge=1, description="max_tokens sent with every request.")
    max_reply_chars: int = Field(
        default=200_000, ge=1000, description="A longer reply is cut, and counted as this long at least."
    )


class SandboxConfig(_Section):
    """Where untrusted code runs and within which limits."""

    backend: Literal["docker", "local"] = Field(
        default="docker", description="docker (isolated) or local (runs on this machine, isolates nothing)."
    )
    image: str | None = Field(default=None, description="Container image (default: the offline-built one).")
    timeout: float = Field(default=120.0, description="Seconds one sandboxed command may run.")
    memory: str = Field(default="2g", description="Memory limit of a container, e.g. 512m or 2g.")
    cpus: float = Field(default=1.0, description="CPU limit of a container, in cores.")
    pids: int = Field(default=256, description="Processes a container may hold at once.")
    network: Literal["none", "host"] = Field(
        default="none", description="Network inside the sandbox: none, or host (the user's choice only)."
    )


class SolveConfig(_Section):
    """`repowright solve`: its run budget and how candidates are made and checked."""

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
        default=1, ge=1, le=16, description="Candidate patches to try; the best validated one wins."
    )
    parallel: int = Field(default=1, ge=1, description="Candidates run at once, each in its own sandbox.")
    test_command: str | None = Field(
        default=None, description="Command that runs the repository's tests (default: pytest)."
    )


class LocateConfig(_Section):
    """`repowright locate` (and solve's exploration): how far to search and how much to list."""

    top: int = Field(default=10, ge=1, description="Files and functions listed.")
    simulations: int = Field(
        default=0, ge=0, description="MCTS simulations after the learned ranking (0: rank only)."
    )
    model_simulations: int = Field(
        default=300,
        ge=1,
        description="MCTS simulations when a model judges relevance and none were asked for.",
    )
    seed: int = Field(default=0, description="Seed of the search (same seed, same result).")
    use_model: bool | None = Field(
        default=None, description="Let the model judge relevance (unset: when an endpoint is configured)."
    )
    max_model_calls: int = Field(default=20, ge=0, description="Model relevance judgements per search.")


class TranslateConfig(_Section):
    """`repowright translate`: the translation loop's budgets and the equivalence check's limits."""

    max_fix_rounds: int = Field(default=3, ge=0, description="Compiler-feedback rounds per component.")
    max_repairs: int = Field(default=3, ge=0, description="Retranslations after a divergence.")
    max_tokens: int | None = Field(
        default=None, ge=1, description="Tokens over the whole run (unset: no cap)."
    )
    case_timeout: float = Field(default=20.0, gt=0, description="Seconds one test case may run, per program.")
    build_timeout: float = Field(default=300.0, gt=0, description="Seconds a gcc or cargo build may take.")
    float_tolerance: float | None = Field(
        default=None, ge=0, description="Relative difference allowed between printed numbers (unset: none)."
    )


class FuzzConfig(_Section):
    """`repowright fuzz`: campaign size, per-input limits and where batches run."""

    library: str = Field(default="torch", description="Library adapter that enumerates and calls the APIs.")
    inputs_per_api: int = Field(default=30, ge=1, description="Inputs generated per API.")
    timeout: float = Field(default=10.0, ge=0.5, description="Seconds per input before it counts as a hang.")
    quick_timeout: float = Field(
        default=1.0, gt=0, description="First limit per input; inputs that overrun it rerun with `timeout`."
    )
    workers: int = Field(default=2, ge=1, description="Batches run at once, each in its own container.")
    batch_size: int = Field(
        default=200, ge=1, description="Inputs per batch (one sandbox round trip or Ray task)."
    )
    memory: str = Field(default="4g", description="Memory limit of each fuzzing container.")
    verify_limit: int = Field(
        default=40, ge=0, description="Reproducers verified per campaign beyond the severe ones."
    )
    executor: Literal["local", "ray"] = Field(default="local", description="Where batches run: local or ray.")
    ray_address: str | None = Field(default=None, description="Ray head (HEAD:6379) when executor is ray.")


class SwebenchConfig(_Section):
    """`repowright eval swebench`: parallelism, per-instance limits and where environments are cached."""

    workers: int = Field(default=1, ge=1, description="Instances evaluated or solved at once (on all nodes).")
    timeout: float = Field(default=1800.0, gt=0, description="Seconds per instance for install and tests.")
    memory: str = Field(default="4g", description="Memory limit of each evaluation container.")
    cpus: float = Field(default=2.0, gt=0, description="CPU limit of each evaluation container.")
    pids: int = Field(default=4096, ge=1, description="Processes an evaluation container may hold at once.")
    env_build_timeout: float = Field(default=1800.0, gt=0, description="Seconds to build one environment.")
    packages_as_of: str | None = Field(
        default=None, description="Resolve packages as of this ISO date at the earliest (unset: 2024-01-01)."
    )
    cache_dir: str | None = Field(default=None, description="Environment cache (unset: OUT/envs).")
    out: str | None = Field(
        default=None, description="Where evaluation runs go (unset: the user cache, swebench/)."
    )
    executor: Literal["local", "ray"] = Field(
        default="local", description="Where instances run: local or ray."
    )
    ray_address: str | None = Field(default=None, description="Ray head (HEAD:6379) when executor is ray.")


SECTIONS: dict[str, type[_Section]] = {
    "llm": LLMConfig,
    "sandbox": SandboxConfig,
    "solve": SolveConfig,
    "locate": LocateConfig,
    "translate": TranslateConfig,
    "fuzz": FuzzConfig,
    "swebench": SwebenchConfig,
}


class Settings(_Section):
    """Every section; built once per command (agent/config.py) and passed to what it builds."""

    llm: LLMConfig = Field(default_factory=LLMConfig)
    sandbox: SandboxConfig = Field(default_factory=SandboxConfig)
    solve: SolveConfig = Field(default_factory=SolveConfig)
    locate: LocateConfig = Field(default_factory=LocateConfig)
    translate: TranslateConfig = Field(default_factory=TranslateConfig)
    fuzz: FuzzConfig = Field(default_factory=FuzzConfig)
    swebench: SwebenchConfig = Field(default_factory=SwebenchConfig)

    def masked(self) -> dict[str, Any]:
        """The settings as a dict with the API key hidden."""
        data = self.model_dump()
        key = data["llm"].get("api_key")
        if key:
            data["llm"]["api_key"] = key[:3] + "…" + "*" * 4 if len(key) > 8 else "****"
        return data
