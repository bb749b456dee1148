import numpy as np
import pytest
from typer.testing import CliRunner

from genlab.cli import app
from genlab.errors import InputError
from genlab.families.gan import pipeline
from genlab.provenance import read_provenance


def test_cli_sample_writes_png_with_provenance_and_is_reproducible(tiny_lab, tmp_path):
    from PIL import Image

    runner = CliRunner()
    args = ["sample", "gan", "--class", "3", "-n", "16", "--truncation", "0.5", "--seed", "0"]
    r1 = runner.invoke(app, args + ["--out", str(tmp_path / "a.png")])
    r2 = runner.invoke(app, args + ["--out", str(tmp_path / "b.png")])
    assert r1.exit_code == 0, r1.output
    a, b = (np.asarray(Image.open(tmp_path / f)) for f in ("a.png", "b.png"))
    np.testing.assert_array_equal(a, b)
    rec = read_provenance(tmp_path / "a.png")
    assert rec["seed"] == 0 and rec["params"]["class_id"] == 3 and rec["params"]["truncation"] == 0.5
    assert rec["label"] == "AI-generated"


@pytest.mark.parametrize("args, param", [
    (["--class", "10"], "class"), (["--class", "eleven"], "class"), (["-n", "17"], "n"),
    (["-n", "0"], "n"), (["--truncation", "0"], "truncation"), (["--truncation", "1.2"], "truncation"),
])
def test_cli_bad_input_exits_2_naming_the_parameter(tiny_lab, tmp_path, args, param):
    r = CliRunner().invoke(app, ["sample", "gan", "--out", str(tmp_path / "x.png")] + args)
    assert r.exit_code == 2
    assert param in r.output


def test_request_by_name_and_seed():
    from genlab.families.gan.pipeline import GanRequest, parse_class

    assert parse_class("three") == 3 and parse_class("golden retriever", "biggan-deep-256") == 207
    assert GanRequest("lab", 3, 1, 1.0, -1).checked().seed >= 0
    with pytest.raises(InputError, match="seed"):
        GanRequest("lab", 3, 1, 1.0, 1.5).checked()
    with pytest.raises(InputError, match="class"):
        GanRequest("biggan-deep-256", 1000, 1, 1.0, 0).checked()
    with pytest.raises(InputError, match="class_id: must be an integer"):
        GanRequest("lab", 2.5, 1, 1.0, 0).checked()  # never silently truncated to 2
    with pytest.raises(InputError, match="class: must be an integer"):
        parse_class("2.5")


def test_lecture_defaults_for_biggan():
    from genlab.families.gan.pipeline import GanRequest

    assert GanRequest.defaults()["truncation"] == 0.4  # the truncation trick is on from the start
    assert GanRequest.defaults("biggan-deep-256")["class_id"] == 207


def test_interpolation_strips(tiny_lab):
    from genlab.families.gan.pipeline import InterpolationRequest

    result = pipeline.interpolate(InterpolationRequest("seeds", class_a=2, seed_a=0, seed_b=1, steps=6, truncation=1.0))
    strip = result.images
    assert strip.shape == (6, 28, 28, 3)
    assert result.provenance["seed"] == 0 and result.provenance["params"]["seed_b"] == 1  # both seeds recorded
    gan = pipeline.load_lab_gan()
    ends = gan.sample(1, condition=2, seed=0).numpy()
    np.testing.assert_allclose(strip[0, :, :, 0] / 255, ends[0, 0], atol=1 / 255 + 1e-6)
    classes = pipeline.interpolate(InterpolationRequest("classes", class_a=1, class_b=7, seed_a=3, steps=5,
                                                        truncation=1.0)).images
    last = gan.sample(1, condition=7, seed=3).numpy()
    np.testing.assert_allclose(classes[-1, :, :, 0] / 255, last[0, 0], atol=1 / 255 + 1e-6)


def test_grid_layout():
    from genlab.viz.images import tile

    images = np.zeros((5, 2, 3, 3), np.uint8)
    g = tile(images, cols=4, pad=1)
    assert g.shape == (2 * 3 + 1, 4 * 4 + 1, 3)


def test_cli_eval_json_reports_sweep_beside_real_vs_real(tiny_lab):
    import json

    r = CliRunner().invoke(app, ["eval", "gan", "--model", str(tiny_lab), "--n-per-class", "5", "--json"])
    assert r.exit_code == 0, r.output
    metrics = json.loads(r.output)
    assert [row["truncation"] for row in metrics["sweep"]] == [0.1, 0.25, 0.5, 0.75, 1.0, "none"]
    assert metrics["real_class_accuracy"] >= 0.97
    assert 0 < metrics["frechet_real_vs_real"] < metrics["frechet_gen_vs_heldout_t1"]  # a random G is far


def test_within_class_spread_by_hand():
    from genlab.families.gan.evaluate import within_class_spread

    rng = np.random.default_rng(0)
    feats, labels = rng.standard_normal((40, 3)), np.repeat([0, 1], 20)
    feats[labels == 1] *= 3
    spread = within_class_spread(feats, labels)
    by_hand = [np.sqrt(sum(np.var(feats[labels == c][:, j], ddof=1) for j in range(3))) for c in (0, 1)]
    np.testing.assert_allclose(spread, by_hand)


def test_train_cli_resume_is_for_the_digits_gan_only(tmp_path):
    from typer.testing import CliRunner

    from genlab.cli import app

    result = CliRunner().invoke(app, ["train", "gan", "--data", "moons", "--resume",
                                      "--out", str(tmp_path / "toy")])
    assert result.exit_code == 2 and "resume" in result.output
