"""`genlab sample gan --out FILE.npy` and `--class all`: the samples themselves, with provenance."""

import numpy as np
import pytest
from typer.testing import CliRunner

from genlab.cli import app
from genlab.families.gan import pipeline
from genlab.provenance import read_provenance, sidecar_path

runner = CliRunner()


def test_all_classes_as_npy_in_class_order_with_provenance(tiny_lab, tmp_path):
    out = tmp_path / "gan.npy"
    r = runner.invoke(app, ["sample", "gan", "--class", "all", "-n", "3", "--seed", "2",
                            "--truncation", "0.7", "--out", str(out)])
    assert r.exit_code == 0, r.output
    x = np.load(out, allow_pickle=False)
    assert x.shape == (30, 28, 28) and x.dtype == np.float32 and 0 <= x.min() <= x.max() <= 1
    labels = np.repeat(np.arange(10), 3)
    expected = pipeline.load_lab_gan().sample(30, condition=list(labels), seed=2, truncation=0.7).numpy()[:, 0]
    np.testing.assert_array_equal(x, expected)  # class c is the c-th block of 3
    rec = read_provenance(out)
    assert rec["label"] == "AI-generated" and rec["seed"] == 2 and rec["model"] == "genlab/gan-mnist"
    assert rec["params"]["all_classes"] is True and rec["params"]["n"] == 3
    assert rec["params"]["truncation"] == 0.7 and rec["array"]["shape"] == [30, 28, 28]
    # the sidecar names the array's hash: a changed array no longer claims genlab's record
    np.save(out, x[::-1])
    assert read_provenance(out) is None and sidecar_path(out).is_file()


def test_one_class_npy_matches_the_png_grid_and_all_classes_png(tiny_lab, tmp_path):
    args = ["sample", "gan", "--class", "seven", "-n", "4", "--seed", "5"]
    assert runner.invoke(app, args + ["--out", str(tmp_path / "s.npy")]).exit_code == 0
    x = np.load(tmp_path / "s.npy")
    assert x.shape == (4, 28, 28)
    result = pipeline.generate(pipeline.GanRequest(class_id=7, n=4, seed=5))
    from genlab.viz.images import to_uint8
    np.testing.assert_array_equal(to_uint8(x), result.images)  # the grid shows these samples
    r = runner.invoke(app, ["sample", "gan", "--class", "all", "-n", "2", "--out", str(tmp_path / "g.png")])
    assert r.exit_code == 0, r.output
    assert read_provenance(tmp_path / "g.png")["params"]["all_classes"] is True


@pytest.mark.parametrize("args, flag", [
    (["--class", "all", "-n", "17", "--out", "g.npy"], "-n"),
    (["--class", "alll", "--out", "g.npy"], "class"),
    (["--out", "g.npz"], "--out"),
    (["--model", "biggan-deep-256", "--out", "g.npy"], "--out"),
    (["--model", "biggan-deep-256", "--class", "all"], "--all-classes"),
])
def test_a_wrong_class_or_suffix_is_one_line_exit_2(tiny_lab, tmp_path, monkeypatch, args, flag):
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["sample", "gan", *args])
    assert r.exit_code == 2, r.output
    assert r.output.startswith("error:") and flag in r.output and "Traceback" not in r.output
    assert not list(tmp_path.glob("g.*"))
