"""`genlab train mixture --data FILE`: a user's own CSV / NPY / Parquet file, and its mistakes."""

import json

import numpy as np
import pytest
from safetensors.numpy import load_file
from typer.testing import CliRunner

from genlab.cli import app
from genlab.classic.em import em_fit, log_likelihood


def points(n=600, seed=0):
    rng = np.random.default_rng(seed)
    return np.r_[rng.normal(size=(n // 2, 3)) - 3, rng.normal(size=(n - n // 2, 3)) + 3]


def write(path, x):
    suffix = path.suffix
    if suffix == ".npy":
        np.save(path, x)
    elif suffix == ".csv":
        np.savetxt(path, x, delimiter=",", header="a,b,c", comments="")
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({f"c{i}": x[:, i] for i in range(x.shape[1])}), path, row_group_size=128)
    return path


def train(*args):
    return CliRunner().invoke(app, ["train", "mixture", *args])


@pytest.mark.parametrize("suffix", [".npy", ".csv", ".parquet"])
def test_a_file_fits_the_same_mixture_as_the_array(tmp_path, suffix):
    x = points()
    path = write(tmp_path / f"x{suffix}", x)
    res = train("--data", str(path), "--components", "2", "--seed", "4", "--out", str(tmp_path / "m"))
    assert res.exit_code == 0, res.output
    assert "on 600 points" in res.output
    saved = load_file(tmp_path / "m" / "model.safetensors")
    ref = em_fit(x, 2, init="kmeans", n_iter=200, seed=4)
    np.testing.assert_allclose(saved["means"], ref.means[-1], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(saved["covariances"], ref.covariances[-1], rtol=1e-10, atol=1e-12)
    res = CliRunner().invoke(app, ["eval", "mixture", "--model", str(tmp_path / "m"), "--data", str(path), "--json"])
    assert res.exit_code == 0, res.output
    metrics = json.loads(res.output)
    assert metrics["n"] == 600 and metrics["mean_log_likelihood"] == pytest.approx(ref.mean_log_likelihood[-1], rel=1e-10)


def test_a_csv_without_header_and_the_chunked_log_likelihood(tmp_path):
    x = points(50)
    np.savetxt(tmp_path / "plain.csv", x, delimiter=",")
    res = train("--data", str(tmp_path / "plain.csv"), "--components", "2", "--out", str(tmp_path / "m"))
    assert res.exit_code == 0 and "on 50 points" in res.output
    from genlab.classic import GaussianMixtureEM

    gm = GaussianMixtureEM.from_pretrained(tmp_path / "m")
    total, n = log_likelihood(x, gm.params_, chunk_size=7)
    assert n == 50 and total == pytest.approx(gm.score_samples(x).sum(), rel=1e-12)


def bad_files(tmp):
    x = points(40)
    nan = x.copy()
    nan[17, 2] = np.nan
    cases = {
        "missing": (tmp / "nothing.npy", "no such file"),
        "not a name nor a file": ("faces", "neither a data set"),
        "1-D": (write(tmp / "flat.npy", x[:, 0]), "expected shape (n, d)"),
        "3-D": (write(tmp / "cube.npy", x.reshape(2, 20, 3)), "expected shape (n, d)"),
        "NaN npy": (write(tmp / "nan.npy", nan), "NaN"),
        "NaN csv": (write(tmp / "nan.csv", nan), "NaN"),
        "NaN parquet": (write(tmp / "nan.parquet", nan), "NaN"),
        "too few rows": (write(tmp / "three.npy", x[:3]), "at least 4 rows"),
        "garbage npy": (tmp / "garbage.npy", "cannot read"),
        "garbage parquet": (tmp / "garbage.parquet", "cannot read"),
        "words in csv": (tmp / "words.csv", "not a CSV of numbers"),
        "strings npy": (tmp / "strings.npy", "not numbers"),
        "text column parquet": (tmp / "text.parquet", "not numbers"),
        "other format": (tmp / "x.txt", "use a .npy, .parquet, .csv file"),
    }
    (tmp / "garbage.npy").write_bytes(b"\x93NUMPY garbage" * 10)
    (tmp / "garbage.parquet").write_bytes(b"PAR1 not really" * 10)
    (tmp / "words.csv").write_text("a,b\n1,2\nthree,4\n")
    np.save(tmp / "strings.npy", np.array([["a", "b"], ["c", "d"]]))
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"x": [1.0, 2.0, 3.0, 4.0, 5.0], "name": list("abcde")}), tmp / "text.parquet")
    (tmp / "x.txt").write_text("1,2\n3,4\n")
    return cases


def test_bad_files_are_one_line_errors_naming_data(tmp_path):
    for case, (path, message) in bad_files(tmp_path).items():
        res = train("--data", str(path), "--components", "4", "--out", str(tmp_path / "m"))
        assert res.exit_code == 2, (case, res.output)
        assert "--data" in res.output and message in res.output, (case, res.output)
        assert "Traceback" not in res.output, case
    assert not (tmp_path / "m").exists()


def test_resume_with_nothing_to_resume_is_an_error(tmp_path):
    res = train("--resume", "--out", str(tmp_path / "empty"))
    assert res.exit_code == 2 and "--resume" in res.output and "nothing to resume" in res.output
