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


def run_two(script):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    procs = []
    for rank in range(2):
        env = {**os.environ, "RANK": str(rank), "LOCAL_RANK": str(rank), "WORLD_SIZE": "2",
               "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "OMP_NUM_THREADS": "1"}
        procs.append(subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True))
    outs = [p.communicate(timeout=120)[0].split() for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    return outs


def test_two_gloo_processes_sum_and_broadcast(tmp_path):
    outs = run_two(SCRIPT)
    assert outs[0][:8] == ["0", "2", "3.0", "1.0", "0", "4", "2.0", "2.0"]
    assert outs[1][:8] == ["1", "2", "3.0", "1.0", "4", "7", "2.0", "2.0"]
    assert outs[0][8:] == outs[1][8:] and outs[0][9] == "7"  # a random seed drawn once, shared


BATCH_NORM = textwrap.dedent("""
    import torch
    from genlab import distributed
    w = distributed.world()
    torch.manual_seed(0)
    x = torch.randn(10, 3, 4, 4, dtype=torch.float64)   # the global batch; ranks 6 + 4 rows
    weight = torch.randn(10, 3, 4, 4, dtype=torch.float64)
    one = torch.nn.BatchNorm2d(3, affine=True).double()
    with torch.no_grad():
        one.weight.uniform_(0.5, 1.5)
        one.bias.uniform_(-1, 1)
    mine = distributed.global_batch_norm(torch.nn.Sequential(torch.nn.Identity(), one))
    xs = slice(0, 6) if w.rank == 0 else slice(6, 10)
    ref = torch.nn.BatchNorm2d(3, affine=True).double()
    ref.load_state_dict(one.state_dict())
    xa, xb = x.clone().requires_grad_(), x[xs].clone().requires_grad_()
    out_ref, out_mine = ref(xa), mine(xb)
    (out_ref * weight).sum().backward()
    (out_mine * weight[xs]).sum().backward()
    grad_w = mine[1].weight.grad.clone()
    distributed.all_reduce_sum_(grad_w)   # what DDP does with parameter gradients (as a sum)
    ok = [torch.allclose(out_mine, out_ref[xs]),
          torch.allclose(xb.grad, xa.grad[xs]), torch.allclose(grad_w, ref.weight.grad),
          torch.allclose(mine[1].running_var, ref.running_var), type(mine[1]).__name__ == "GlobalBatchNorm"]
    print(*ok, flush=True)
""")


def test_global_batch_norm_is_one_batch_norm_over_all_processes():
    outs = run_two(BATCH_NORM)
    assert outs == [["True"] * 5] * 2
