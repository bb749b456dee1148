"""Speech that genlab makes itself, offline: espeak-ng in many voices, speeds and pitches.

No speech corpus can be downloaded on these machines, so the audio VAE learns from synthetic
speech: sentences built from a small word list, spoken by ``espeak-ng`` (Debian package
``espeak-ng``) with a random voice variant, speed and pitch, resampled to 16 kHz mono.
The train and test splits use disjoint sentence seeds *and* disjoint voice variants, so the
test clips are new sentences in voices the model never heard.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass

import numpy as np

from genlab.errors import InputError, check_int
from genlab.seeding import numpy_rng

SAMPLE_RATE = 16_000

# espeak-ng voice = language + "+" + variant; variants change timbre, formants and gender.
LANGUAGES = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp")
TRAIN_VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "f1", "f2", "f3", "f4",
                  "klatt", "klatt2", "Alex", "Andy", "Annie", "belinda", "david", "edward",
                  "john", "linda", "max", "michel", "steph", "boris")
TEST_VARIANTS = ("m7", "f5", "klatt3", "Andrea", "Mario", "Lee")

SUBJECTS = ("the cat", "a small boat", "my brother", "the old clock", "every student", "the river",
            "our teacher", "a red bird", "the green lamp", "this machine", "the quiet town",
            "her neighbour", "the morning train", "a tall tree", "the yellow kite", "his sister")
VERBS = ("sees", "carries", "finds", "paints", "follows", "opens", "remembers", "builds",
         "watches", "moves", "hears", "counts", "keeps", "reads", "throws", "brings")
OBJECTS = ("seven apples", "the blue door", "a heavy box", "the last letter", "four candles",
           "the wooden bridge", "a warm coat", "the silver coin", "nine small stones",
           "the evening news", "a paper map", "the broken chair", "two black horses",
           "the garden gate", "a bright star", "the long road")
ENDINGS = ("today", "at night", "near the sea", "after lunch", "in the rain", "every morning",
           "without a word", "before dawn", "in the kitchen", "on Sunday", "", "")


@dataclass(frozen=True)
class Utterance:
    """One synthesised clip and how it was made (enough to make it again)."""

    wave: np.ndarray   # (T,) float32 in [-1, 1], mono, ``sample_rate`` Hz
    sample_rate: int
    text: str
    voice: str
    speed: int         # words per minute
    pitch: int         # espeak-ng pitch 0..99


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def random_sentence(rng: np.random.Generator) -> str:
    words = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(ENDINGS)]
    return " ".join(w for w in words if w).capitalize() + "."


def synthesize(text: str, *, voice: str = "en-us", speed: int = 160, pitch: int = 50,
               sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Speak ``text`` with espeak-ng; return a (T,) float32 waveform at ``sample_rate``."""
    import soundfile as sf
    import soxr

    if not espeak_available():
        raise InputError("speech", "unavailable",
                         reason="espeak-ng is not installed (Debian/Ubuntu: apt-get install espeak-ng)")
    speed = check_int("speed", speed, 80, 450)
    pitch = check_int("pitch", pitch, 0, 99)
    # "--" ends the options, so a text that starts with "-" is spoken, never parsed as a flag.
    cmd = ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", "--", text]
    out = subprocess.run(cmd, capture_output=True, check=True, timeout=60).stdout
    wave, sr = sf.read(io.BytesIO(out), dtype="float32", always_2d=True)
    wave = wave.mean(axis=1)
    if sr != sample_rate:
        wave = soxr.resample(wave, sr, sample_rate).astype(np.float32)
    return wave


def make_utterances(n: int, *, split: str = "train", seed: int = 0,
                    sample_rate: int = SAMPLE_RATE) -> list[Utterance]:
    """``n`` random utterances of the ``split`` ("train" or "test"), reproducible by ``seed``."""
    from genlab.errors import check_choice

    n = check_int("n", n, 1, 100_000)
    check_choice("split", split, ("train", "test"))
    variants = TRAIN_VARIANTS if split == "train" else TEST_VARIANTS
    # The split is part of the seed so that the two splits never share a sentence stream.
    rng = numpy_rng(seed * 2 + (0 if split == "train" else 1))
    utterances = []
    for _ in range(n):
        voice = f"{rng.choice(LANGUAGES)}+{rng.choice(variants)}"
        speed, pitch = int(rng.integers(120, 221)), int(rng.integers(20, 81))
        text = random_sentence(rng)
        wave = synthesize(text, voice=voice, speed=speed, pitch=pitch, sample_rate=sample_rate)
        peak = float(np.abs(wave).max()) if wave.size else 0.0
        if peak > 0:
            wave = (0.95 * wave / peak).astype(np.float32)
        utterances.append(Utterance(wave, sample_rate, text, voice, speed, pitch))
    return utterances


def random_segments(waves: list[np.ndarray], n: int, length: int, rng: np.random.Generator,
                    min_rms: float = 0.02) -> np.ndarray:
    """``n`` random (length,) windows from ``waves`` (padded when short), skipping near-silence.

    Returns an (n, length) float32 array.
    """
    out = np.zeros((n, length), dtype=np.float32)
    for i in range(n):
        for _attempt in range(20):
            wave = waves[int(rng.integers(len(waves)))]
            if len(wave) <= length:
                seg = np.pad(wave, (0, length - len(wave)))
            else:
                start = int(rng.integers(0, len(wave) - length + 1))
                seg = wave[start:start + length]
            if np.sqrt(np.mean(seg ** 2)) >= min_rms:
                break
        out[i] = seg
    return out


def write_shipped_clips(folder, *, n: int = 6, seed: int = 2026) -> list:
    """Write ``n`` held-out-voice clips as FLAC with provenance (the clips genlab ships).

    ``python -c "from genlab.data.speech import write_shipped_clips as w; w('genlab/assets/vae-speech/clips')"``
    """
    from pathlib import Path

    from genlab.provenance import record, save_audio

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, utt in enumerate(make_utterances(n, split="test", seed=seed)):
        rec = record(model="espeak-ng", seed=seed, kind="synthetic-speech", generator="genlab via espeak-ng",
                     params={"text": utt.text, "voice": utt.voice, "speed": utt.speed, "pitch": utt.pitch,
                             "index": i, "split": "test"})
        paths.append(save_audio(utt.wave, utt.sample_rate, folder / f"clip{i:02d}.flac", rec))
    return paths
