"""EM on data no single process holds: shards summed through all_reduce give the one-process fit.

Shards are simulated with threads (each one EM on its own rows, an all_reduce that sums the
threads' arrays in rank order), which tests the sharding logic quickly; then the real thing: two
gloo processes under torchrun running ``genlab train mixture --data FILE.npy``."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file

from genlab.classic import em
from genlab.classic.em import em_fit
from genlab.data.rows import ArrayRows, ParquetRows, open_rows

ROOT = Path(__file__).resolve().parents[2]


def blobs(n=3000, d=3, k=4, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, d)) * 4
    return centres[rng.integers(0, k, n)] + rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) * 0.6 + 2.0


def run_sharded(shards, **kwargs):
    """em_fit on each shard in its own thread, summing through a thread all_reduce."""
    size = len(shards)
    barrier, slots, results = threading.Barrier(size), [None] * size, [None] * size

    def worker(rank):
        def all_reduce(array):
            slots[rank] = np.array(array, dtype=np.float64)
            barrier.wait()
            total = sum(slots[1:], slots[0].copy())
            barrier.wait()
            return total
        try:
            results[rank] = em_fit(shards[rank], all_reduce=all_reduce, **kwargs)
        except Exception as err:  # noqa: BLE001 - handed to the test
            results[rank] = err

    threads = [threading.Thread(target=worker, args=(r,)) for r in range(size)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def assert_same_fit(a, b, rtol=1e-10):
    np.testing.assert_allclose(a.log_likelihood, b.log_likelihood, rtol=rtol)
    for name in ("weights", "means", "covariances"):
        np.testing.assert_allclose(getattr(a, name)[-1], getattr(b, name)[-1], rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("init", ["kmeans", "random", "collapsed", "pca_split"])
@pytest.mark.parametrize("size", [2, 3])
def test_shards_give_the_one_process_fit(init, size):
    x = blobs()
    kwargs = dict(n_components=4, init=init, n_iter=60, seed=5, chunk_size=400)
    one = em_fit(x, **kwargs)
    cuts = np.linspace(0, len(x), size + 1).astype(int)
    results = run_sharded([ArrayRows(x, a, b) for a, b in zip(cuts[:-1], cuts[1:])], **kwargs)
    assert one.n_iter > 3
    for res in results:
        assert_same_fit(res, one)
        np.testing.assert_array_equal(res.means[-1], results[0].means[-1])  # every process the same


def test_kmeans_on_a_sample_is_the_same_sample_on_every_process(monkeypatch):
    x = blobs(n=6000)
    monkeypatch.setattr(em, "KMEANS_SAMPLE_MB", 0.02)  # 873 of the 6000 rows
    kwargs = dict(n_components=4, init="kmeans", n_iter=40, seed=1)
    one = em_fit(x, **kwargs)
    results = run_sharded([ArrayRows(x, 0, 2500), ArrayRows(x, 2500, 6000)], **kwargs)
    for res in results:
        assert_same_fit(res, one)


def test_parquet_row_groups_are_split_between_processes(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    x = blobs(n=2000)
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({f"x{i}": x[:, i] for i in range(3)}), path, row_group_size=300)  # 7 groups
    shards = [open_rows(path, rank=r, world_size=2) for r in range(2)]
    assert all(isinstance(s, ParquetRows) for s in shards)
    assert [s.groups for s in shards] == [[0, 1, 2], [3, 4, 5, 6]]
    assert (shards[0].start, shards[0].n, shards[1].start, shards[1].n) == (0, 900, 900, 1100)
    kwargs = dict(n_components=4, n_iter=50, seed=0)
    one = em_fit(x, **kwargs)
    for res in run_sharded(shards, **kwargs):
        assert_same_fit(res, one)


def test_bad_data_on_one_shard_stops_every_process_with_the_same_error():
    from genlab.errors import InputError

    x = blobs(n=1000)
    x[900, 1] = np.nan  # only in the second shard
    results = run_sharded([ArrayRows(x, 0, 500, param="--data"), ArrayRows(x, 500, 1000, param="--data")],
                          n_components=2)
    assert all(isinstance(r, InputError) and r.param == "--data" for r in results)


@pytest.mark.slow
def test_train_mixture_under_torchrun_with_two_processes_matches_one_process(tmp_path):
    x = blobs(n=4000)
    np.save(tmp_path / "x.npy", x)
    args = ["train", "mixture", "--data", str(tmp_path / "x.npy"), "--components", "4", "--steps", "100",
            "--seed", "3"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    one = subprocess.run([sys.executable, "-m", "genlab.cli", *args, "--out", str(tmp_path / "one")],
                         env=env, capture_output=True, text=True, timeout=300)
    assert one.returncode == 0, one.stderr
    two = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
                          "-m", "genlab.cli", *args, "--out", str(tmp_path / "two")],
                         env=env, capture_output=True, text=True, timeout=300)
    assert two.returncode == 0, two.stderr[-3000:]
    assert "in 2 processes" in two.stdout and two.stdout.count("saved") == 1  # rank 0 only
    a, b = load_file(tmp_path / "one" / "model.safetensors"), load_file(tmp_path / "two" / "model.safetensors")
    for name in ("weights", "means", "covariances"):
        np.testing.assert_allclose(b[name], a[name], rtol=1e-10, atol=1e-12)
    la = json.loads((tmp_path / "one" / "config.json").read_text())["lower_bound"]
    lb = json.loads((tmp_path / "two" / "config.json").read_text())["lower_bound"]
    assert lb == pytest.approx(la, rel=1e-10)
