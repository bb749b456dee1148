"""Training lowers the loss and resumes; the CLI streams, saves with provenance and evaluates."""

import json
import math

import pytest
from typer.testing import CliRunner

from genlab.cli import app
from genlab.data.text import shakespeare
from genlab.families.autoregressive.model import CharLM
from genlab.families.autoregressive.train import TrainConfig, learning_rate, train
from genlab.provenance import read_provenance

runner = CliRunner()


def test_training_lowers_validation_loss_and_saves_the_best(trained_dir):
    state = json.loads((trained_dir / "trainer.json").read_text())
    vals = [h["val"] for h in state["history"]]
    assert vals[0] > math.log(70) - 0.5  # starts near uniform over ~80 characters
    assert min(vals) < vals[0] - 1.0
    model = CharLM.load_lab(trained_dir)
    assert model.density == "exact" and model.sampling == "sequential"


def test_resume_continues_from_the_last_step(tmp_path):
    cfg = TrainConfig(n_layer=1, n_head=1, n_embd=8, block_size=8, batch_size=2, warmup_steps=1, max_steps=4,
                      eval_every=2, eval_windows=2)
    text = shakespeare()[:20_000]
    train(cfg, tmp_path, text=text, log=lambda line: None)
    cfg.max_steps = 6
    _, metrics = train(cfg, tmp_path, text=text, resume=True, log=lambda line: None)
    assert metrics["steps"] == 6
    history = json.loads((tmp_path / "last" / "trainer.json").read_text())["history"]
    assert [h["step"] for h in history] == [0, 2, 4, 4, 6]


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


def test_cli_eval_reports_bits_per_character(trained_dir):
    result = runner.invoke(app, ["eval", "autoregressive", "--model", str(trained_dir), "--max-chars", "2000",
                                 "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout[result.stdout.index("{"):])
    assert metrics["chars"] == 2000
    assert metrics["bits_per_char"] == pytest.approx(metrics["nats_per_char"] / math.log(2))
    assert 1.0 < metrics["bits_per_char"] < 6.5


def test_cli_missing_model_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["sample", "autoregressive", "--model", str(tmp_path)])
    assert result.exit_code == 2
