"""Speech that genlab can have offline: several synthesisers, and real voices shipped in packages.

No speech corpus can be downloaded on these machines, so the audio VAE learns from

* **synthetic speech**: sentences built from a small word list, spoken by ``espeak-ng`` (formant
  synthesis, many voice variants), Festival (diphone and unit-selection voices: concatenated
  recordings of real speakers; an HTS voice) and ``flite`` (Debian packages ``espeak-ng``,
  ``festival`` + ``festvox-*``, ``flite``), resampled to 16 kHz mono;
* **real recordings** that ship inside Debian packages: the hedgewars voice packs
  (``hedgewars-data``, GFDL-1.3) in training; ALSA's channel announcements, two CMU ARCTIC
  utterances and AMFM_decompy's sample (each with its licence in
  ``genlab/assets/vae-speech/heldout-real/LICENSES.md``) shipped and **held out** as the test.

The train and test splits use disjoint sentence seeds and disjoint voices (espeak-ng variants);
CMU ARCTIC's speakers are held out, so Festival's and flite's ARCTIC voices (slt, awb, rms)
are not used for training either. ``genlab.data.speech_augment`` adds what real rooms and
microphones do to a voice.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from genlab.errors import InputError, check_choice, check_int
from genlab.seeding import numpy_rng

SAMPLE_RATE = 16_000

# espeak-ng voice = language + "+" + variant; variants change timbre, formants and gender.
LANGUAGES = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp")
TRAIN_VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "f1", "f2", "f3", "f4",
                  "klatt", "klatt2", "Alex", "Andy", "Annie", "belinda", "david", "edward",
                  "john", "linda", "max", "michel", "steph", "boris")
TEST_VARIANTS = ("m7", "f5", "klatt3", "Andrea", "Mario", "Lee")

# Festival voices in Debian bookworm (festvox-*): diphone / unit-selection voices re-use a real
# speaker's recorded waveforms; non-English voices read the English sentences with their own
# phonology, which is still a human voice's timbre. cmu_us_slt_arctic_hts is left out: its
# speaker (CMU ARCTIC "slt") is in the real held-out test.
FESTIVAL_VOICES = ("kal_diphone", "ked_diphone", "upc_ca_ona_hts", "czech_dita", "czech_krb",
                   "czech_machac", "hy_fi_mv_diphone", "suo_fi_lj_diphone", "lp_diphone",
                   "pc_diphone", "msu_ru_nsh_clunits")
FLITE_VOICES = ("kal", "kal16")  # awb, rms, slt are CMU ARCTIC speakers: held out

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

HEDGEWARS_VOICES = Path("/usr/share/games/hedgewars/Data/Sounds/voices")
HELDOUT_REAL_DIR = Path(__file__).resolve().parents[1] / "assets" / "vae-speech" / "heldout-real"


@dataclass(frozen=True)
class Utterance:
    """One clip and where it came from (enough to make or find it again)."""

    wave: np.ndarray   # (T,) float32 in [-1, 1], mono, ``sample_rate`` Hz
    sample_rate: int
    text: str
    voice: str         # "espeak-ng:en-us+m3", "festival:kal_diphone", "real:alsa/Front_Left.wav"
    speed: int = 0     # words per minute (espeak-ng only; 0 = the voice's own)
    pitch: int = 0     # espeak-ng pitch 0..99 (0 = the voice's own)


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def festival_available() -> bool:
    return shutil.which("text2wave") is not None and bool(available_festival_voices())


@functools.lru_cache(maxsize=1)
def available_festival_voices() -> tuple[str, ...]:
    root = Path("/usr/share/festival/voices")
    return tuple(v for v in FESTIVAL_VOICES if any(root.glob(f"*/{v}")))


def flite_available() -> bool:
    return shutil.which("flite") is not None


def random_sentence(rng: np.random.Generator) -> str:
    words = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(ENDINGS)]
    return " ".join(w for w in words if w).capitalize() + "."


def _wav_bytes_to_mono(raw: bytes, sample_rate: int) -> np.ndarray:
    import soundfile as sf
    import soxr

    wave, sr = sf.read(io.BytesIO(raw), dtype="float32", always_2d=True)
    wave = wave.mean(axis=1)
    if sr != sample_rate:
        wave = soxr.resample(wave, sr, sample_rate).astype(np.float32)
    return wave


def synthesize(text: str, *, voice: str = "en-us", speed: int = 160, pitch: int = 50,
               sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Speak ``text`` with espeak-ng; return a (T,) float32 waveform at ``sample_rate``."""
    if not espeak_available():
        raise InputError("speech", "espeak_missing")
    speed = check_int("speed", speed, 80, 450)
    pitch = check_int("pitch", pitch, 0, 99)
    # "--" ends the options, so a text that starts with "-" is spoken, never parsed as a flag.
    cmd = ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", "--", text]
    return _wav_bytes_to_mono(subprocess.run(cmd, capture_output=True, check=True, timeout=60).stdout,
                              sample_rate)


def synthesize_festival(text: str, *, voice: str, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Speak ``text`` with a Festival voice (``text2wave``); (T,) float32 at ``sample_rate``."""
    import tempfile

    check_choice("voice", voice, FESTIVAL_VOICES)
    # text2wave seeks in its output file to write the header: it writes nothing to a pipe
    with tempfile.TemporaryDirectory(prefix="genlab-festival-") as tmp:
        out = Path(tmp) / "speech.wav"
        cmd = ["text2wave", "-eval", f"(voice_{voice})", "-o", str(out)]
        subprocess.run(cmd, input=text.encode(), capture_output=True, check=True, timeout=60)
        return _wav_bytes_to_mono(out.read_bytes(), sample_rate)


def synthesize_flite(text: str, *, voice: str, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Speak ``text`` with a flite voice; (T,) float32 at ``sample_rate``."""
    check_choice("voice", voice, FLITE_VOICES)
    cmd = ["flite", "-voice", voice, "-t", text, "-o", "/dev/stdout"]
    return _wav_bytes_to_mono(subprocess.run(cmd, capture_output=True, check=True, timeout=60).stdout,
                              sample_rate)


def _peak_normalised(wave: np.ndarray) -> np.ndarray:
    peak = float(np.abs(wave).max()) if wave.size else 0.0
    return (0.95 * wave / peak).astype(np.float32) if peak > 0 else wave


def make_utterances(n: int, *, split: str = "train", seed: int = 0, sample_rate: int = SAMPLE_RATE,
                    engines: tuple[str, ...] = ("espeak-ng",)) -> list[Utterance]:
    """``n`` random utterances of the ``split`` ("train" or "test"), reproducible by ``seed``.

    ``engines`` picks the synthesisers, in turn: "espeak-ng" (train and test voice variants),
    "festival" and "flite" (train only; engines that are not installed are skipped).
    """
    n = check_int("n", n, 1, 100_000)
    check_choice("split", split, ("train", "test"))
    for engine in engines:
        check_choice("engines", engine, ("espeak-ng", "festival", "flite"))
    usable = [e for e in engines if e == "espeak-ng" or split == "train" and (
        (e == "festival" and festival_available()) or (e == "flite" and flite_available()))]
    variants = TRAIN_VARIANTS if split == "train" else TEST_VARIANTS
    # The split is part of the seed so that the two splits never share a sentence stream.
    rng = numpy_rng(seed * 2 + (0 if split == "train" else 1))
    utterances = []
    for i in range(n):
        engine = usable[i % len(usable)]
        speed = pitch = 0
        if engine == "espeak-ng":  # this draw order is the one the espeak-ng-only data always had
            voice = f"{rng.choice(LANGUAGES)}+{rng.choice(variants)}"
            speed, pitch = int(rng.integers(120, 221)), int(rng.integers(20, 81))
            text = random_sentence(rng)
            wave = synthesize(text, voice=voice, speed=speed, pitch=pitch, sample_rate=sample_rate)
        elif engine == "festival":
            voice, text = str(rng.choice(available_festival_voices())), random_sentence(rng)
            wave = synthesize_festival(text, voice=voice, sample_rate=sample_rate)
        else:
            voice, text = str(rng.choice(FLITE_VOICES)), random_sentence(rng)
            wave = synthesize_flite(text, voice=voice, sample_rate=sample_rate)
        utterances.append(Utterance(_peak_normalised(wave), sample_rate, text,
                                    f"{engine}:{voice}", speed, pitch))
    return utterances


def _read_mono(path: Path, sample_rate: int) -> np.ndarray:
    return _wav_bytes_to_mono(path.read_bytes(), sample_rate)


def real_training_recordings(sample_rate: int = SAMPLE_RATE) -> list[Utterance]:
    """The real human voices genlab trains on: hedgewars' voice packs, if the package is installed.

    ``apt-get install hedgewars-data`` (GFDL-1.3; ~900 short lines by several speakers, some of
    them processed for the game). None of these speakers is in the held-out test.
    """
    out = []
    for path in sorted(HEDGEWARS_VOICES.glob("*/*.ogg")):
        wave = _read_mono(path, sample_rate)
        if wave.size > sample_rate // 10:
            out.append(Utterance(_peak_normalised(wave), sample_rate, path.stem,
                                 f"real:hedgewars/{path.parent.name}"))
    return out


def heldout_real_recordings(sample_rate: int = SAMPLE_RATE) -> list[Utterance]:
    """The real recordings genlab keeps out of training as its test (shipped, licences beside them).

    Four speakers: ALSA's channel announcements (8 clips, one speaker), CMU ARCTIC a0007 (a male
    speaker) and a0009 ("slt"), and AMFM_decompy's sample.
    """
    paths = sorted(HELDOUT_REAL_DIR.glob("*/*.flac"))
    if not paths:
        raise InputError("speech", "no_heldout_recordings", folder=HELDOUT_REAL_DIR)
    return [Utterance(_read_mono(p, sample_rate), sample_rate, p.stem, f"real:{p.parent.name}/{p.name}")
            for p in paths]


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
                start = int(rng.integers(0, length - len(wave) + 1))
                seg = np.pad(wave, (start, length - len(wave) - start))
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
    from genlab.provenance import record, save_audio

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, utt in enumerate(make_utterances(n, split="test", seed=seed)):
        rec = record(model="espeak-ng", seed=seed, kind="synthetic-speech", generator="genlab via espeak-ng",
                     params={"text": utt.text, "voice": utt.voice.split(":", 1)[1], "speed": utt.speed,
                             "pitch": utt.pitch, "index": i, "split": "test"})
        paths.append(save_audio(utt.wave, utt.sample_rate, folder / f"clip{i:02d}.flac", rec))
    return paths
