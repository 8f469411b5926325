"""One executor abstraction for replications and scenario batches: local, processes or Dask.

Every task is ``fn(shared[i], item)`` where ``shared`` is a list of large read-only objects
(the SimParams of each plan) sent once to each worker, and ``item = (i, replication)``.
Because a replication's random numbers depend only on (seed, replication, ids), the results
do not depend on the executor or the order of execution: sequential equals parallel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Protocol

Progress = Callable[[int, int], None]
"""Callback ``progress(done, total)``."""
OnResult = Callable[[int, Any], None]
"""Callback ``on_result(k, result)`` for item ``k`` as soon as it finishes (e.g. to store it)."""
Task = Callable[[Any, Any], Any]


class Executor(Protocol):
    """Runs ``fn(shared[i], (i, rep))`` for every item and returns the results in item order."""

    def run(self, fn: Task, shared: Sequence[Any], items: Sequence[tuple[int, int]],
            progress: Progress | None = None, on_result: OnResult | None = None) -> list[Any]:
        """Run all items; call ``on_result`` and ``progress`` as they finish."""
        ...

    def close(self) -> None:
        """Release resources (workers, clients)."""
        ...


class LocalExecutor:
    """Sequential, in this process (the default)."""

    def run(self, fn: Task, shared: Sequence[Any], items: Sequence[tuple[int, int]],
            progress: Progress | None = None, on_result: OnResult | None = None) -> list[Any]:
        """Run all items in order."""
        out = []
        for n, it in enumerate(items, 1):
            out.append(fn(shared[it[0]], it))
            if on_result:
                on_result(n - 1, out[-1])
            if progress:
                progress(n, len(items))
        return out

    def close(self) -> None:
        """Nothing to release."""


_WORKER_SHARED: Sequence[Any] = ()


def _init_worker(shared: Sequence[Any]) -> None:
    global _WORKER_SHARED
    _WORKER_SHARED = shared


def _call_in_worker(fn: Task, item: tuple[int, int]) -> Any:
    return fn(_WORKER_SHARED[item[0]], item)


class ProcessExecutor:
    """Local worker processes (``concurrent.futures``); ``shared`` is sent once per worker."""

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers

    def run(self, fn: Task, shared: Sequence[Any], items: Sequence[tuple[int, int]],
            progress: Progress | None = None, on_result: OnResult | None = None) -> list[Any]:
        """Run all items on the pool."""
        out: list[Any] = [None] * len(items)
        with ProcessPoolExecutor(self.workers, initializer=_init_worker,
                                 initargs=(list(shared),)) as pool:
            futs = {pool.submit(_call_in_worker, fn, it): i for i, it in enumerate(items)}
            for n, f in enumerate(as_completed(futs), 1):
                out[futs[f]] = f.result()
                if on_result:
                    on_result(futs[f], out[futs[f]])
                if progress:
                    progress(n, len(items))
        return out

    def close(self) -> None:
        """Nothing kept between runs."""


class DaskExecutor:
    """A Dask cluster: ``DaskExecutor(address="tcp://host:8786")`` or an existing ``client``."""

    def __init__(self, address: str | None = None, client: Any | None = None) -> None:
        from dask.distributed import Client

        self._own = client is None
        self._cluster: Any | None = None
        if client is None and not address:
            self._cluster = local_cluster()
            client = Client(self._cluster)
        self.client = client if client is not None else Client(address)

    def run(self, fn: Task, shared: Sequence[Any], items: Sequence[tuple[int, int]],
            progress: Progress | None = None, on_result: OnResult | None = None) -> list[Any]:
        """Scatter ``shared`` once, submit every item, gather in item order."""
        from dask.distributed import as_completed as dask_completed

        handles = [self.client.scatter(s, broadcast=True) for s in shared]
        futs = [self.client.submit(fn, handles[it[0]], it, pure=False) for it in items]
        index = {f.key: i for i, f in enumerate(futs)}
        out: list[Any] = [None] * len(items)
        for n, f in enumerate(dask_completed(futs), 1):
            out[index[f.key]] = f.result()
            if on_result:
                on_result(index[f.key], out[index[f.key]])
            if progress:
                progress(n, len(items))
        return out

    def close(self) -> None:
        """Close the client (and the local cluster) if this executor opened them."""
        if self._own:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()


LOOPBACK_HOST = "127.0.0.1"
"""A local Dask cluster binds here only: scheduler, workers and diagnostics dashboard."""


def local_cluster(n_workers: int = 1, processes: bool = True) -> Any:
    """A Dask ``LocalCluster`` reachable from this machine only.

    Scheduler and workers listen on 127.0.0.1, and the diagnostics dashboard on
    127.0.0.1 at a free port (Dask's default, ``:8787``, listens on every interface).
    """
    from dask.distributed import LocalCluster

    return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=processes,
                        host=LOOPBACK_HOST, dashboard_address=f"{LOOPBACK_HOST}:0")


def make_executor(scheduler: str | None = None, workers: int = 1) -> Executor:
    """Dask when given a scheduler address, local processes when ``workers > 1``, else local."""
    if scheduler:
        return DaskExecutor(address=scheduler)
    if workers > 1:
        return ProcessExecutor(workers)
    return LocalExecutor()
