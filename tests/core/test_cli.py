"""The CLI contract: every verb has help, bad options fail with a message and a non-zero exit,
families that are not built say so and list what is available."""

import json

import pytest
from typer.testing import CliRunner

from genlab.cli import VERBS, app
from genlab.registry import FAMILIES, cli_module

runner = CliRunner()


def test_help_lists_every_verb():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for verb in ("serve", "train", "sample", "eval", "bench", "verify", "info"):
        assert verb in result.output


@pytest.mark.parametrize("verb", ["serve", "train", "sample", "eval", "bench", "verify", "info"])
def test_each_verb_has_help(verb):
    result = runner.invoke(app, [verb, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_bad_option_fails_clearly():
    result = runner.invoke(app, ["serve", "--port", "99999"])
    assert result.exit_code != 0
    assert "port" in result.output.lower()
    result = runner.invoke(app, ["serve", "--lang", "de"])
    assert result.exit_code == 2
    assert "--lang" in result.output


def test_unknown_family_fails():
    result = runner.invoke(app, ["sample", "flowmatching"])
    assert result.exit_code != 0


def test_a_family_not_built_yet_says_so_and_lists_the_built_ones(monkeypatch):
    import typer

    from genlab import cli, registry

    monkeypatch.setitem(registry.FAMILIES, "flow", registry.Family(
        "flow", "genlab.families.flow_not_here.cli", "genlab.families.flow_not_here.model:Flow"))
    assert cli_module("flow") is None
    group = typer.Typer()
    group.command("flow")(cli._not_built_command("sample", "flow", "sample"))
    group.command("other")(lambda: None)
    result = runner.invoke(group, ["flow"])
    assert result.exit_code == 2
    assert "not built yet" in result.output
    built = [name for name in FAMILIES if name != "flow" and cli_module(name) is not None]
    assert built and all(name in result.output for name in built)


def test_info_json():
    result = runner.invoke(app, ["info", "--json"])
    assert result.exit_code == 0, result.output
    facts = json.loads(result.output)
    assert facts["device"].startswith(("cpu", "cuda", "mps"))
    assert set(facts["families"]) == set(FAMILIES)
    assert "torch" in facts["packages"]


def test_verify_missing_file_and_foreign_file(tmp_path):
    result = runner.invoke(app, ["verify", str(tmp_path / "nope.png")])
    assert result.exit_code == 2
    foreign = tmp_path / "foreign.txt"
    foreign.write_text("hello")
    result = runner.invoke(app, ["verify", str(foreign)])
    assert result.exit_code == 0
    assert "no provenance found" in result.output


def test_bench_unknown_name_lists_available():
    result = runner.invoke(app, ["bench", "nonexistent"])
    assert result.exit_code == 2
    assert "Available" in result.output
