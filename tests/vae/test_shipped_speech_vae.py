"""The shipped speech VAE: reconstructions of voices it never heard stay intelligible (STOI)."""

import pytest

from genlab.data.speech import espeak_available
from genlab.families.vae import pipeline
from genlab.families.vae.train_audio import evaluate_audio_vae


@pytest.mark.skipif(not espeak_available(), reason="espeak-ng makes the held-out clips (apt-get install espeak-ng)")
def test_shipped_model_is_intelligible_on_held_out_voices():
    model = pipeline.load_audio_model("lab")
    metrics = evaluate_audio_vae(model, n_clips=3, seed=0, seconds=2.0)
    assert metrics["stoi"] > 0.7            # model card: 0.78 on 12 clips
    assert metrics["si_sdr_db"] > -3.0      # the waveform, not only the spectrum, is kept
    assert 0 < metrics["kl_per_latent_dim_nats"] < 20


def test_prior_decodes_to_the_requested_length():
    model = pipeline.load_audio_model("lab")
    result = pipeline.decode_prior(model, seconds=1.5, seed=0)
    assert result.reconstruction.shape == (1, 23808)  # 1.5 s rounded down to the hop 256
    assert result.z.shape == (32, 93)
