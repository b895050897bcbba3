"""Every section follows the same precedence (flag > environment > user file > repository file > default), and
`config show` lists every field of every section with its source and description."""

from __future__ import annotations

import json

import pytest

from repowright.agent.config import explain_settings, load_settings
from repowright.agent.config_sections import SECTIONS, Settings
from tests.cli import run_cli

# (section, field, [repository file, user file, environment, flag]); the repository's value is a tightening.
LAYERED = [
    ("llm", "temperature", [0.1, 0.2, 0.3, 0.4]),
    ("sandbox", "pids", [64, 100, 128, 200]),
    ("solve", "max_steps", [10, 20, 30, 35]),
    ("locate", "top", [3, 4, 5, 6]),
    ("translate", "max_fix_rounds", [1, 2, 4, 5]),
    ("fuzz", "inputs_per_api", [7, 8, 9, 11]),
    ("swebench", "timeout", [100.0, 200.0, 300.0, 400.0]),
]


def _layers(tmp_path, section: str, field: str, values: list, depth: int):
    """Settings and sources with the first `depth` layers set (1: repository file ... 4: flag)."""
    repo, user, env_value, flag = values
    (tmp_path / "repowright.toml").write_text(f"[{section}]\n{field} = {repo!r}\n" if depth >= 1 else "")
    xdg = tmp_path / "xdg" / "repowright"
    xdg.mkdir(parents=True, exist_ok=True)
    (xdg / "config.toml").write_text(f"[{section}]\n{field} = {user!r}\n" if depth >= 2 else "")
    environ = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    if depth >= 3:
        environ[f"REPOWRIGHT_{section.upper()}_{field.upper()}"] = str(env_value)
    overrides = {section: {field: flag}} if depth >= 4 else None
    return explain_settings(overrides, start=tmp_path, environ=environ)


@pytest.mark.parametrize(("section", "field", "values"), LAYERED, ids=[s for s, _, _ in LAYERED])
def test_each_layer_beats_the_one_below(tmp_path, section, field, values):
    default = getattr(getattr(Settings(), section), field)
    expected = [default, *values]
    where = ["default", "repository file", "user file", "environment", "flag"]
    for depth in range(5):
        settings, sources = _layers(tmp_path, section, field, values, depth)
        assert getattr(getattr(settings, section), field) == expected[depth], (section, depth)
        assert sources.get((section, field), "default").startswith(where[depth]), (section, depth)


def test_older_environment_names_still_work_and_the_sectioned_name_wins(tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path), "REPOWRIGHT_MODEL": "old", "REPOWRIGHT_SANDBOX": "local"}
    settings = load_settings(start=tmp_path, environ=env)
    assert (settings.llm.model, settings.sandbox.backend) == ("old", "local")
    env |= {"REPOWRIGHT_LLM_MODEL": "new", "REPOWRIGHT_SANDBOX_BACKEND": "docker"}
    settings = load_settings(start=tmp_path, environ=env)
    assert (settings.llm.model, settings.sandbox.backend) == ("new", "docker")


def test_repository_file_cannot_raise_budgets_or_choose_where_batches_run(tmp_path):
    (tmp_path / "repowright.toml").write_text(
        "[solve]\nmax_tokens = 99000000\nmax_steps = 5\n"
        '[fuzz]\nexecutor = "ray"\nray_address = "10.0.0.1:6379"\nmemory = "64g"\n'
        '[swebench]\nout = "/tmp/elsewhere"\nworkers = 64\ncpus = 1.0\n'
    )
    settings = load_settings(start=tmp_path, environ={"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert (settings.solve.max_tokens, settings.solve.max_steps) == (2_000_000, 5)
    assert (settings.fuzz.executor, settings.fuzz.ray_address, settings.fuzz.memory) == ("local", None, "4g")
    assert (settings.swebench.out, settings.swebench.workers, settings.swebench.cpus) == (None, 1, 1.0)


def test_every_field_has_a_one_line_description():
    for section, model in SECTIONS.items():
        for name, info in model.model_fields.items():
            assert info.description and "\n" not in info.description, f"{section}.{name}"
    assert set(SECTIONS) == set(Settings.model_fields)


def test_config_show_lists_every_section_field_source_and_description(tmp_path):
    (tmp_path / "repowright.toml").write_text("[locate]\ntop = 3\n")
    proc = run_cli("config", "show", cwd=tmp_path, env={"REPOWRIGHT_FUZZ_WORKERS": "5"})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    for section, model in SECTIONS.items():
        start = lines.index(f"[{section}]")
        for name, info in model.model_fields.items():
            index = next(i for i in range(start, len(lines)) if lines[i].startswith(f"  {name} = "))
            assert lines[index - 1].startswith(f"  # {info.description}  ["), (section, name)
    assert (
        "  # Batches run at once, each in its own container.  [environment REPOWRIGHT_FUZZ_WORKERS]\n  workers = 5\n"
        in proc.stdout
    )
    assert (
        f"  # Files and functions listed.  [repository file {tmp_path / 'repowright.toml'}]\n  top = 3\n"
        in proc.stdout
    )
    data = json.loads(run_cli("config", "show", "--json", cwd=tmp_path).stdout)
    assert data["locate"]["top"] == 3 and data["sources"]["locate"]["top"].startswith("repository file")
    assert data["sources"]["fuzz"]["workers"] == "default" and set(SECTIONS) <= set(data)


def test_a_command_takes_its_section_from_every_layer(tmp_path):
    """locate's `top`: the repository file's value, then the environment's, then the flag's reaches the ranking."""
    from tests.examples import MINICART_ISSUE, copy_example

    repo = copy_example("minicart", tmp_path)
    (tmp_path / "repowright.toml").write_text("[locate]\ntop = 2\n")
    args = ("locate", str(repo), "--issue-file", str(MINICART_ISSUE), "--json")
    cache = {"XDG_CACHE_HOME": str(tmp_path / "cache")}

    def listed(*extra: str, env: dict[str, str] | None = None) -> int:
        proc = run_cli(*args, *extra, cwd=tmp_path, env={**cache, **(env or {})})
        assert proc.returncode == 0, proc.stderr
        return len(json.loads(proc.stdout)["files"])

    assert listed() == 2
    assert listed(env={"REPOWRIGHT_LOCATE_TOP": "4"}) == 4
    assert listed("--top", "3", env={"REPOWRIGHT_LOCATE_TOP": "4"}) == 3
