"""The scrubber: which values count as secrets, and how they are replaced."""

from __future__ import annotations

from repowright.agent.secrets import Scrubber, secret_values


def test_secret_values_by_name_and_length():
    env = {
        "GITHUB_TOKEN": "ghp_0123456789",
        "MY_API_KEY": "k-9876543210",
        "DB_PASSWORD": "hunter2hunter2",
        "SHORT_TOKEN": "abc",
        "PATH": "/usr/bin",
        "HOME": "/root",
        "SSH_KEY_FILE": "/root/.ssh/id_rsa",
        "EDITOR": "vim-with-a-long-name",
    }
    found = secret_values("sk-configured-key", env)
    assert found == {
        "ghp_0123456789": "GITHUB_TOKEN",
        "k-9876543210": "MY_API_KEY",
        "hunter2hunter2": "DB_PASSWORD",
        "sk-configured-key": "api_key",
    }
    assert secret_values("x", {}) == {}  # a placeholder key is not scrubbed letter by letter


def test_scrub_text_and_nested_data():
    scrub = Scrubber({"sk-configured-key": "api_key", "sk-configured-key-2": "other"})
    assert (
        scrub.text("a sk-configured-key-2 b sk-configured-key") == "a [redacted other] b [redacted api_key]"
    )
    data = {
        "messages": [{"role": "user", "content": "key=sk-configured-key"}],
        "n": 3,
        "t": ("sk-configured-key",),
    }
    assert scrub.data(data) == {
        "messages": [{"role": "user", "content": "key=[redacted api_key]"}],
        "n": 3,
        "t": ["[redacted api_key]"],
    }
