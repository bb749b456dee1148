"""Where the CPU work runs."""

from __future__ import annotations

import contextlib


@contextlib.contextmanager
def one_thread():
    """Run small models on one torch thread, then restore the previous setting.

    Measured on the 2-core machine: with two intra-op threads, tiny MLP steps and small UNet
    sampling run 3-25x slower than on one (the threads wait for each other and for the server).
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
