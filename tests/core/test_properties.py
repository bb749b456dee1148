"""Property-based tests (hypothesis) of the public functions a user calls: whatever the input,
the checks return a valid value or raise InputError naming the parameter; densities agree with
SciPy; EM never lowers the log-likelihood; seeds reproduce; provenance records and tokenizers
round-trip; image helpers keep their shapes and values."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from genlab.errors import InputError, check_array, check_int, check_number, check_seed, check_text

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ANYTHING = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                     st.lists(st.integers(), max_size=3), st.binary(max_size=8))
BOUND = st.one_of(st.none(), st.floats(-1e6, 1e6))


def _names_the_parameter(err: InputError, name: str):
    for lang in ("en", "ru"):
        text = err.message(lang)
        assert text.startswith(f"{name}: ") and "\n" not in text


@FAST
@given(ANYTHING, BOUND, BOUND)
def test_check_number_returns_a_number_in_range_or_names_the_parameter(value, lo, hi):
    try:
        number = check_number("speed", value, lo, hi)
    except InputError as err:
        _names_the_parameter(err, "speed")
        return
    assert math.isfinite(number)
    assert (lo is None or number >= lo) and (hi is None or number <= hi)


@FAST
@given(ANYTHING, st.integers(-100, 100), st.integers(0, 200))
def test_check_int_returns_an_int_in_range(value, lo, width):
    try:
        number = check_int("steps", value, lo, lo + width)
    except InputError as err:
        _names_the_parameter(err, "steps")
        return
    assert isinstance(number, int) and lo <= number <= lo + width


@FAST
@given(st.one_of(st.integers(-2**80, 2**80), st.floats(), st.none(), st.booleans()))
def test_check_seed(seed):
    try:
        checked = check_seed("seed", seed)
    except InputError as err:
        _names_the_parameter(err, "seed")
        assert not (isinstance(seed, int) and not isinstance(seed, bool) and -1 <= seed < 2**63)
        return
    if seed is None or seed == -1:
        assert checked is None
    else:
        assert checked == seed and 0 <= checked < 2**63


@FAST
@given(st.one_of(st.text(max_size=50), st.none(), st.integers()), st.one_of(st.none(), st.integers(1, 40)))
def test_check_text(text, max_chars):
    try:
        checked = check_text("prompt", text, max_chars=max_chars)
    except InputError as err:
        _names_the_parameter(err, "prompt")
        return
    assert checked == text and text.strip() and (max_chars is None or len(text) <= max_chars)


@FAST
@given(st.lists(st.lists(st.one_of(st.floats(), st.integers(-10, 10), st.text(max_size=2)), max_size=4),
                max_size=5))
def test_check_array_gives_finite_arrays(rows):
    try:
        arr = check_array("points", rows, ndim=2, min_rows=1)
    except InputError as err:
        _names_the_parameter(err, "points")
        return
    assert arr.ndim == 2 and arr.shape[0] >= 1 and np.all(np.isfinite(arr))


@st.composite
def mixtures(draw):
    from genlab.prob import MixtureParams

    k, d = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    a = rng.normal(size=(k, d, d))
    return MixtureParams.checked(rng.dirichlet(np.ones(k)), rng.normal(scale=3, size=(k, d)),
                                 a @ a.transpose(0, 2, 1) + 0.1 * np.eye(d)), rng


@FAST
@given(mixtures())
def test_mixture_logpdf_matches_scipy(mixture):
    from scipy.special import logsumexp
    from scipy.stats import multivariate_normal

    from genlab.prob import mixture_logpdf

    params, rng = mixture
    x = rng.normal(scale=4, size=(20, params.dim))
    reference = logsumexp([np.log(w) + multivariate_normal(m, c).logpdf(x).reshape(-1)
                           for w, m, c in zip(params.weights, params.means, params.covariances)], axis=0)
    np.testing.assert_allclose(mixture_logpdf(x, params), reference, rtol=1e-9, atol=1e-9)


@FAST
@given(hnp.arrays(np.float64, st.integers(5, 300), elements=st.floats(-50, 50)))
@example(np.array([0.0625] + [0.0] * 299))  # a kernel (h = 0.003) narrower than the grid's step (0.01)
def test_kde_grid_is_a_density_close_to_the_exact_sum(x):
    from genlab.prob import kde_exact, kde_grid

    assume(np.ptp(x) > 1e-3)
    grid, density = kde_grid(x)
    assert np.all(density >= 0) and np.all(np.isfinite(density))
    exact = kde_exact(x, grid)
    assert np.max(np.abs(density - exact)) <= 0.02 * np.max(exact) + 1e-12


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.integers(1, 3), st.integers(10, 80))
def test_em_never_lowers_the_log_likelihood(seed, k, d, n):
    from genlab.classic.em import em_fit

    x = np.random.default_rng(seed).normal(size=(n, d)) * np.arange(1, d + 1)
    try:
        history = em_fit(x, k, init="random", n_iter=15, seed=seed, early_stop=False)
    except InputError as err:
        assert err.param in ("x", "n_components", "init", "covariances"), err.param
        return
    ll = np.asarray(history.log_likelihood)
    assert np.all(np.diff(ll) >= -1e-7 * (1 + np.abs(ll[:-1]))), ll


@FAST
@given(st.one_of(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
                            elements=st.floats(allow_nan=True, allow_infinity=True)),
                 st.lists(st.floats(), max_size=3)),
       st.integers(1, 4))
def test_em_refuses_bad_data_clearly(x, k):
    from genlab.classic.em import em_fit

    x = np.asarray(x)
    try:
        em_fit(x, k, n_iter=3)
    except InputError as err:
        assert err.message("en").strip() and "\n" not in err.message("en")


@FAST
@given(st.integers(0, 2**63 - 1))
def test_a_seed_reproduces_its_draws(seed):
    from genlab.seeding import numpy_rng, resolve_seed

    assert resolve_seed(seed) == seed
    np.testing.assert_array_equal(numpy_rng(seed).normal(size=5), numpy_rng(seed).normal(size=5))
    assert 0 <= resolve_seed(None) < 2**31


PARAMS = st.dictionaries(st.text(min_size=1, max_size=8),
                         st.one_of(st.integers(-10**6, 10**6), st.text(max_size=30), st.booleans(),
                                   st.floats(allow_nan=False, allow_infinity=False, width=32)),
                         max_size=5)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(PARAMS, st.one_of(st.none(), st.integers(0, 2**31)), st.text(max_size=40))
def test_provenance_records_round_trip(tmp_path, params, seed, text):
    from genlab.provenance import read_provenance, record, save_audio, save_image, save_json, save_text

    rec = record(model="model/☃", seed=seed, params=params, kind="test")
    image = np.random.default_rng(0).integers(0, 255, (16, 16, 3)).astype(np.uint8)
    saved = [save_json({"x": 1}, tmp_path / "a.json", rec), save_text(text, tmp_path / "a.txt", rec),
             save_image(image, tmp_path / "a.png", rec),
             save_audio(np.zeros(800, np.float32), 8000, tmp_path / "a.wav", rec, watermark=False)]
    for path in saved:
        back = read_provenance(path)
        assert back is not None, path
        assert back["params"] == rec["params"] and back["seed"] == seed and back["model"] == rec["model"]


@FAST  # widths of 1 or 3 would make (n, C, H, W) and (n, H, W, C) the same shape: not drawn
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.sampled_from([1, 3]), st.integers(1, 9),
                                        st.integers(4, 9)), elements=st.floats(-1, 2)),
       st.one_of(st.none(), st.integers(1, 6)), st.integers(1, 3))
def test_image_helpers_keep_values_and_shapes(images, cols, scale):
    from genlab.viz.images import tile, to_uint8

    out = to_uint8(images)
    n, c, h, w = images.shape
    assert out.dtype == np.uint8 and out.shape == (n, h, w, 3)
    expected = np.clip(images * 255 + 0.5, 0, 255).astype(np.uint8).transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(out, np.repeat(expected, 3 // c, axis=-1))
    grid = tile(images, cols, scale=scale)
    columns = min(cols or int(np.ceil(np.sqrt(n))), n)
    rows = -(-n // columns)
    assert grid.shape == (scale * (rows * (h + 2) + 2), scale * (columns * (w + 2) + 2), 3)


@FAST
@given(st.text(min_size=1, max_size=30, alphabet=st.characters(codec="utf-8")).map(lambda s: "".join(dict.fromkeys(s))),
       st.data())
def test_char_tokenizer_round_trips(vocab, data):
    from genlab.families.autoregressive.tokenizer import CharTokenizer

    tok = CharTokenizer(vocab)
    text = data.draw(st.text(alphabet=st.sampled_from(list(vocab)), max_size=50))
    ids = tok.encode(text)
    assert ids[0] == tok.bos_token_id and tok.decode(ids) == text and len(ids) == len(text) + 1
    # a character outside the vocabulary is written as its UTF-8 bytes, one token each, and comes back
    stranger = data.draw(st.characters(codec="utf-8").filter(lambda ch: ch not in vocab))
    ids = tok.encode(text + stranger)
    assert tok.decode(ids) == text + stranger and len(ids) == len(text) + 1 + len(stranger.encode("utf-8"))
    assert tok.fallback_characters(text + stranger) == 1 and all(tok.is_byte(i) for i in ids[len(text) + 1:])
