"""Errors a user sees as one line: what went wrong and what to do."""


class UserError(Exception):
    """Bad input or environment; printed as one line with a non-zero exit (2), no traceback unless -v."""

    exit_code = 2


class NoEndpointError(UserError):
    """A command needs a model and none is configured; the one wording of that error."""

    def __init__(self) -> None:
        super().__init__(
            "no model endpoint is configured: set REPOWRIGHT_BASE_URL and REPOWRIGHT_MODEL (or pass --base-url and "
            "--model, or set [llm] base_url and model in your user config file), or start one with "
            "`repowright serve --engine vllm --model M`"
        )


def require_endpoint(base_url: str | None, model: str | None) -> None:
    """Raise NoEndpointError unless both the endpoint and the model name are configured."""
    if not base_url or not model:
        raise NoEndpointError()
