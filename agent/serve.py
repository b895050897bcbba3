"""Start a local OpenAI-compatible model server (vLLM, SGLang, llama.cpp) and wait until it answers."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass

from .errors import UserError

ENGINES = ("vllm", "sglang", "llama.cpp")


@dataclass
class EngineCommand:
    argv: list[str]
    install_hint: str


def engine_command(engine: str, model: str, host: str, port: int) -> EngineCommand:
    """The command line that starts `engine` serving `model`, or a UserError if it is not installed."""
    if engine == "vllm":
        if importlib.util.find_spec("vllm") is None:
            raise UserError("vLLM is not installed in this environment; `pip install vllm` on a GPU machine")
        argv = [
            sys.executable,
            "-m",
            "vllm.entrypoints.openai.api_server",
            "--model",
            model,
            "--host",
            host,
            "--port",
            str(port),
        ]
        return EngineCommand(argv, "pip install vllm")
    if engine == "sglang":
        if importlib.util.find_spec("sglang") is None:
            raise UserError("SGLang is not installed in this environment; `pip install 'sglang[all]'`")
        argv = [
            sys.executable,
            "-m",
            "sglang.launch_server",
            "--model-path",
            model,
            "--host",
            host,
            "--port",
            str(port),
        ]
        return EngineCommand(argv, "pip install sglang[all]")
    if engine == "llama.cpp":
        binary = shutil.which("llama-server")
        if binary is None:
            raise UserError(
                "llama.cpp's `llama-server` is not on PATH; build llama.cpp or install its package"
            )
        return EngineCommand([binary, "-m", model, "--host", host, "--port", str(port)], "build llama.cpp")
    raise UserError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")


def models_answer(base_url: str, timeout: float = 2.0) -> bool:
    """Whether GET {base_url}/models answers 200."""
    import urllib.error
    import urllib.request  # here, not at the top: `repowright --help` imports this module

    try:
        with urllib.request.urlopen(base_url.rstrip("/") + "/models", timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def start_engine(
    engine: str, model: str, *, host: str = "127.0.0.1", port: int = 8000, ready_timeout: float = 900.0
) -> tuple[subprocess.Popen, str]:
    """Start the engine as a child process and wait for /v1/models; return it and the base URL."""
    cmd = engine_command(engine, model, host, port)
    base_url = f"http://{host}:{port}/v1"
    proc = subprocess.Popen(cmd.argv)
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise UserError(
                f"{engine} exited with code {proc.returncode} before answering; see its output above"
            )
        if models_answer(base_url):
            return proc, base_url
        time.sleep(1.0)
    proc.terminate()
    raise UserError(
        f"{engine} did not answer at {base_url}/models within {ready_timeout:g} s; "
        "raise --ready-timeout or check its output"
    )
