"""A small class on a real `genlab serve`: 10 gradio_client users for a few seconds, heavy and
light actions at once, uploads included. Every session connects, nothing fails or is refused,
the server answers /healthz afterwards, the users' sessions are dropped once they left and the
files they made are deleted. (benchmarks/bench_load.py runs the same with 50 + 100 users.)"""

import load_bench


def test_ten_users_at_once_then_nothing_is_left(tmp_path, monkeypatch):
    bench = load_bench.load()
    monkeypatch.setenv("GRADIO_HEARTBEAT_INTERVAL", "1")  # a closed client is noticed within 1 s
    result = bench.main([
        "--mixed", "4", "--light", "6", "--duration", "10", "--ramp", "2", "--drain", "120",
        "--settle", "90", "--think-mixed", "0.5", "1", "--think-light", "0.2", "0.5", "--no-warmup",
        "--mixed-actions", "gan_generate,autoregressive_generate,vae_reconstruct,ethics_verify",
        "--light-actions", "discriminative_redraw,vae_digit_walk",
        "--limit", "closed_seconds=2", "--limit", "sweep_seconds=1", "--limit", "file_seconds=15",
        "--log-dir", str(tmp_path), "--out", str(tmp_path / "load.json")])
    assert result["connect"] == {**result["connect"], "sessions": 10, "failed": 0}
    assert result["errors"] == 0 and result["refused"] == 0, result["error_examples"]
    assert result["unfinished_users"] == 0
    assert {a["ok"] > 0 for a in result["actions"].values()} == {True}
    assert result["healthz"] == "ok"
    assert sum(result["sessions_at_end"].values()) >= 10
    assert sum(result["sessions_after"].values()) == 0
    assert result["disk_at_end"]["files"] > result["disk_start"]["files"]
    assert result["disk_after"]["files"] <= result["disk_start"]["files"]
