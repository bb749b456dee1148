"""Training lowers the loss and resumes; the CLI streams, saves with provenance and evaluates."""

import json
import math

import pytest
from typer.testing import CliRunner

from genlab.checkpoint import load_checkpoint
from genlab.cli import app
from genlab.data.text import russian, shakespeare
from genlab.families.autoregressive.model import CharLM
from genlab.families.autoregressive.train import TrainConfig, learning_rate, train
from genlab.provenance import read_provenance

runner = CliRunner()


def test_training_lowers_validation_loss_and_saves_the_best(trained_dir):
    state = json.loads((trained_dir / "trainer.json").read_text())
    vals = [h["val"] for h in state["history"]]
    assert vals[0] > math.log(70) - 0.5  # starts near uniform over ~400 tokens (characters, bytes)
    assert min(vals) < vals[0] - 1.0
    model = CharLM.load_lab(trained_dir)
    assert model.density == "exact" and model.sampling == "sequential"


def test_resume_continues_from_the_last_step(tmp_path):
    cfg = TrainConfig(n_layer=1, n_head=1, n_embd=8, block_size=8, batch_size=2, warmup_steps=1, max_steps=4,
                      eval_every=2, eval_windows=2)
    corpora = {"en": shakespeare()[:20_000], "ru": russian()[:20_000]}
    train(cfg, tmp_path, corpora=corpora, log=lambda line: None)
    cfg.max_steps = 6
    _, metrics = train(cfg, tmp_path, corpora=corpora, resume=True, log=lambda line: None)
    assert metrics["steps"] == 6
    history = load_checkpoint(tmp_path / "checkpoint")["history"]
    assert [h["step"] for h in history] == [0, 2, 4, 6]  # step 4 is not estimated twice
    assert {"val_en", "val_ru"} <= history[-1].keys()


def test_learning_rate_warms_up_then_follows_the_cosine():
    cfg = TrainConfig(lr=1.0, min_lr=0.0, warmup_steps=10)
    assert learning_rate(0.0, 0, cfg) == pytest.approx(0.1)
    assert learning_rate(0.5, 50, cfg) == pytest.approx(0.5)
    assert learning_rate(1.0, 99, cfg) == pytest.approx(0.0)


def test_cli_sample_streams_and_writes_provenance(trained_dir, tmp_path):
    out = tmp_path / "romeo.txt"
    args = ["sample", "autoregressive", "--model", str(trained_dir), "--prompt", "ROMEO:\\n", "-n", "30",
            "--temperature", "0.8", "--top-p", "0.9", "--seed", "7", "--out", str(out)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("ROMEO:\n")
    rec = read_provenance(out)
    assert rec["seed"] == 7 and rec["params"]["temperature"] == 0.8 and rec["kind"] == "text"
    assert out.read_text().splitlines()[1] == "ROMEO:"
    again = runner.invoke(app, args)
    assert again.stdout == first.stdout


@pytest.mark.parametrize("extra, param", [(["--prompt", "  "], "prompt"), (["--temperature", "-1"], "temperature"),
                                          (["--top-p", "0"], "top_p"), (["-n", "0"], "max_new_tokens"),
                                          (["--prompt", "x" * 100], "prompt")])
def test_cli_bad_input_is_a_one_line_error(trained_dir, extra, param):
    result = runner.invoke(app, ["sample", "autoregressive", "--model", str(trained_dir), *extra])
    assert result.exit_code == 2
    from genlab.families.autoregressive.pipeline import TextRequest

    assert f"error: {TextRequest.params()[param].flag}" in result.output  # the CLI names its flag


def test_cli_eval_reports_bits_per_character_per_language(trained_dir):
    result = runner.invoke(app, ["eval", "autoregressive", "--model", str(trained_dir), "--max-chars", "2000",
                                 "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout[result.stdout.index("{"):])
    assert report["texts"].keys() == {"en", "ru"}
    for metrics in report["texts"].values():
        assert metrics["chars"] == 2000 and metrics["fallback_chars"] == 0
        assert metrics["bits_per_char"] == pytest.approx(metrics["nats_per_char"] / math.log(2))
        assert 1.0 < metrics["bits_per_char"] < 9


def test_cli_eval_scores_any_text_file(trained_dir, tmp_path):
    """Once `--data sonnets.txt` failed on '(' ; any UTF-8 text is scored, its fallback characters counted."""
    path = tmp_path / "sonnets.txt"
    path.write_text("When I do count the clock (that tells the time),\nМой дядя самых честных правил 🙂 日本\n",
                    encoding="utf-8")
    result = runner.invoke(app, ["eval", "autoregressive", "--model", str(trained_dir), "--data", str(path), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout[result.stdout.index("{"):])["texts"]["sonnets.txt"]
    from genlab.families.autoregressive.pipeline import load_char_lm

    vocab = load_char_lm(trained_dir).tokenizer.vocab
    text = path.read_text(encoding="utf-8")
    assert metrics["chars"] == len(text) and metrics["fallback_chars"] == sum(ch not in vocab for ch in text) >= 3
    assert metrics["tokens"] > metrics["chars"] and metrics["nats_per_char"] > 0
    plain = runner.invoke(app, ["eval", "autoregressive", "--model", str(trained_dir), "--data", str(path)])
    assert "bits/char" in plain.stdout and "outside the vocabulary" in plain.stdout and "🙂" in plain.stdout


def test_cli_eval_names_the_fallback_characters_and_scores_an_ngram_beside(trained_dir, tmp_path, monkeypatch):
    """The report lists the characters written as bytes, and `--ngram 5` adds a 5-gram fitted on the
    lab model's training text (small stand-in corpora here), on the same characters."""
    from genlab.data import text as corpora
    from genlab.families.autoregressive.ngram import CharNGram

    en, ru = shakespeare()[:30_000], russian()[:20_000]
    monkeypatch.setitem(corpora.CORPORA, "en", lambda: en)
    monkeypatch.setitem(corpora.CORPORA, "ru", lambda: ru)
    path = tmp_path / "mixed.txt"
    path.write_text("Мой дядя 🙂🙂 日本 (sic)\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "autoregressive", "--model", str(trained_dir), "--data", str(path),
                                 "--ngram", "5", "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout[result.stdout.index("{"):])["texts"]["mixed.txt"]
    assert metrics["fallback_characters"][0] == "🙂" and set(metrics["fallback_characters"]) >= {"日", "本"}
    text = path.read_text(encoding="utf-8")
    training = en[:27_000] + ru[:18_000]
    expected = CharNGram(5).fit(training, sorted(set(training + text))).nats_per_char(text)
    assert metrics["ngram"]["order"] == 5 and metrics["ngram"]["fitted_on"] == ["en", "ru"]
    assert metrics["ngram"]["nats_per_char"] == pytest.approx(expected)
    held = runner.invoke(app, ["eval", "autoregressive", "--model", str(trained_dir), "--data", "ru-val", "--ngram", "3"])
    assert held.exit_code == 0, held.output
    expected = CharNGram(3).fit(ru[:18_000], sorted(set(ru))).nats_per_char(ru[18_000:])
    assert "3-gram fitted on the ru training text" in held.stdout and f"{expected:.4f} nats/char" in held.stdout
    assert runner.invoke(app, ["eval", "autoregressive", "--model", str(trained_dir), "--ngram", "9"]).exit_code == 2


@pytest.mark.parametrize("make, words", [
    (lambda p: p, "does not exist"),
    (lambda p: (p.mkdir(), p)[1], "not a file"),
    (lambda p: (p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00"), p)[1], "binary"),
    (lambda p: (p.write_bytes("caf\u00e9".encode("latin-1")), p)[1], "not UTF-8"),
    (lambda p: (p.write_text(" \n\t"), p)[1], "must not be empty"),
    (lambda p: (p.write_bytes(b"a" * (8 * 2**20 + 1)), p)[1], "above the limit"),
])
def test_cli_eval_bad_data_is_a_one_line_error_naming_data(trained_dir, tmp_path, make, words):
    path = make(tmp_path / "input.txt")
    result = runner.invoke(app, ["eval", "autoregressive", "--model", str(trained_dir), "--data", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "error: --data" in result.output and words in result.output


def test_cli_missing_model_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["sample", "autoregressive", "--model", str(tmp_path)])
    assert result.exit_code == 2


TINY = ["--n-layer", "1", "--n-head", "1", "--n-embd", "8", "--block-size", "16", "--batch-size", "2",
        "--warmup-steps", "2", "--seed", "3"]


def test_resume_with_nothing_to_resume_is_an_error(tmp_path):
    result = runner.invoke(app, ["train", "autoregressive", "--out", str(tmp_path), "--resume", *TINY])
    assert result.exit_code == 2 and "error: --resume" in result.output and "Traceback" not in result.output


def _genlab_train(out, steps, eval_every):
    import os
    import subprocess
    import sys

    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "genlab.cli", "train", "autoregressive", "--out", str(out), "--steps", str(steps),
           "--eval-every", str(eval_every), *TINY]
    return cmd, env


def test_sigkill_then_resume_is_bit_identical_to_an_uninterrupted_run(tmp_path):
    """Kill `genlab train autoregressive` at a random moment after its first checkpoint; resume; same weights."""
    import random
    import subprocess
    import time

    import torch

    steps, every = 120, 20
    cmd, env = _genlab_train(tmp_path / "whole", steps, every)
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    cmd, env = _genlab_train(tmp_path / "killed", steps, every)
    state = tmp_path / "killed" / "checkpoint" / "state.json"
    for attempt in range(3):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None and not (state.exists() and load_checkpoint(state.parent)["step"] > 0):
            time.sleep(0.05)  # the first checkpoint after training began
        time.sleep(random.uniform(0.0, 1.0))
        proc.kill()  # SIGKILL: no cleanup, no final save
        proc.wait()
        killed_at = load_checkpoint(state.parent)["step"]
        if killed_at < steps:
            break
        state.unlink()
    assert every <= killed_at < steps, "the run finished before it could be killed"
    resumed = subprocess.run([*cmd, "--resume"], env=env, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resumed at step {killed_at}" in resumed.stdout
    whole, again = load_checkpoint(tmp_path / "whole" / "checkpoint"), load_checkpoint(state.parent)
    assert whole["step"] == again["step"] == steps
    assert whole["model"].keys() == again["model"].keys()
    for name, tensor in whole["model"].items():
        assert torch.equal(tensor, again["model"][name]), name
    for a, b in zip(whole["history"], again["history"]):
        assert a["step"] == b["step"] and a["val"] == b["val"]


def test_init_from_a_model_with_byte_tokens_copies_every_row(trained_dir):
    """Continuing a bilingual model (``--init-from``) keeps all it learnt: characters, bytes and BOS."""
    import torch

    from genlab.families.autoregressive.train import warm_start

    old = CharLM.load_lab(trained_dir)
    new = CharLM(old.tokenizer.vocab, n_layer=1, n_head=2, n_embd=32, block_size=32)
    assert warm_start(new, trained_dir) == old.tokenizer.vocab_size
    for name, tensor in old.state_dict().items():
        assert torch.equal(tensor, new.state_dict()[name]), name


def test_export_writes_float16_weights_with_a_card_of_these_weights_and_keeps_a_persons_card(tmp_path):
    """``--export DIR``: the best model in float16 beside a model card naming the command that
    made it, its size and its validation history (not huggingface_hub's placeholder); a card
    already in DIR is kept as README.previous.md."""
    from safetensors import safe_open

    out, export = tmp_path / "run", tmp_path / "exported"
    export.mkdir()
    (export / "README.md").write_text("# my notes\n", encoding="utf-8")
    result = runner.invoke(app, ["train", "autoregressive", "--out", str(out), "--steps", "4",
                                 "--eval-every", "2", "--export", str(export), *TINY])
    assert result.exit_code == 0, result.output
    with safe_open(str(export / "model.safetensors"), "pt") as weights:
        assert {str(weights.get_tensor(name).dtype) for name in weights.keys()} == {"torch.float16"}
    card = (export / "README.md").read_text(encoding="utf-8")
    assert f"genlab train autoregressive --out {out} --steps 4 " in card and f"--export {export}" in card
    assert "--seed 3" in card and "1 layers, 1 heads, width 8" in card and "Hub" not in card
    record = json.loads((out / "best" / "trainer.json").read_text(encoding="utf-8"))
    assert f"**{record['step']} (exported)**" in card
    assert [line.split("|")[1].strip().strip("*").split()[0] for line in card.splitlines()
            if line.startswith("| ") and line.split("|")[1].strip().strip("*")[:1].isdigit()] == [
        str(h["step"]) for h in record["history"]]
    assert (export / "README.previous.md").read_text(encoding="utf-8") == "# my notes\n"
    assert CharLM.load_lab(export).num_parameters() > 0
    _assert_the_card_names_every_option(card, ["--out", str(out), "--steps", "4", "--eval-every", "2",
                                               "--export", str(export), *TINY])


def _assert_the_card_names_every_option(card, args):
    """The card's command writes out every option that has a value (a new option included) and
    parses back to the options of the run."""
    import shlex

    from typer.main import get_command

    command = get_command(app).commands["train"].commands["autoregressive"]
    line = next(line for line in card.splitlines() if line.startswith("genlab train autoregressive "))
    words = shlex.split(line)[3:]
    ran = command.make_context("autoregressive", args).params
    assert command.make_context("autoregressive", list(words)).params == ran  # click empties the list it parses
    written = {p.name for p in command.params if set(p.opts) & set(words)}
    assert written == {p.name for p in command.params if ran[p.name] is not None and not p.is_flag}
