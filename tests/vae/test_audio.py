"""Audio input handling, the audio VAE's contract, and the audio metrics against closed forms."""

import io

import numpy as np
import pytest
import soundfile as sf
import torch

from genlab.audio import crop_or_pad, peak_normalize, prepare, read_audio, resample, to_channels
from genlab.errors import InputError
from genlab.families.vae.audio_metrics import multi_resolution_stft_loss, si_sdr
from genlab.families.vae.audio_vae import AudioVAE
from genlab.prob import gaussian_kl
from contract import GenerativeModelContract

TINY = dict(channels=4, c_mults=[1, 2], strides=[2, 4], latent_dim=3)


def wav_bytes(data, rate, fmt="WAV", subtype=None):
    buf = io.BytesIO()
    sf.write(buf, data, rate, format=fmt, subtype=subtype)
    return buf.getvalue()


class TestAudioVAEContract(GenerativeModelContract):
    sample_options = {"seconds": 0.01}

    def make_model(self):
        torch.manual_seed(0)
        return AudioVAE(**TINY).eval()

    def make_data(self):
        return torch.randn(2, 1, 64) * 0.1


def test_hop_and_shapes():
    model = AudioVAE(**TINY).eval()
    assert model.hop == 8
    x = torch.randn(2, 1, 8 * 5)
    mu, sigma = model.encode(x)
    assert mu.shape == sigma.shape == (2, 3, 5) and torch.all(sigma > 0)
    assert model.decode(mu).shape == x.shape
    with pytest.raises(ValueError, match="multiple of the hop"):
        model.encode(torch.randn(1, 1, 41))
    with pytest.raises(ValueError, match="even"):
        AudioVAE(strides=[2, 5])


def test_kl_is_half_the_lecture_expression_and_matches_torch():
    mu, sigma = torch.randn(3, 4, 5), torch.rand(3, 4, 5) + 0.1
    ref = torch.distributions.kl_divergence(torch.distributions.Normal(mu, sigma), torch.distributions.Normal(0, 1))
    torch.testing.assert_close(gaussian_kl(mu, sigma), ref)
    lecture = mu**2 + sigma**2 - torch.log(sigma**2) - 1  # the lecture's / EAR_VAE's term, no 0.5
    torch.testing.assert_close(2 * gaussian_kl(mu, sigma), lecture)


def test_si_sdr_closed_form():
    rng = np.random.default_rng(0)
    ref = rng.normal(size=16000)
    noise = rng.normal(size=16000)
    noise -= noise.mean()
    ref -= ref.mean()
    noise -= noise @ ref / (ref @ ref) * ref            # orthogonal to the reference
    noise *= np.sqrt((ref @ ref) / (noise @ noise)) / 10  # 20 dB below it
    assert si_sdr(ref + noise, ref) == pytest.approx(20.0, abs=1e-6)
    assert si_sdr(3.0 * (ref + noise), ref) == pytest.approx(20.0, abs=1e-6)  # scale-invariant


def test_stft_loss_zero_for_identical_and_grows_with_noise():
    x = torch.sin(torch.arange(8192) / 7.0)[None, None]
    assert multi_resolution_stft_loss(x, x).item() == pytest.approx(0.0, abs=1e-6)
    small = multi_resolution_stft_loss(x + 0.01 * torch.randn_like(x), x).item()
    large = multi_resolution_stft_loss(x + 0.3 * torch.randn_like(x), x).item()
    assert 0 < small < large


# ---- reading uploads ---------------------------------------------------------------------------
@pytest.mark.parametrize("rate", [8000, 11025, 22050, 44100, 48000, 96000])
def test_rates_from_8_to_96_khz_are_read_and_resampled(rate):
    t = np.arange(rate // 2) / rate
    data = 0.5 * np.sin(2 * np.pi * 440 * t).astype(np.float32)
    wave, sr = read_audio(wav_bytes(data, rate))
    assert sr == rate and wave.shape == (1, rate // 2)
    out = prepare(wave, sr, target_rate=16000, channels=1, seconds=0.5, hop=256)
    assert out.shape == (1, 7936) and np.abs(out).max() == pytest.approx(1.0)
    spectrum = np.abs(np.fft.rfft(out[0]))
    assert np.argmax(spectrum) * 16000 / out.shape[1] == pytest.approx(440, abs=4)  # same pitch


@pytest.mark.parametrize("rate", [4000, 192000])
def test_rates_outside_8_to_96_khz_are_refused(rate):
    with pytest.raises(InputError, match="sample rate"):
        read_audio(wav_bytes(np.zeros(rate // 10, np.float32) + 0.1, rate))


def test_bad_files_give_input_errors(tmp_path):
    with pytest.raises(InputError, match="empty"):
        read_audio(b"")
    with pytest.raises(InputError, match="not a readable"):
        read_audio(b"this is a text file, not audio" * 10)
    with pytest.raises(InputError, match="not a readable"):
        read_audio(wav_bytes(np.zeros(1000, np.float32), 16000)[:30])  # truncated header
    big = tmp_path / "big.wav"
    big.write_bytes(b"\0" * 2_100_000)
    with pytest.raises(InputError, match="above the limit"):
        read_audio(big, max_mb=2)
    with pytest.raises(InputError, match="no such file"):
        read_audio(tmp_path / "missing.wav")
    with pytest.raises(InputError, match="zero length"):
        read_audio(wav_bytes(np.zeros((0, 1), np.float32), 16000))
    with pytest.raises(InputError, match="channels"):
        read_audio(wav_bytes(np.zeros((100, 3), np.float32), 16000))


def test_nan_samples_are_refused():
    data = np.zeros(1000, np.float32)
    data[10] = np.nan
    with pytest.raises(InputError, match="NaN"):
        read_audio(wav_bytes(data, 16000, subtype="FLOAT"))
    with pytest.raises(InputError, match="NaN"):
        read_audio((16000, data))


def test_microphone_tuple_int16_and_stereo():
    stereo = (np.random.default_rng(0).normal(size=(800, 2)) * 1000).astype(np.int16)
    wave, sr = read_audio((16000, stereo))
    assert wave.shape == (2, 800) and np.abs(wave).max() <= 1.0
    assert to_channels(wave, 1).shape == (1, 800)
    np.testing.assert_allclose(to_channels(wave, 1)[0], wave.mean(0))
    assert to_channels(wave[:1], 2).shape == (2, 800)


def test_crop_pad_to_a_multiple_of_the_hop():
    x = np.ones((2, 1000), np.float32)
    assert crop_or_pad(x, 700, 256).shape == (2, 512)
    assert crop_or_pad(x, 1500, 256).shape == (2, 1280)
    assert crop_or_pad(x, 100, 256).shape == (2, 256)  # at least one hop
    assert crop_or_pad(x, 1500, 256)[:, 1000:].sum() == 0


def test_silence_stays_silence_and_ogg_flac_read():
    assert np.all(peak_normalize(np.zeros((1, 100), np.float32)) == 0)
    data = 0.3 * np.sin(np.arange(8000) / 5.0).astype(np.float32)
    for fmt in ("FLAC", "OGG"):
        wave, sr = read_audio(wav_bytes(data, 16000, fmt=fmt))
        assert sr == 16000 and wave.shape[1] == 8000
    assert resample(wave, 16000, 8000).shape == (1, 4000)


def test_a_clip_shorter_than_the_seconds_keeps_its_own_length():
    """Not zero-padded to ``seconds`` (the lecture's behaviour): cut down to the hop only."""
    from genlab.audio import crop_to_hop

    data = 0.5 * np.sin(np.arange(4800) / 3.0).astype(np.float32)   # 0.3 s at 16 kHz
    out = prepare(data[None], 16000, target_rate=16000, channels=1, seconds=2.0, hop=256)
    assert out.shape == (1, 4608)                                   # 18 hops, no padding
    np.testing.assert_allclose(out[0], data[:4608] / np.abs(data[:4608]).max(), rtol=1e-6)
    assert prepare(data[None], 16000, target_rate=16000, channels=1, seconds=0.5, hop=256).shape == (1, 4608)
    long = np.ones((1, 40000), np.float32)
    assert prepare(long, 16000, target_rate=16000, channels=1, seconds=2.0, hop=256).shape == (1, 32000)
    assert crop_to_hop(np.ones((1, 100), np.float32), 1000, 256).shape == (1, 256)  # under a hop: padded to one
