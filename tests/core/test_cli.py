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


BAD_LIMIT = ["serve", "--limit", "heavy_jobs=0"]  # refused before anything starts
EN_LINE = "error: --limit heavy_jobs: 0 is outside the allowed range (0, inf]"
RU_LINE = "error: --limit heavy_jobs: 0 вне допустимого диапазона (0, inf]"


@pytest.mark.parametrize("before, env, line", [
    ([], {"GENLAB_LANG": None}, EN_LINE),
    (["--lang", "ru"], {"GENLAB_LANG": None}, RU_LINE),
    ([], {"GENLAB_LANG": "ru"}, RU_LINE),
    (["--lang", "en"], {"GENLAB_LANG": "ru"}, EN_LINE),  # the option wins over the environment
])
def test_a_bad_input_is_one_line_in_the_chosen_language(before, env, line):
    result = runner.invoke(app, [*before, *BAD_LIMIT], env=env)
    assert result.exit_code == 2  # an uncaught exception (a traceback) would be 1
    assert result.output.strip() == line


@pytest.mark.parametrize("args, words", [
    (["bench", "nonexistent"], "нет бенчмарка 'nonexistent'"),
    (["verify", "nope.png"], "FILE: нет такого файла: nope.png"),
    (["serve", "--auth", "nocolon"], "error: --auth: ожидалось"),
])
def test_every_command_speaks_russian(args, words):
    result = runner.invoke(app, ["--lang", "ru", *args])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert words in result.output


def test_verify_gives_its_verdict_in_the_cli_language_unless_told(tmp_path):
    foreign = tmp_path / "foreign.txt"
    foreign.write_text("hello")
    assert "Происхождение не найдено" in runner.invoke(app, ["--lang", "ru", "verify", str(foreign)]).output
    assert "No provenance found" in runner.invoke(app, ["--lang", "ru", "verify", "--lang", "en", str(foreign)]).output


@pytest.mark.parametrize("before, env", [(["--lang", "de"], {}), ([], {"GENLAB_LANG": "de"})])
def test_an_unknown_language_fails_clearly(before, env):
    result = runner.invoke(app, [*before, "info"], env=env)
    assert result.exit_code == 2
    assert result.output.strip() == "error: --lang: 'de' is not one of: en, ru"


def test_a_file_the_system_refuses_is_one_line_in_the_chosen_language(tmp_path):
    """An OSError's own text (strerror) is the C library's English: the CLI says it from the locale."""
    import errno

    import typer

    from genlab import cli

    def read(path: str):
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)

    group = typer.Typer()
    group.callback()(cli.choose_language)
    group.command("read")(cli._with_user_errors(read))
    missing = str(tmp_path / "x.npy")
    assert runner.invoke(group, ["read", missing]).output.strip() == f"error: {missing}: no such file or folder"
    result = runner.invoke(group, ["--lang", "ru", "read", missing])
    assert result.exit_code == 2 and result.output.strip() == f"error: {missing}: нет такого файла или папки"


def test_help_names_the_language_option():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "--lang" in result.output and "GENLAB_LANG" in result.output
