import os
import sys
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
# Test files import their helpers (contract.py, browser.py, tiny_qwen.py, ...) as top-level
# modules; pytest runs in importlib mode (test files share basenames across folders), so the
# folders that hold such helpers go on sys.path here. Helper names are unique across folders.
_TESTS = Path(__file__).resolve().parent
sys.path[:0] = [str(_TESTS)] + sorted(str(d) for d in _TESTS.iterdir()
                                      if d.is_dir() and not d.name.startswith((".", "_")))

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def app_server():
    """One ``genlab serve`` for the whole browser-test session (default language en)."""
    from browser import require_chromium, running_server

    require_chromium()
    with running_server("en") as base:
        yield base
