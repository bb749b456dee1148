"""genlab.distributed: a world of one without torchrun; real collectives with two gloo processes."""

import os
import socket
import subprocess
import sys
import textwrap

import numpy as np
import torch

from genlab import distributed


def test_world_of_one_does_nothing():
    w = distributed.world()
    assert (w.rank, w.world_size, w.is_main, w.distributed) == (0, 1, True, False)
    t = torch.ones(3)
    assert distributed.all_reduce_sum_(t) is t and torch.equal(t, torch.ones(3))
    module = torch.nn.Linear(2, 2)
    assert distributed.wrap_ddp(module) is module
    assert distributed.rank_slice(10) == slice(0, 10)
    assert distributed.rank_slice(7, rank=1, world_size=2) == slice(4, 7)
    a = np.ones(2)
    assert distributed.all_reduce_sum_array(a) is a and distributed.shared_seed(5) == 5
    assert 0 <= distributed.shared_seed(-1) < 2**31


SCRIPT = textwrap.dedent("""
    import numpy as np
    import torch
    from genlab import distributed
    w = distributed.world()
    t = torch.tensor([float(w.rank + 1)])
    distributed.all_reduce_sum_(t)
    b = torch.tensor([float(w.rank)])
    distributed.broadcast_(b, src=1)
    s = distributed.rank_slice(7)
    a = distributed.all_reduce_sum_array(np.array([w.rank + 0.5, 1.0]))
    seeds = [distributed.shared_seed(-1), distributed.shared_seed(7)]
    print(w.rank, w.world_size, t.item(), b.item(), s.start, s.stop, a[0], a[1], *seeds, flush=True)
""")


def test_two_gloo_processes_sum_and_broadcast(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    procs = []
    for rank in range(2):
        env = {**os.environ, "RANK": str(rank), "LOCAL_RANK": str(rank), "WORLD_SIZE": "2",
               "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "OMP_NUM_THREADS": "1"}
        procs.append(subprocess.Popen([sys.executable, "-c", SCRIPT], env=env, stdout=subprocess.PIPE, text=True))
    outs = [p.communicate(timeout=120)[0].split() for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert outs[0][:8] == ["0", "2", "3.0", "1.0", "0", "4", "2.0", "2.0"]
    assert outs[1][:8] == ["1", "2", "3.0", "1.0", "4", "7", "2.0", "2.0"]
    assert outs[0][8:] == outs[1][8:] and outs[0][9] == "7"  # a random seed drawn once, shared
