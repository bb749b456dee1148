"""Maximum likelihood by teacher forcing: train the character model on English and Russian text.

The loop is nanoGPT's: random windows of ``block_size`` tokens (each preceded by BOS), AdamW,
linear warm-up then cosine decay, gradient clipping.  Windows come from each language's training
text in the proportions of ``mixture`` (the small Russian corpus is drawn more often than its
size alone would give).  Things that suit a shared CPU:

* the schedule can run on a *time budget* (``budget_minutes`` of this process's CPU time): the
  cosine decay follows the spent fraction of the budget, so a run that must finish by a deadline
  still anneals fully;
* the best model (lowest validation loss) is saved as it appears, so a run can be stopped at any
  moment and the best model so far shipped;
* every ``eval_every`` steps a checkpoint (``genlab.checkpoint``: weights, AdamW moments, the batch
  generator's state, step, CPU time, history) is written atomically, and ``resume`` continues
  from it: with a step schedule the resumed run is bit-identical to one that never stopped;
* ``init_from`` starts from a trained model with another vocabulary (the rows of the characters
  both know are copied), which is how the bilingual model grew out of the Shakespeare one.

Validation loss is in nats per token on fixed random windows of each language's held-out text.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from genlab.checkpoint import atomic_write_text, load_checkpoint, save_checkpoint


@dataclass
class TrainConfig:
    n_layer: int = 6            # transformer blocks
    n_head: int = 6             # attention heads per block
    n_embd: int = 192           # width of the residual stream
    block_size: int = 256       # context in tokens, BOS included
    batch_size: int = 16        # windows per step
    lr: float = 2e-3            # peak learning rate (small models take large steps)
    min_lr: float = 1e-4        # the cosine decays to this
    warmup_steps: int = 100     # linear warm-up from 0
    max_steps: int = 2000       # the schedule's length when there is no time budget
    budget_minutes: float = 0.0  # > 0: CPU minutes; the cosine follows spent time, training stops at the budget
    weight_decay: float = 0.1   # AdamW decay on matrices only
    grad_clip: float = 1.0      # max global gradient norm
    eval_every: int = 100       # steps between validation estimates and checkpoints
    eval_windows: int = 64      # windows per language per validation estimate
    seed: int = 1337            # initialisation and batch order
    threads: int = 1            # torch threads (the machine is shared)
    mixture: dict = field(default_factory=lambda: {"en": 0.8, "ru": 0.2})  # share of windows per language


def encode_corpus(text: str, tokenizer) -> np.ndarray:
    """The corpus as one array of token ids."""
    return np.array(tokenizer.encode(text, add_bos=False), dtype=np.int64)


def random_windows(data: np.ndarray, n: int, length: int, bos: int, rng: np.random.Generator):
    """``n`` random windows of ``length - 1`` tokens, each preceded by BOS: (n, length)."""
    import torch

    starts = rng.integers(0, len(data) - length, size=n)
    rows = np.stack([data[s:s + length - 1] for s in starts])
    rows = np.concatenate([np.full((n, 1), bos, dtype=np.int64), rows], axis=1)
    return torch.from_numpy(rows)


def mixed_windows(datas: list[np.ndarray], weights: np.ndarray, n: int, length: int, bos: int,
                  rng: np.random.Generator):
    """``n`` windows, each from corpus ``i`` with probability ``weights[i]`` (then as ``random_windows``)."""
    import torch

    which = rng.choice(len(datas), size=n, p=weights)
    return torch.cat([random_windows(datas[i], 1, length, bos, rng) for i in which])


def learning_rate(progress: float, step: int, cfg: TrainConfig) -> float:
    """Linear warm-up over ``warmup_steps``, then cosine from ``lr`` to ``min_lr`` as progress goes 0 -> 1."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    progress = min(max(progress, 0.0), 1.0)
    return cfg.min_lr + 0.5 * (cfg.lr - cfg.min_lr) * (1.0 + math.cos(math.pi * progress))


def estimate_loss(model, data: np.ndarray, cfg: TrainConfig, seed: int) -> float:
    """Mean nats per token on ``eval_windows`` fixed random windows of ``data``."""
    import torch

    rng = np.random.default_rng(seed)
    model.eval()
    losses = []
    with torch.no_grad():
        for _ in range(max(1, cfg.eval_windows // cfg.batch_size)):
            length = min(cfg.block_size + 1, len(data) - 1)
            batch = random_windows(data, cfg.batch_size, length, model.tokenizer.bos_token_id, rng)
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


def default_corpora() -> dict[str, str]:
    from genlab.data.text import CORPORA

    return {lang: load() for lang, load in CORPORA.items()}


def vocabulary(corpora: dict[str, str]) -> str:
    """The characters of all corpora, sorted: each one token (anything else is bytes)."""
    from genlab.data.text import char_vocabulary

    return "".join(char_vocabulary("".join(corpora.values())))


def warm_start(model, folder: str | Path) -> int:
    """Copy a trained CharLM's weights into ``model``; embedding rows by character, byte and BOS.

    The architecture must match; characters ``model`` has and the old one lacks (and the byte
    tokens, when the old model is a character-only one) keep their fresh initialisation.
    Returns the number of rows copied.
    """
    import torch
    from safetensors.torch import load_file

    from genlab.errors import InputError
    from genlab.families.autoregressive.tokenizer import N_BYTES

    folder = Path(folder)
    if not (folder / "config.json").is_file() or not (folder / "model.safetensors").is_file():
        raise InputError("--init-from", "no_lab_model", folder=str(folder))
    old_vocab = json.loads((folder / "config.json").read_text())["vocab"]
    old = load_file(str(folder / "model.safetensors"))
    tables = ("lm.model.embed_tokens.weight", "lm.lm_head.weight")  # tied: saved under one of the names
    new_state = model.state_dict()
    for name, value in old.items():
        if name in tables:
            continue
        if name not in new_state or new_state[name].shape != value.shape:
            raise InputError("--init-from", "architecture_differs", folder=str(folder), name=name)
        new_state[name] = value.float()
    table = new_state[tables[0]].clone()
    old_table = next(old[name] for name in tables if name in old).float()
    tok = model.tokenizer
    pairs = [(tok.stoi[ch], i) for i, ch in enumerate(old_vocab) if ch in tok.stoi]
    if old_table.shape[0] == len(old_vocab) + N_BYTES + 1:  # a model with byte tokens: copy them too
        pairs += [(tok.byte_offset + b, len(old_vocab) + b) for b in range(N_BYTES)]
    pairs.append((tok.bos_token_id, old_table.shape[0] - 1))  # BOS is the last id in both
    for new_id, old_id in pairs:
        table[new_id] = old_table[old_id]
    for name in tables:
        if name in new_state:
            new_state[name] = table
    with torch.no_grad():
        model.load_state_dict(new_state)
    return len(pairs)


def _save_best(model, out_dir: Path, record: dict) -> None:
    """Write best/ so that a kill leaves the previous best/ or the new one, whole."""
    tmp, best, old = out_dir / ".best-tmp", out_dir / "best", out_dir / ".best-old"
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_lab(tmp)
    atomic_write_text(tmp / "trainer.json", json.dumps(record, indent=1))
    shutil.rmtree(old, ignore_errors=True)
    if best.exists():
        best.rename(old)
    tmp.rename(best)
    shutil.rmtree(old, ignore_errors=True)


def train(cfg: TrainConfig, out_dir: str | Path, *, corpora: dict[str, str] | None = None, resume: bool = False,
          init_from: str | Path | None = None, log=print, on_step=None):
    """Train a ``CharLM``; save the best model (by validation loss) to ``out_dir/best``.

    ``corpora`` maps a language to its text (default: Shakespeare and the Russian corpus); each
    is split 90/10 (``genlab.data.text.train_val_split``).  Returns the best model (float32) and
    a dict of metrics.  ``resume`` continues from ``out_dir/checkpoint`` (a ``CheckpointError``
    when there is none).
    """
    import torch

    from genlab.data.text import train_val_split
    from genlab.families.autoregressive.model import CharLM

    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    corpora = default_corpora() if corpora is None else corpora
    langs = [lang for lang in corpora if cfg.mixture.get(lang, 0) > 0] or list(corpora)
    weights = np.array([cfg.mixture.get(lang, 1.0) for lang in langs], dtype=np.float64)
    weights /= weights.sum()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ckpt_dir = out_dir / "checkpoint"

    state = load_checkpoint(ckpt_dir) if resume else None  # CheckpointError: nothing to resume
    vocab = state["vocab"] if state else vocabulary(corpora)
    model = CharLM(vocab, cfg.n_layer, cfg.n_head, cfg.n_embd, cfg.block_size)
    optimizer = configure_optimizer(model, cfg)
    rng = np.random.default_rng(cfg.seed)
    if state:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        rng.bit_generator.state = state["batch_rng"]
        torch.set_rng_state(state["torch_rng"])
        step, cpu_before, best_val, history = state["step"], state["cpu_s"], state["best_val"], state["history"]
        log(f"resumed at step {step} ({cpu_before / 60:.1f} CPU minutes before)")
    else:
        if init_from is not None:
            log(f"initialised from {init_from}: {warm_start(model, init_from)} embedding rows copied")
        step, cpu_before, best_val, history = 0, 0.0, float("inf"), []
    model.train()
    tok = model.tokenizer
    splits = {lang: train_val_split(corpora[lang]) for lang in corpora}
    train_data = [encode_corpus(splits[lang][0], tok) for lang in langs]
    val_data = {lang: encode_corpus(splits[lang][1], tok) for lang in corpora}
    log(f"params={model.num_parameters()} vocab={len(vocab)} chars + 256 bytes + BOS "
        + " ".join(f"{lang}: train={len(splits[lang][0])} val={len(splits[lang][1])}" for lang in corpora)
        + f" config={json.dumps(asdict(cfg))}")

    budget_s = cfg.budget_minutes * 60.0
    resumed_at, started = step, time.process_time()
    while True:
        cpu_s = cpu_before + time.process_time() - started
        progress = cpu_s / budget_s if budget_s > 0 else step / cfg.max_steps
        done = progress >= 1.0
        just_resumed = state is not None and step == resumed_at  # its checkpoint is the one just read
        if (step % cfg.eval_every == 0 and not just_resumed) or done:
            vals = {lang: estimate_loss(model, data, cfg, seed=0) for lang, data in val_data.items()}
            val = float(sum(w * vals[lang] for w, lang in zip(weights, langs)))
            history.append({"step": step, "cpu_s": round(cpu_s, 1), "val": val, **{f"val_{k}": v for k, v in vals.items()}})
            log(f"step {step} cpu {cpu_s / 60:.1f} min val {val:.4f} nats/token "
                + " ".join(f"{lang} {v:.4f}" for lang, v in vals.items()))
            if val < best_val:
                best_val = val
                _save_best(model, out_dir, {"step": step, "cpu_s": cpu_s, "val": vals, "history": history,
                                            "config": asdict(cfg)})
            save_checkpoint(ckpt_dir, {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                                       "batch_rng": rng.bit_generator.state, "torch_rng": torch.get_rng_state(),
                                       "step": step, "cpu_s": cpu_s, "best_val": best_val, "history": history,
                                       "vocab": vocab, "config": asdict(cfg)}, step=step)
        if done:
            break
        lr = learning_rate(progress, step, cfg)
        for group in optimizer.param_groups:
            group["lr"] = lr
        batch = mixed_windows(train_data, weights, cfg.batch_size, cfg.block_size + 1, tok.bos_token_id, rng)
        loss = model.loss(batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        optimizer.step()
        step += 1
        if on_step is not None:
            on_step(step)
        if step % 10 == 0:
            log(f"step {step} loss {loss.item():.4f} lr {lr:.2e} "
                f"{(time.process_time() - started) / max(step - resumed_at, 1):.2f} CPU s/step")
    best = CharLM.load_lab(out_dir / "best")
    return best, {"best_val_nats_per_token": best_val, "steps": step, "cpu_s": cpu_s}

