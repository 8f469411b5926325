"""A local Dask cluster (no ``--scheduler``) listens on loopback only, dashboard included."""

from __future__ import annotations

from urllib.parse import urlparse

import psutil
import pytest

from pks.simulate.executor import DaskExecutor


@pytest.mark.slow
def test_local_dask_cluster_binds_loopback_only() -> None:
    ex = DaskExecutor()  # no address: a private local cluster
    try:
        cluster = ex.client.cluster
        assert urlparse(cluster.scheduler_address).hostname == "127.0.0.1"
        assert urlparse(cluster.dashboard_link).hostname == "127.0.0.1"
        workers = ex.client.scheduler_info()["workers"]
        assert workers and all(urlparse(w).hostname == "127.0.0.1" for w in workers)
        assert ex.client.submit(pow, 3, 2).result() == 9
        # every listening socket of this process and its workers is on loopback
        me = psutil.Process()
        pids = {me.pid, *(c.pid for c in me.children(recursive=True))}
        listening = [c for c in psutil.net_connections(kind="inet")
                     if c.status == psutil.CONN_LISTEN and c.pid in pids]
        assert listening
        assert all(c.laddr.ip in ("127.0.0.1", "::1") for c in listening), listening
    finally:
        ex.close()
