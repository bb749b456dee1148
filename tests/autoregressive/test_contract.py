"""The lab language model honours the taxonomy's contract (tests/contract.py): an exact density,
sequential sampling, the same seed the same texts, save/load."""

import torch
from contract import GenerativeModelContract

from genlab.families.autoregressive.model import CharLM


class TestCharLMContract(GenerativeModelContract):
    n_samples = 3
    sample_options = {"max_new_tokens": 12}

    def make_model(self):
        torch.manual_seed(0)
        return CharLM("ab \n", n_layer=1, n_head=2, n_embd=16, block_size=16).eval()

    def make_data(self):
        return ["ab ba", "b\naa"]

    def save(self, model, path):
        model.save_lab(path)

    def load(self, model, path):
        return CharLM.load_lab(path)
