"""Where the CPU work runs."""

from __future__ import annotations

import contextlib


def use_threads(n: int) -> None:
    """From now on, run torch and every BLAS and OpenMP pool of this process (NumPy's, SciPy's,
    scikit-learn's) on ``n`` threads: a server's setting, where heavy jobs already run side by side.

    Measured on the 2-core machine with one other busy process: an EM iteration that takes 1.6 ms
    on one BLAS thread took 330-350 ms on two, because each small matrix product waits for its
    second thread to get a core.
    """
    import scipy.linalg  # noqa: F401  loads SciPy's own BLAS, so that the limit reaches it too
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(n)
    threadpool_limits(limits=n)  # not a with-block: the limit stays for the process's lifetime


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
