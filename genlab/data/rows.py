"""The rows of a data matrix, read a block at a time, and one process's shard of them.

A data set larger than memory is a file that no process loads whole: a ``.npy`` file is memory-
mapped and each block of rows is read when it is needed; a Parquet file is read one row group at
a time, and a process opens only the row groups of its own shard. Under ``torchrun`` each of the
W processes holds a contiguous shard of the rows (``genlab.distributed.rank_slice``; Parquet:
whole row groups, balanced by row count), so statistics summed per shard and all-reduced are
the statistics of the whole file.

    rows = open_rows("data.npy", rank=0, world_size=1)   # Rows: n_total, start, n, dim
    for block in rows.blocks(4096): ...                   # (b, d) float64, in file order
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from genlab.distributed import rank_slice, world
from genlab.errors import InputError

FORMATS = (".npy", ".parquet", ".csv")


class Rows:
    """Rows ``[start, start + n)`` of an ``(n_total, dim)`` matrix, readable in blocks; ``param``
    is the data's name as the user gave it (errors about the data name it)."""

    param = "X"
    dtype = np.dtype(np.float64)

    def __init__(self, n_total: int, start: int, n: int, dim: int):
        self.n_total, self.start, self.n, self.dim = int(n_total), int(start), int(n), int(dim)

    def blocks(self, size: int):
        """Consecutive (b, dim) float arrays, b <= size, covering this shard's rows in order."""
        raise NotImplementedError

    def take(self, local_rows: np.ndarray) -> np.ndarray:
        """The rows at the given sorted local indices (0 <= i < n), shape (len, dim)."""
        out = np.empty((len(local_rows), self.dim))
        done, offset = 0, 0
        for block in self.blocks(65536):
            hit = local_rows[(local_rows >= offset) & (local_rows < offset + len(block))]
            out[done: done + len(hit)] = block[hit - offset]
            done += len(hit)
            offset += len(block)
        return out


class ArrayRows(Rows):
    """Rows ``[start, stop)`` of an array in memory or memory-mapped (a memmap reads only the
    blocks asked for)."""

    def __init__(self, x: np.ndarray, start: int = 0, stop: int | None = None, dtype=None,
                 param: str = "X"):
        stop = len(x) if stop is None else stop
        super().__init__(len(x), start, stop - start, x.shape[1])
        self.x, self.param = x, param
        self.dtype = np.dtype(dtype or (x.dtype if x.dtype in (np.float32, np.float64) else np.float64))

    def blocks(self, size: int):
        end = self.start + self.n
        for s in range(self.start, end, size):
            yield np.asarray(self.x[s: min(s + size, end)], dtype=self.dtype)

    def take(self, local_rows: np.ndarray) -> np.ndarray:
        return np.asarray(self.x[self.start + np.asarray(local_rows)], dtype=self.dtype)


class ParquetRows(Rows):
    """The numeric columns of a Parquet file's row groups ``groups`` (only those are ever read)."""

    def __init__(self, path: Path, groups: list[int], param: str = "--data"):
        import pyarrow.parquet as pq

        self.path, self.file, self.groups, self.param = Path(path), pq.ParquetFile(path), groups, param
        for field in self.file.schema_arrow:  # checked on every process, before any collective
            _check_numeric(field.type, field.name, param)
        meta = self.file.metadata
        sizes = [meta.row_group(g).num_rows for g in range(meta.num_row_groups)]
        start = sum(sizes[: groups[0]]) if groups else sum(sizes)
        super().__init__(sum(sizes), start, sum(sizes[g] for g in groups), meta.num_columns)

    def blocks(self, size: int):
        for g in self.groups:
            try:  # a row group is read only now: a corrupt page is found here, not when opened
                table = self.file.read_row_group(g)
            except Exception as err:  # noqa: BLE001 - pyarrow says it as OSError or ArrowInvalid
                raise unreadable(self.param, self.path.name, err) from None
            # nulls become NaN, which the first pass over the data refuses
            block = np.column_stack([c.to_numpy(zero_copy_only=False).astype(np.float64)
                                     for c in table.columns])
            for s in range(0, len(block), size):
                yield block[s: s + size]


def unreadable(param: str, name: str, err: Exception) -> InputError:
    """A corrupt or truncated file: one line naming it and what its reader said."""
    reason = " ".join(f"{name}: {type(err).__name__}: {err}".split())  # a library's message may span lines
    return InputError(param, "bad_file", reason=reason[:300])


def _check_numeric(dtype, name: str, param: str) -> None:
    import pyarrow as pa

    if not (pa.types.is_integer(dtype) or pa.types.is_floating(dtype)):
        raise InputError(param, "column_not_numbers", name=repr(name), dtype=dtype)


def _parquet_groups(file, rank: int, world_size: int) -> list[int]:
    """Whole row groups per rank, contiguous and balanced by row count (by each group's middle row)."""
    meta = file.metadata
    sizes = np.array([meta.row_group(g).num_rows for g in range(meta.num_row_groups)])
    middles = np.cumsum(sizes) - sizes / 2
    owner = np.minimum((middles * world_size / max(1, sizes.sum())).astype(int), world_size - 1)
    return [int(g) for g in np.flatnonzero(owner == rank)]


def _read_csv(path: Path, param: str) -> np.ndarray:
    """A CSV of numbers, with or without one header line."""
    with open(path, encoding="utf-8", errors="replace") as f:
        first = f.readline()
    try:
        [float(v) for v in first.split(",")]
        header = 0
    except ValueError:
        header = 1
    try:
        return np.loadtxt(path, delimiter=",", skiprows=header, ndmin=2, dtype=np.float64)
    except ValueError as err:
        raise InputError(param, "csv_not_numbers", file=path.name, reason=err) from None


def open_rows(path, *, rank: int | None = None, world_size: int | None = None, param: str = "--data") -> Rows:
    """This rank's shard of the data file ``path`` (.npy memory-mapped, .parquet by row groups,
    .csv read whole); rank and world size default to this process's (``genlab.distributed``).
    Errors name ``param``: a missing or unreadable file, a shape that is not
    (n, d), columns that are not numbers."""
    if rank is None or world_size is None:
        w = world()
        rank, world_size = w.rank, w.world_size
    path = Path(path)
    if not path.is_file():
        raise InputError(param, "no_such_file", name=path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(param, "data_format", file=path.name, formats=", ".join(FORMATS))
    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return ParquetRows(path, _parquet_groups(pq.ParquetFile(path), rank, world_size), param)
        x = _read_csv(path, param) if suffix == ".csv" else np.load(path, mmap_mode="r", allow_pickle=False)
    except InputError:
        raise
    except ImportError:
        raise InputError(param, "parquet_needs_pyarrow") from None
    except Exception as err:  # a corrupt or truncated file: say so, do not show a traceback
        raise unreadable(param, path.name, err) from None
    if x.ndim != 2 or x.shape[1] == 0:
        raise InputError(param, "bad_shape", expected="(n, d)", got=str(tuple(x.shape)))
    if not (np.issubdtype(x.dtype, np.floating) or np.issubdtype(x.dtype, np.integer)):
        raise InputError(param, "file_not_numbers", file=path.name, dtype=x.dtype)
    share = rank_slice(len(x), rank, world_size)
    return ArrayRows(x, share.start, share.stop, dtype=np.float64, param=param)
