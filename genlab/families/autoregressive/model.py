"""The lab language model: a small Qwen3-style decoder (transformers' own ``Qwen3ForCausalLM``)
over characters, with a byte fallback for any other character.

p(x) = prod_t p(x_t | x_<t): the model reads BOS and the tokens so far and outputs a
distribution over the next token.  It is trained by maximum likelihood with teacher forcing
(``train.py``) and samples sequentially (``generation.py``).  A token is a character of the
vocabulary (English and Russian letters, digits, punctuation) or one UTF-8 byte of any other
character, and every text has exactly one token sequence, so ``log_prob`` is the exact
log-likelihood of any Unicode text.

Building on transformers' model class (rather than a hand-written GPT) means the lab model and the
lecture's Qwen3-VL go through one ``generate`` path: the same streamer, logits processors and
stopping criteria.
"""

from __future__ import annotations

import torch

from genlab.core import LabModule
from genlab.families.autoregressive.tokenizer import CharTokenizer


def qwen3_config(vocab_size: int, n_layer: int, n_head: int, n_embd: int, block_size: int,
                 rope_theta: float = 10000.0):
    """A tiny Qwen3 configuration: RMSNorm, rotary positions, SwiGLU MLP, q/k norms, tied embeddings.

    Every layer attends to a sliding window of ``block_size`` tokens (as Mistral does).  For texts
    up to ``block_size`` tokens (all of training) this is plain causal attention; beyond it, each
    attention layer looks at the last ``block_size`` positions, at the relative distances it was
    trained on (rotary positions are relative).  So the model generates and scores texts of any
    length with a bounded KV cache, and generation and scoring compute the same p(x_t | x_<t).
    """
    from transformers import Qwen3Config

    return Qwen3Config(
        vocab_size=vocab_size,
        hidden_size=n_embd,
        intermediate_size=int(8 * n_embd / 3 / 32 + 0.5) * 32,  # SwiGLU's 8/3 ratio, rounded to 32
        num_hidden_layers=n_layer,
        num_attention_heads=n_head,
        num_key_value_heads=n_head,
        head_dim=n_embd // n_head,
        max_position_embeddings=1 << 20,  # rotary positions are relative; the window bounds the context
        rope_parameters={"rope_type": "default", "rope_theta": rope_theta},
        tie_word_embeddings=True,
        use_sliding_window=True,
        sliding_window=block_size,
        max_window_layers=0,
        layer_types=["sliding_attention"] * n_layer,
        bos_token_id=vocab_size - 1,
        attn_implementation="sdpa",
    )


class CharLM(LabModule):
    """A character-level Qwen3 decoder saved as config.json + model.safetensors.

    Parameters
    ----------
    vocab : str
        The distinct characters that are one token each; the 256 byte tokens (for every other
        character) and BOS follow them (``tokenizer.CharTokenizer``).
    n_layer, n_head, n_embd : int
        Depth, attention heads and width of the transformer.
    block_size : int
        The context length in tokens (BOS included): the longest text the model reads at once.
    """

    density = "exact"
    sampling = "sequential"

    def __init__(self, vocab: str, n_layer: int = 4, n_head: int = 4, n_embd: int = 128,
                 block_size: int = 128, rope_theta: float = 10000.0):
        super().__init__()
        from transformers import Qwen3ForCausalLM

        from genlab.errors import check_int

        n_layer, n_head = check_int("n_layer", n_layer, 1, 64), check_int("n_head", n_head, 1, 64)
        n_embd, block_size = check_int("n_embd", n_embd, 8, 4096), check_int("block_size", block_size, 2, 65536)
        self.tokenizer = CharTokenizer(vocab)
        self.block_size = block_size
        config = qwen3_config(self.tokenizer.vocab_size, n_layer, n_head, n_embd, block_size, rope_theta)
        self.lm = Qwen3ForCausalLM(config)
        self.lm.generation_config.pad_token_id = self.tokenizer.bos_token_id  # silences a warning

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Next-token logits, shape (B, T, V), for token ids of shape (B, T)."""
        return self.lm(input_ids=ids, use_cache=False).logits

    def loss(self, ids: torch.Tensor) -> torch.Tensor:
        """Teacher forcing: mean cross-entropy (nats per token) of ids[:, 1:] given ids[:, :-1]."""
        logits = self(ids[:, :-1])  # (B, T-1, V)
        return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)),
                                                 ids[:, 1:].reshape(-1))

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    # The taxonomy's interface: sampling and the exact density live in generation.py / scoring.py.
    def sample(self, n: int, *, condition=None, seed=None, **options) -> list[str]:
        """``n`` continuations of ``condition`` (a prompt; default a newline), as strings."""
        from genlab.families.autoregressive.generation import sample_texts

        return sample_texts(self.lm, self.tokenizer, n, prompt=condition, seed=seed,
                            context_length=self.block_size, **options)

    def log_prob(self, x, *, condition=None) -> torch.Tensor:
        """Exact log p(text) in nats for a string or a list of strings, shape (n,)."""
        from genlab.families.autoregressive.scoring import log_prob_texts

        return log_prob_texts(self.lm, self.tokenizer, x, context_length=self.block_size)
