"""The speech the audio VAE learns from: the synthesisers, the held-out real recordings, and the
augmentations checked against what they claim (spectral slope, SNR, reverberation time, pitch)."""

import os
import shutil

import numpy as np
import pytest

from genlab.data import speech, speech_augment as aug


def require(program: str):
    if shutil.which(program):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{program} is missing under CI=true: .ci/run must install it")
    pytest.skip(f"{program} is not installed (apt-get install festival festvox-kallpc16k flite espeak-ng)")


@pytest.mark.parametrize("engine", ["espeak-ng", "festival", "flite"])
def test_each_synthesiser_speaks(engine):
    require({"espeak-ng": "espeak-ng", "festival": "text2wave", "flite": "flite"}[engine])
    (utt,) = speech.make_utterances(1, split="train", seed=3, engines=(engine,))
    assert utt.voice.startswith(engine + ":") and utt.sample_rate == 16000
    assert 0.5 < len(utt.wave) / 16000 < 8 and np.abs(utt.wave).max() == pytest.approx(0.95, abs=1e-6)


def test_held_out_real_recordings_are_shipped_with_their_licences():
    clips = speech.heldout_real_recordings()
    assert len(clips) == 11 and {c.voice.split("/")[0] for c in clips} == {"real:alsa", "real:cmu-arctic",
                                                                            "real:amfm-decompy"}
    assert sum(len(c.wave) for c in clips) / 16000 > 16
    licences = (speech.HELDOUT_REAL_DIR / "LICENSES.md").read_text()
    for name in ("GPL-2", "CMU ARCTIC", "MIT"):
        assert name in licences


def test_arctic_speakers_never_train():
    assert not {"slt", "awb", "rms"} & set(speech.FLITE_VOICES)
    assert not any("arctic" in v for v in speech.FESTIVAL_VOICES)


@pytest.mark.parametrize("alpha", [0.0, 1.0, 2.0])
def test_coloured_noise_has_the_spectral_slope_it_claims(alpha):
    noise = aug.coloured_noise(2 ** 16, alpha, np.random.default_rng(0))
    f = np.fft.rfftfreq(len(noise))
    power = np.abs(np.fft.rfft(noise)) ** 2
    band = (f > 0.01) & (f < 0.4)
    slope = np.polyfit(np.log(f[band]), np.log(power[band]), 1)[0]
    assert slope == pytest.approx(-alpha, abs=0.1)
    assert np.sqrt(np.mean(noise ** 2)) == pytest.approx(1.0, rel=1e-6)


def test_noise_is_added_at_the_asked_snr():
    x = np.sin(np.arange(16000) / 5.0).astype(np.float32)
    y = aug.add_noise(x, np.random.default_rng(0), snr_db=12.0)
    snr = 10 * np.log10(np.sum(x ** 2) / np.sum((y - x) ** 2))
    assert snr == pytest.approx(12.0, abs=1e-3)


def test_room_impulse_response_decays_60_db_in_rt60():
    """Schroeder's backward integral of the tail falls 60 dB in RT60 (fit between -5 and -35 dB)."""
    h = aug.room_impulse_response(np.random.default_rng(0), rt60=0.5, drr_db=0.0)
    tail = h[1:] ** 2
    edc = 10 * np.log10(np.cumsum(tail[::-1])[::-1] / tail.sum())
    t = np.arange(len(edc)) / aug.SAMPLE_RATE
    fit = (edc < -5) & (edc > -35)
    slope = np.polyfit(t[fit], edc[fit], 1)[0]                   # dB per second
    assert -60 / slope == pytest.approx(0.5, rel=0.1)
    assert h[0] == 1.0 and 10 * np.log10(1.0 / tail.sum()) == pytest.approx(0.0, abs=1e-9)


def test_speed_change_moves_pitch_and_length_together():
    t = np.arange(16000) / aug.SAMPLE_RATE
    y = aug.speed_change(np.sin(2 * np.pi * 200 * t).astype(np.float32), 1.25)
    assert len(y) == pytest.approx(16000 / 1.25, abs=2)
    peak = np.argmax(np.abs(np.fft.rfft(y))) * aug.SAMPLE_RATE / len(y)
    assert peak == pytest.approx(250, abs=2)


def test_augment_is_reproducible_and_bounded():
    window = np.random.default_rng(1).standard_normal(int(4096 * aug.MARGIN)).astype(np.float32) * 0.1
    a = aug.augment(window, 4096, np.random.default_rng(5))
    b = aug.augment(window, 4096, np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    assert a.shape == (4096,) and np.all(np.isfinite(a)) and 0.2 < np.abs(a).max() <= 1.0
    clean = aug.augment(window, 4096, np.random.default_rng(5), p=0.0)   # only a crop and a level
    crops = np.lib.stride_tricks.sliding_window_view(window, 4096)
    start = int(np.argmax(crops @ clean))
    np.testing.assert_allclose(clean / np.abs(clean).max(), crops[start] / np.abs(crops[start]).max(), rtol=1e-4)
