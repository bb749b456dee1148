"""One process or many: the same training and EM code under ``torchrun``.

``torchrun --nproc-per-node N genlab train ...`` starts N processes with RANK, WORLD_SIZE and
LOCAL_RANK in their environment; ``world()`` joins them into one process group (NCCL when CUDA
is there, gloo on the CPU) the first time it is called. Without torchrun it is a world of one
process and every function here does nothing, so single-process code pays nothing.
"""

from __future__ import annotations

import atexit
import functools
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class World:
    rank: int
    world_size: int
    local_rank: int
    device: str       # "cpu" or "cuda:<local_rank>"
    backend: str | None  # None for a world of one

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world_size > 1


@functools.lru_cache(maxsize=1)
def world() -> World:
    """This process's place in the run, initialising torch.distributed under torchrun."""
    size = int(os.environ.get("WORLD_SIZE", "1"))
    if size <= 1:
        return World(0, 1, 0, "cpu", None)
    import torch
    import torch.distributed as dist

    rank, local_rank = int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    cuda = torch.cuda.is_available()
    backend = "nccl" if cuda else "gloo"
    device = f"cuda:{local_rank}" if cuda else "cpu"
    if cuda:
        torch.cuda.set_device(local_rank)
    if not dist.is_initialized():
        dist.init_process_group(backend=backend)
        atexit.register(_leave, backend)
    return World(rank, size, local_rank, device, backend)


def _leave(backend: str) -> None:
    """At exit, wait for every process, then take the process group down: a process that left
    while another's gloo threads still talked to it was aborted ("terminate called without an
    active exception", exit code -6). A process that crashed is waited for 60 s at most."""
    import datetime

    import torch.distributed as dist

    if not dist.is_initialized():
        return
    try:
        if backend == "gloo":
            dist.monitored_barrier(timeout=datetime.timedelta(seconds=60))
        else:
            dist.barrier()
    except RuntimeError:
        pass  # another process is gone: nothing left to wait for
    dist.destroy_process_group()


def is_main() -> bool:
    """True on rank 0 (the one that writes checkpoints and shows progress) and in a world of one."""
    return world().is_main


def all_reduce_sum_(tensor):
    """Sum ``tensor`` over every process, in place; returns it. A no-op in a world of one."""
    if world().distributed:
        import torch.distributed as dist

        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
    return tensor


def broadcast_(tensor, src: int = 0):
    """Overwrite ``tensor`` with rank ``src``'s copy, in place; returns it."""
    if world().distributed:
        import torch.distributed as dist

        dist.broadcast(tensor, src=src)
    return tensor


def barrier() -> None:
    if world().distributed:
        import torch.distributed as dist

        dist.barrier()


def wrap_ddp(module):
    """``module`` wrapped in DistributedDataParallel when there are several processes, else itself."""
    if not world().distributed:
        return module
    from torch.nn.parallel import DistributedDataParallel

    w = world()
    return DistributedDataParallel(module, device_ids=[w.local_rank] if w.device.startswith("cuda") else None)


def rank_slice(n: int, rank: int | None = None, world_size: int | None = None) -> slice:
    """This rank's contiguous share of ``n`` items (the first ``n % world_size`` ranks get one more);
    ``rank`` and ``world_size`` default to this process's."""
    if rank is None or world_size is None:
        rank, world_size = world().rank, world().world_size
    base, extra = divmod(n, world_size)
    start = rank * base + min(rank, extra)
    return slice(start, start + base + (1 if rank < extra else 0))


def all_reduce_sum_array(array):
    """A NumPy array summed over every process, as a new float64 array (``array`` itself in a
    world of one). Through the process group's device: NCCL reduces only CUDA tensors."""
    w = world()
    if not w.distributed:
        return array
    import numpy as np
    import torch

    tensor = torch.from_numpy(np.array(array, dtype=np.float64)).to(w.device)
    return all_reduce_sum_(tensor).cpu().numpy()


def shared_seed(seed: int | None) -> int:
    """``seed``, or for None / -1 a random seed drawn on rank 0: the same on every process."""
    from genlab.seeding import resolve_seed

    seed = resolve_seed(seed)
    w = world()
    if w.distributed:
        import torch

        tensor = torch.tensor([seed], dtype=torch.int64, device=w.device)
        seed = int(broadcast_(tensor).item())
    return seed


def global_batch_norm(module):
    """``module`` with every ``BatchNorm*d`` computing its training statistics over the global
    batch (the slices of all processes together), as one process computes them over the whole
    batch: ``torch.nn.SyncBatchNorm``'s job, which runs on GPUs only; this one runs on gloo too.
    The module itself in a world of one. Weights and state_dict keys are unchanged."""
    if not world().distributed:
        return module
    import torch

    for name, child in module.named_children():
        if isinstance(child, torch.nn.modules.batchnorm._BatchNorm):
            like = child.weight if child.affine else child.running_mean
            factory = {} if like is None else {"device": like.device, "dtype": like.dtype}
            new = _global_batch_norm_class()(child.num_features, child.eps, child.momentum,
                                              child.affine, child.track_running_stats, **factory)
            new.load_state_dict(child.state_dict())
            new.train(child.training)
            setattr(module, name, new)
        else:
            global_batch_norm(child)
    return module


@functools.lru_cache(maxsize=1)
def _global_batch_norm_class():
    import torch
    import torch.distributed as dist

    class _Sum(torch.autograd.Function):
        """all_reduce(SUM) with its gradient: the gradient of a sum over processes is the sum
        of every process's gradient."""

        @staticmethod
        def forward(ctx, tensor):
            tensor = tensor.clone()
            dist.all_reduce(tensor)
            return tensor

        @staticmethod
        def backward(ctx, grad):
            grad = grad.clone()
            dist.all_reduce(grad)
            return grad

    all_reduce = _Sum.apply

    class GlobalBatchNorm(torch.nn.modules.batchnorm._BatchNorm):
        """Batch norm over the global batch: the per-channel sum and the sum of squared deviations
        are all-reduced differentiably (their backward all-reduces the gradients), so forward and
        backward are those of one batch norm over all the processes' rows."""

        def _check_input_dim(self, x):
            if x.dim() < 2:
                raise ValueError(f"expected at least 2D input (got {x.dim()}D input)")

        def forward(self, x):
            if not self.training:
                return super().forward(x)
            dims = [0, *range(2, x.dim())]
            shape = [1, -1] + [1] * (x.dim() - 2)
            count = torch.tensor([x.numel() / x.shape[1]], dtype=x.dtype, device=x.device)
            dist.all_reduce(count)
            n = count.item()
            mean = all_reduce(x.sum(dims)) / n
            centred = x - mean.view(shape)
            var = all_reduce((centred * centred).sum(dims)) / n       # biased, for normalising
            if self.track_running_stats:
                with torch.no_grad():
                    self.num_batches_tracked.add_(1)
                    m = self.momentum if self.momentum is not None else 1.0 / self.num_batches_tracked.item()
                    self.running_mean.lerp_(mean, m)
                    self.running_var.lerp_(var * n / max(n - 1, 1), m)  # unbiased, as BatchNorm keeps
            out = centred * torch.rsqrt(var + self.eps).view(shape)
            if self.affine:
                out = out * self.weight.view(shape) + self.bias.view(shape)
            return out

    return GlobalBatchNorm
