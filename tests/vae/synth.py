"""Skip a test that needs a speech synthesiser where it is missing, except under CI=true."""

import os

import pytest


def require_espeak():
    from genlab.data.speech import espeak_available

    if espeak_available():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("espeak-ng is missing under CI=true: .ci/run must install it")
    pytest.skip("espeak-ng makes the speech (apt-get install espeak-ng)")
