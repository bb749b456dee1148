"""Maximum likelihood by teacher forcing: train the character model on Shakespeare.

The loop is nanoGPT's: random windows of ``block_size`` characters (each preceded by BOS), AdamW,
linear warm-up then cosine decay, gradient clipping.  Two things suit a shared CPU:

* the schedule can run on a *time budget* (``budget_minutes``): the cosine decay follows the
  elapsed fraction of the budget, so a run that must finish by a deadline still anneals fully;
* the best checkpoint (lowest validation loss) is saved as it appears, so a run can be stopped
  at any moment and the best model so far shipped.

Validation loss is in nats per character: one token per character, BOS excluded.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np


@dataclass
class TrainConfig:
    n_layer: int = 4            # transformer blocks
    n_head: int = 4             # attention heads per block
    n_embd: int = 192           # width of the residual stream
    block_size: int = 256       # context in tokens, BOS included
    batch_size: int = 16        # windows per step
    lr: float = 2e-3            # peak learning rate (small models take large steps)
    min_lr: float = 1e-4        # the cosine decays to this
    warmup_steps: int = 100     # linear warm-up from 0
    max_steps: int = 2000       # the schedule's length when there is no time budget
    budget_minutes: float = 0.0  # > 0: the cosine follows elapsed time and training stops at the budget
    weight_decay: float = 0.1   # AdamW decay on matrices only
    grad_clip: float = 1.0      # max global gradient norm
    eval_every: int = 100       # steps between validation estimates
    eval_windows: int = 64      # windows per validation estimate
    seed: int = 1337            # initialisation and batch order
    threads: int = 1            # torch threads (the machine is shared)


def encode_corpus(text: str, tokenizer) -> np.ndarray:
    """The corpus as one array of character ids (uint8 is enough for < 256 characters)."""
    return np.array(tokenizer.encode(text, add_bos=False), dtype=np.int64)


def random_windows(data: np.ndarray, n: int, length: int, bos: int, rng: np.random.Generator):
    """``n`` random windows of ``length - 1`` characters, each preceded by BOS: (n, length)."""
    import torch

    starts = rng.integers(0, len(data) - length, size=n)
    rows = np.stack([data[s:s + length - 1] for s in starts])
    rows = np.concatenate([np.full((n, 1), bos, dtype=np.int64), rows], axis=1)
    return torch.from_numpy(rows)


def learning_rate(progress: float, step: int, cfg: TrainConfig) -> float:
    """Linear warm-up over ``warmup_steps``, then cosine from ``lr`` to ``min_lr`` as progress goes 0 -> 1."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    progress = min(max(progress, 0.0), 1.0)
    return cfg.min_lr + 0.5 * (cfg.lr - cfg.min_lr) * (1.0 + math.cos(math.pi * progress))


def estimate_loss(model, data: np.ndarray, cfg: TrainConfig, seed: int) -> float:
    """Mean nats per character on ``eval_windows`` fixed random windows of ``data``."""
    import torch

    rng = np.random.default_rng(seed)
    model.eval()
    losses = []
    with torch.no_grad():
        for _ in range(max(1, cfg.eval_windows // cfg.batch_size)):
            batch = random_windows(data, cfg.batch_size, cfg.block_size + 1, model.tokenizer.bos_token_id, rng)
            losses.append(model.loss(batch).item())
    model.train()
    return float(np.mean(losses))


def configure_optimizer(model, cfg: TrainConfig):
    import torch

    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}],
                             lr=cfg.lr, betas=(0.9, 0.99))


def train(cfg: TrainConfig, out_dir: str | Path, *, text: str | None = None, resume: bool = False,
          log=print, on_step=None):
    """Train a ``CharLM`` and save the best checkpoint (by validation loss) to ``out_dir``.

    ``text`` defaults to the Shakespeare corpus.  Returns the final model (float32) and a dict
    of metrics.  ``resume`` continues from ``out_dir/last`` (weights, optimiser, step, elapsed).
    """
    import torch
    from safetensors.torch import load_file, save_file

    from genlab.data.text import char_vocabulary, shakespeare, train_val_split
    from genlab.families.autoregressive.model import CharLM

    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    text = shakespeare() if text is None else text
    train_text, val_text = train_val_split(text)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    last_dir = out_dir / "last"

    if resume and (last_dir / "config.json").is_file():
        model = CharLM.load_lab(last_dir).train()
        state = json.loads((last_dir / "trainer.json").read_text())
    else:
        model = CharLM("".join(char_vocabulary(text)), cfg.n_layer, cfg.n_head, cfg.n_embd, cfg.block_size)
        state = {"step": 0, "elapsed_s": 0.0, "best_val": float("inf"), "history": []}
    tok = model.tokenizer
    train_data, val_data = encode_corpus(train_text, tok), encode_corpus(val_text, tok)
    optimizer = configure_optimizer(model, cfg)
    if resume and (last_dir / "optimizer.safetensors").is_file():
        _load_optimizer(optimizer, load_file(str(last_dir / "optimizer.safetensors")))
    rng = np.random.default_rng(cfg.seed + state["step"])
    log(f"params={model.num_parameters()} train_chars={len(train_data)} val_chars={len(val_data)} "
        f"config={json.dumps(asdict(cfg))}")

    budget_s = cfg.budget_minutes * 60.0
    step, started = state["step"], time.time() - state["elapsed_s"]
    model.train()
    while True:
        elapsed = time.time() - started
        progress = elapsed / budget_s if budget_s > 0 else step / cfg.max_steps
        done = progress >= 1.0
        if step % cfg.eval_every == 0 or done:
            val = estimate_loss(model, val_data, cfg, seed=0)
            state["history"].append({"step": step, "elapsed_s": round(elapsed, 1), "val": val})
            log(f"step {step} elapsed {elapsed / 60:.1f} min val {val:.4f} nats/char "
                f"({val / math.log(2):.4f} bits/char)")
            if val < state["best_val"]:
                state["best_val"] = val
                model.save_lab(out_dir / "best")
                (out_dir / "best" / "trainer.json").write_text(json.dumps({**state, "step": step}, indent=1))
            state.update(step=step, elapsed_s=elapsed)
            model.save_lab(last_dir)
            save_file(_optimizer_tensors(optimizer), str(last_dir / "optimizer.safetensors"))
            (last_dir / "trainer.json").write_text(json.dumps(state, indent=1))
        if done:
            break
        lr = learning_rate(progress, step, cfg)
        for group in optimizer.param_groups:
            group["lr"] = lr
        batch = random_windows(train_data, cfg.batch_size, cfg.block_size + 1, tok.bos_token_id, rng)
        loss = model.loss(batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        optimizer.step()
        step += 1
        if on_step is not None:
            on_step(step)
        if step % 10 == 0:
            log(f"step {step} loss {loss.item():.4f} lr {lr:.2e} {(time.time() - started) / step:.2f} s/step")
    best = CharLM.load_lab(out_dir / "best")
    return best, {"best_val_nats_per_char": state["best_val"], "steps": step,
                  "elapsed_s": time.time() - started}


def _optimizer_tensors(optimizer) -> dict:
    """AdamW's moments as a flat dict of tensors (safetensors, never pickle)."""
    tensors = {}
    params = [p for group in optimizer.param_groups for p in group["params"]]
    for i, param in enumerate(params):
        for key, value in optimizer.state.get(param, {}).items():
            tensors[f"{i}.{key}"] = value.detach().clone().reshape(-1) if value.dim() == 0 else value.detach().clone()
    return tensors


def _load_optimizer(optimizer, tensors: dict) -> None:
    params = [p for group in optimizer.param_groups for p in group["params"]]
    for i, param in enumerate(params):
        keys = [k for k in tensors if k.startswith(f"{i}.")]
        if keys:
            optimizer.state[param] = {k.split(".", 1)[1]: (tensors[k].reshape(()) if k.endswith("step") else tensors[k])
                                      for k in keys}
