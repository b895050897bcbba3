"""`repowright serve`: start a local model server and print the base URL to point repowright at."""

from __future__ import annotations

import typer

from ..serve import ENGINES, start_engine
from .common import console


def serve(
    engine: str = typer.Option(..., "--engine", help=f"One of: {', '.join(ENGINES)}."),
    model: str = typer.Option(..., "--model", help="Model path or name the engine understands."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    ready_timeout: float = typer.Option(900.0, "--ready-timeout", help="Seconds to wait for /v1/models."),
) -> None:
    """Start vLLM, SGLang or llama.cpp's server as a child process and wait until it answers.

    Example: repowright serve --engine vllm --model Qwen/Qwen2.5-Coder-7B-Instruct --port 8000
    """
    proc, base_url = start_engine(engine, model, host=host, port=port, ready_timeout=ready_timeout)
    console.print(f"[bold green]{engine} is serving {model}[/]")
    console.print(f"export REPOWRIGHT_BASE_URL={base_url}")
    console.print(f"export REPOWRIGHT_MODEL={model}")
    console.print("Press Ctrl-C to stop it.")
    try:
        proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait(timeout=30)
