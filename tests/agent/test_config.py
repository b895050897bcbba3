"""Configuration precedence: flags > environment > repowright.toml > defaults."""

from __future__ import annotations

import pytest

from repowright.agent.config import load_settings
from repowright.agent.errors import UserError


def test_precedence(tmp_path, monkeypatch):
    (tmp_path / "repowright.toml").write_text(
        '[llm]\nbase_url = "http://127.0.0.1:1/v1"\nmodel = "from-file"\napi_key = "sk-secret-key-123"\n'
        '[sandbox]\nmemory = "1g"\n')
    env = {"REPOWRIGHT_MODEL": "from-env", "REPOWRIGHT_SANDBOX_MEMORY": "3g"}
    settings = load_settings({"sandbox": {"memory": "4g"}}, start=tmp_path, environ=env)
    assert settings.llm.base_url == "http://127.0.0.1:1/v1"  # file
    assert settings.llm.model == "from-env"  # env over file
    assert settings.sandbox.memory == "4g"  # flag over env
    assert settings.sandbox.timeout == 120.0  # default
    assert "secret" not in str(settings.masked())


def test_config_file_in_a_parent_directory(tmp_path):
    (tmp_path / "repowright.toml").write_text('[sandbox]\nbackend = "local"\n')
    (tmp_path / "sub").mkdir()
    assert load_settings(start=tmp_path / "sub", environ={}).sandbox.backend == "local"


def test_invalid_values_are_one_line_errors(tmp_path):
    (tmp_path / "repowright.toml").write_text("[sandbox]\nnetwork = 'bridge'\n")
    with pytest.raises(UserError, match="sandbox.network"):
        load_settings(start=tmp_path, environ={})
    (tmp_path / "repowright.toml").write_text("[sandbox\n")
    with pytest.raises(UserError, match="not valid TOML"):
        load_settings(start=tmp_path, environ={})
