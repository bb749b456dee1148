import math

import numpy as np
import pytest

from genlab.errors import (InputError, check_array, check_choice, check_int, check_number,
                           check_seed, check_text)


def test_range_error_names_parameter_and_interval_in_both_languages():
    with pytest.raises(InputError) as info:
        check_number("top_p", 1.5, 0, 1, lo_open=True)
    err = info.value
    assert err.param == "top_p"
    assert "top_p" in str(err) and "(0, 1]" in str(err)
    assert "вне допустимого диапазона" in err.message("ru")


@pytest.mark.parametrize("bad", [math.nan, math.inf, "abc", None, True])
def test_non_numbers_rejected(bad):
    with pytest.raises(InputError, match="temperature"):
        check_number("temperature", bad, 0)


def test_integers():
    assert check_int("n", 3.0, 1, 16) == 3
    with pytest.raises(InputError, match="integer"):
        check_int("n", 2.5, 1, 16)


def test_text_and_choice():
    with pytest.raises(InputError, match="prompt"):
        check_text("prompt", "   ")
    with pytest.raises(InputError, match="limit of 5"):
        check_text("prompt", "x" * 6, max_chars=5)
    assert check_choice("scheduler", "ddim", ["ddim", "deis"]) == "ddim"
    with pytest.raises(InputError, match="deis"):
        check_choice("scheduler", "foo", ["ddim", "deis"])


def test_arrays():
    x = check_array("x", [[1, 2], [3, 4]], shape=(None, 2), min_rows=2)
    assert x.shape == (2, 2)
    with pytest.raises(InputError, match="NaN"):
        check_array("x", [[1, np.nan]])
    with pytest.raises(InputError, match="shape"):
        check_array("x", [[1, 2, 3]], shape=(None, 2))
    with pytest.raises(InputError, match="at least 2"):
        check_array("x", [[1, 2]], min_rows=2)


def test_seed():
    assert check_seed("seed", -1) is None
    assert check_seed("seed", 5) == 5
    with pytest.raises(InputError, match="seed"):
        check_seed("seed", 1.5)
