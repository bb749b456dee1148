import os
import sys
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
# tests import their shared helpers (contract.py, browser.py) as top-level modules
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def app_server():
    """One ``genlab serve`` for the whole browser-test session (default language en)."""
    from browser import require_chromium, running_server

    require_chromium()
    with running_server("en") as base:
        yield base
