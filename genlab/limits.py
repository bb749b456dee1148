"""Every limit genlab puts on what a user sends, in one place.

The views (app, widgets, CLI) and the pipelines import these numbers where the work starts; a
value over its limit is an ``InputError`` naming the parameter and the limit, in English and
Russian. The README's "Limits" table is made from ``LIMITS`` (``python -m genlab.limits``
prints it; a test checks the README carries the current one).

The queue section below sizes one ``genlab serve`` process (one replica) for a class: how many
jobs run at once, how many may wait, how long sessions and files live. ``genlab serve --limit
NAME=VALUE`` overrides any of them; the README's "Queue" table is made from ``QueueLimits``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

# Files and requests (the web server)
MAX_UPLOAD_MB = 20                 # one uploaded file; refused before the body is stored
MAX_REQUEST_KB = 1_024             # one event's JSON body (every text box and table together)
MAX_AUDIO_SECONDS = 60             # an audio file's duration, read from its header before decoding
MAX_AUDIO_CHANNELS = 2
AUDIO_RATE_HZ = (8_000, 96_000)
AUDIO_VAE_SECONDS = (0.5, 10.0)    # of a clip the VAE reconstructs (the lecture's slider), or decodes

# Text boxes, in characters
MAX_PROMPT_CHARS = 2_000           # a text model's prompt; SDXL's prompt and negative prompt
MAX_STATEMENT_CHARS = 1_000        # each statement that "plausibility is not truth" scores
MAX_STEP_LIST_CHARS = 200          # the diffusion tab's "show x_0 at steps" list

# Work per request
MAX_NEW_TOKENS = 4_096             # text generation
MAX_GAN_IMAGES = 16
MAX_DIFFUSION_IMAGES = 4           # SDXL images per request (1024 x 1024 each, by default)
MAX_LAB_DIFFUSION_SAMPLES = 1_024  # samples of the lab diffusion models per request (digits, 2-D particles)
NFE_RANGE = (5, 80)                # SDXL's denoising steps (the lecture's slider)
MAX_LAB_NFE = 1_000                # the lab diffusion models' denoising steps (DDPM's own 1000 at most)
GUIDANCE_RANGE = (0.0, 12.0)       # classifier-free guidance scale (diffusion)
SDXL_SIZE_RANGE = (64, 2_048)      # SDXL's width and height in pixels
MAX_TOY_GAN_STEPS = 5_000          # training a 2-D GAN live in the GAN tab
MAX_TAXONOMY_STEPS = 10_000        # training steps of each model in the taxonomy comparison
MAX_TAXONOMY_POINTS = 20_000       # training points, and held-out points and samples, of the taxonomy comparison
MAX_BIAS_POINTS = 50_000           # training, held-out and generated points of the bias experiment
MAX_BIAS_FLOW_STEPS = 5_000        # the bias experiment's flow: training steps
MAX_MIXTURE_COMPONENTS = 10        # rows of the Probability tab's mixture table
MAX_MIXTURE_SAMPLES = 20_000       # points drawn for the Probability tab's density surface
MAX_SURFACE_GRID = 200             # grid points per axis of the density surface
MAX_KDE_SAMPLES = 200_000          # samples per class of the KDE curves
MAX_MOMENT_SAMPLES = 1_000_000     # samples per normal of the empirical mean and sigma
MAX_CLOUD_POINTS = 2_000           # points per class of the two clouds (discriminative vs generative)
MAX_GD_ITERATIONS = 1_000          # logistic regression's gradient-descent iterations
MAX_EM_ITERATIONS = 500            # EM iterations in the Discriminative vs generative tab
MAX_MLE_POINTS = 20_000            # training points of the MLE = min KL demonstration
MAX_MIXTURE_DRAWS = 10_000_000     # `genlab sample mixture -n`
MAX_VAE_INTERPOLATION_STEPS = 11   # decoded points between two clips' latents

# Bookkeeping of which session uploaded which file (genlab.app.guard)
MAX_TRACKED_SESSIONS = 5_000       # the least recently active sessions are forgotten first
MAX_FILES_PER_SESSION = 500

LIMITS = (  # (what, limit, where it is enforced)
    ("uploaded file", f"{MAX_UPLOAD_MB} MB", "the server, before the body is stored"),
    ("one request's data", f"{MAX_REQUEST_KB} KB", "the server, before it is parsed"),
    ("audio duration", f"{MAX_AUDIO_SECONDS} s", "audio reader, from the header"),
    ("audio channels", f"{MAX_AUDIO_CHANNELS}", "audio reader, from the header"),
    ("audio sample rate", f"{AUDIO_RATE_HZ[0]}-{AUDIO_RATE_HZ[1]} Hz", "audio reader, from the header"),
    ("audio encoded or decoded", f"{AUDIO_VAE_SECONDS[0]:g}-{AUDIO_VAE_SECONDS[1]:g} s", "VAE"),
    ("prompt, negative prompt", f"{MAX_PROMPT_CHARS} characters", "text generation, SDXL"),
    ("statement to score", f"{MAX_STATEMENT_CHARS} characters", "plausibility is not truth"),
    ("x_0 steps list", f"{MAX_STEP_LIST_CHARS} characters", "diffusion tab"),
    ("new tokens", f"{MAX_NEW_TOKENS}", "text generation"),
    ("images", f"{MAX_GAN_IMAGES}", "GAN"),
    ("images", f"{MAX_DIFFUSION_IMAGES}", "SDXL"),
    ("samples", f"{MAX_LAB_DIFFUSION_SAMPLES}", "lab diffusion models"),
    ("denoising steps (NFE)", f"{NFE_RANGE[0]}-{NFE_RANGE[1]}", "SDXL"),
    ("denoising steps (NFE)", f"1-{MAX_LAB_NFE}", "lab diffusion models"),
    ("image width, height", f"{SDXL_SIZE_RANGE[0]}-{SDXL_SIZE_RANGE[1]} pixels", "SDXL"),
    ("training steps", f"{MAX_TOY_GAN_STEPS}", "GAN tab's 2-D GAN"),
    ("training steps", f"{MAX_TAXONOMY_STEPS}", "taxonomy comparison"),
    ("points", f"{MAX_TAXONOMY_POINTS}", "taxonomy comparison: training, held-out"),
    ("points", f"{MAX_BIAS_POINTS}", "bias experiment: training, held-out, generated"),
    ("training steps", f"{MAX_BIAS_FLOW_STEPS}", "bias experiment's flow"),
    ("mixture components", f"{MAX_MIXTURE_COMPONENTS}", "probability tab"),
    ("samples", f"{MAX_MIXTURE_SAMPLES}", "probability tab: density surface"),
    ("grid points per axis", f"{MAX_SURFACE_GRID}", "probability tab: density surface"),
    ("samples per class", f"{MAX_KDE_SAMPLES}", "probability tab: KDE curves"),
    ("samples per normal", f"{MAX_MOMENT_SAMPLES}", "probability tab: moments"),
    ("points per class", f"{MAX_CLOUD_POINTS}", "discriminative vs generative tab"),
    ("gradient-descent iterations", f"{MAX_GD_ITERATIONS}", "discriminative vs generative tab"),
    ("EM iterations", f"{MAX_EM_ITERATIONS}", "discriminative vs generative tab"),
    ("training points", f"{MAX_MLE_POINTS}", "MLE = min KL (discriminative vs generative tab)"),
    ("samples", f"{MAX_MIXTURE_DRAWS}", "mixture (CLI)"),
    ("interpolation steps", f"{MAX_VAE_INTERPOLATION_STEPS}", "VAE"),
)


def upload_bytes() -> int:
    return int(MAX_UPLOAD_MB * 1_000_000)


def request_bytes() -> int:
    return MAX_REQUEST_KB * 1024


def markdown_table() -> str:
    rows = ["| what | limit | enforced by |", "|---|---|---|"]
    rows += [f"| {what} | {limit} | {where} |" for what, limit, where in LIMITS]
    return "\n".join(rows)


# ---------------------------------------------------------------- queue, sessions, caches (per replica)


def _limit(default, doc: str, minimum=None):
    """A field with its README text; its value must be > 0, or >= ``minimum``."""
    return field(default=default, metadata={"doc": doc, "minimum": minimum})


@dataclass(frozen=True)
class QueueLimits:
    """How one replica shares its CPU and memory among a class.

    Events come in two groups, each with its own slots in the queue (``genlab.app.serving``):
    *heavy* ones run a neural network or train one for as long as the request asks; *light* ones
    redraw a figure or move a slider. Heavy jobs never take a light job's slot.
    """

    heavy_jobs: int = _limit(2, "heavy events (text streaming, sampling, training, fits) running "
                                "at once; each uses one core")
    light_jobs: int = _limit(4, "light events (redraws, slider moves) running at once")
    heavy_nice: int = _limit(10, "CPU priority (nice) of heavy jobs, so busy cores run a light "
                                 "event first (0: the same priority)", minimum=0)
    queue_size: int = _limit(200, "events waiting on one page (each language has its own queue) "
                                  "before a new one is refused, in the user's language, to retry")
    gil_switch_ms: float = _limit(0.5, "how long one thread may hold Python's interpreter lock "
                                       "while another waits (Python's default: 5 ms); short, so the "
                                       "server answers pages and light events between a heavy job's steps")
    compute_threads: int = _limit(1, "threads of torch and of NumPy/SciPy's BLAS per replica: heavy "
                                     "jobs already run side by side, and a second thread per job "
                                     "only waits for a busy core")
    max_sessions: int = _limit(500, "sessions whose state a replica keeps (the least recently "
                                    "used is dropped beyond); twice the class, as reloads start new ones")
    idle_seconds: float = _limit(2 * 3600, "a session unused this long is dropped with its state")
    closed_seconds: float = _limit(120, "a session whose page closed is dropped this long after "
                                        "(a network drop that reconnects sooner keeps its state)")
    file_seconds: float = _limit(3600, "uploads and outputs on disk older than this are deleted")
    sweep_seconds: float = _limit(30, "how often expired sessions and files are swept")
    keep_alive_seconds: float = _limit(5, "an idle HTTP connection is closed after this long "
                                          "(uvicorn's default); replicas behind nginx keep theirs "
                                          "longer than nginx does, so that nginx closes first")


QUEUE = QueueLimits()


def split_override(item: str) -> tuple[str, str | None]:
    """``"heavy_jobs = 4"`` -> ``("heavy_jobs", "4")``; without ``=`` the value is None."""
    name, sep, value = item.partition("=")
    return name.strip(), value.strip() if sep else None


def queue_limits(overrides=()) -> QueueLimits:
    """``QUEUE`` with ``NAME=VALUE`` overrides (``genlab serve --limit heavy_jobs=4``); a value
    must be a positive number of the field's type (or at least the field's minimum)."""
    from genlab.errors import InputError, check_number

    known = {f.name: f for f in fields(QueueLimits)}
    changes = {}
    for item in overrides:
        name, value = split_override(item)
        if value is None or name not in known:
            raise InputError("--limit", "not_choice", value=repr(item),
                             choices=", ".join(f"{n}=VALUE" for n in known))
        minimum = known[name].metadata["minimum"]
        changes[name] = check_number(f"--limit {name}", value, minimum or 0,
                                     lo_open=minimum is None, integer=known[name].type == "int")
    return replace(QUEUE, **changes)


def replica_overrides(overrides, replicas: int, cores: int | None = None) -> list[str]:
    """The ``--limit`` overrides each of ``replicas`` replicas runs with: the operator's, and
    unless they set ``heavy_jobs``, the machine's cores shared out among the replicas (at least
    one each; the README's sizing rule: ``heavy_jobs`` = the cores a replica may use)."""
    import os

    overrides = list(overrides)
    if replicas > 1 and not any(split_override(item)[0] == "heavy_jobs" for item in overrides):
        if cores is None:
            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        overrides.append(f"heavy_jobs={max(1, cores // replicas)}")
    return overrides


def queue_table() -> str:
    rows = ["| limit | default | what it bounds |", "|---|---|---|"]
    rows += [f"| `{f.name}` | {getattr(QUEUE, f.name):g} | {f.metadata['doc']} |" for f in fields(QueueLimits)]
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
    print()
    print(queue_table())
