"""A tiny SDXL pipeline with random weights, written to a folder like a real checkpoint.

Same classes as stabilityai/stable-diffusion-xl-base-1.0 (UNet with text-time embeddings, two
CLIP text encoders, the second with a projection, two CLIP BPE tokenizers, an AutoencoderKL and
SDXL's EulerDiscrete scheduler config with "leading" spacing), sized so a step takes milliseconds.
The tokenizer's vocabulary is GPT-2's byte alphabet (plus end-of-word forms) and no merges, so
every text tokenizes, letter by letter.
"""

from __future__ import annotations

import json
from pathlib import Path


def _byte_alphabet() -> list[str]:
    """The 256 printable stand-ins for bytes that CLIP's/GPT-2's BPE uses."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) \
        + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]


def write_tiny_tokenizer(folder: Path) -> int:
    """vocab.json + merges.txt for a CLIPTokenizer; returns the vocabulary size."""
    from transformers import CLIPTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    alphabet = _byte_alphabet()
    tokens = alphabet + [c + "</w>" for c in alphabet] + ["<|startoftext|>", "<|endoftext|>"]
    (folder / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(tokens)}))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    tok = CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"), model_max_length=77)
    tok.save_pretrained(str(folder))
    return len(tokens)


def build_tiny_sdxl(folder: Path, seed: int = 0) -> Path:
    """Save a tiny random-weight StableDiffusionXLPipeline in ``folder``; returns the folder."""
    import torch
    from diffusers import (AutoencoderKL, EulerDiscreteScheduler, StableDiffusionXLPipeline,
                           UNet2DConditionModel)
    from transformers import (CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection,
                              CLIPTokenizer)

    folder = Path(folder)
    vocab_size = write_tiny_tokenizer(folder / "_tok")
    tokenizer = CLIPTokenizer.from_pretrained(str(folder / "_tok"))
    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64), layers_per_block=1, sample_size=8, in_channels=4,
        out_channels=4, down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), attention_head_dim=(2, 4),
        use_linear_projection=True, addition_embed_type="text_time", addition_time_embed_dim=8,
        transformer_layers_per_block=(1, 1), projection_class_embeddings_input_dim=80,  # 6*8+32
        cross_attention_dim=64, norm_num_groups=1)
    vae = AutoencoderKL(block_out_channels=(32, 64), in_channels=3, out_channels=3,
                        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
                        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"), latent_channels=4,
                        sample_size=16, norm_num_groups=32)
    # SDXL's own scheduler config: Euler, scaled-linear betas, "leading" spacing, offset 1.
    scheduler = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                       steps_offset=1, timestep_spacing="leading",
                                       interpolation_type="linear", prediction_type="epsilon")
    eos = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    bos = tokenizer.convert_tokens_to_ids("<|startoftext|>")
    text_cfg = CLIPTextConfig(bos_token_id=bos, eos_token_id=eos, pad_token_id=eos, hidden_size=32,
                              intermediate_size=37, layer_norm_eps=1e-5, num_attention_heads=4,
                              num_hidden_layers=2, vocab_size=vocab_size, hidden_act="gelu",
                              projection_dim=32)
    pipe = StableDiffusionXLPipeline(
        vae=vae, text_encoder=CLIPTextModel(text_cfg), tokenizer=tokenizer,
        text_encoder_2=CLIPTextModelWithProjection(text_cfg), tokenizer_2=tokenizer,
        unet=unet, scheduler=scheduler, force_zeros_for_empty_prompt=True)
    pipe.save_pretrained(str(folder), safe_serialization=True)
    return folder
