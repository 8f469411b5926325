"""Dashboard response times under load: 4 concurrent users while plans are written.

    .venv/bin/python benchmarks/dashboard/bench_load.py [--users 4] [--seconds 60]

Seeds a temporary SQLite store with the demo region and plan runs (tests/dashboard/seed.py),
serves the real app with werkzeug (threaded) on a free loopback port, and lets ``--users``
threads render pages over HTTP (``POST /_dash-update-component``, the request Dash Pages
sends for a URL: the page's callbacks compute its tables for the node) for the operative,
tactical and strategic pages along the drill path region → … → unit, in turn, without
pause. Meanwhile a writer thread saves a new tactical plan run to the store every
``--write-every`` seconds (a re-plan landing), so each new run id is read once and then
served from the cache keyed by run id. Prints p50/p95/max of the request latencies (wall
seconds) and the load. Not run by the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

PAGES = ("/operativ", "/taktisk", "/strategisk")


def _request(page: str, node: str) -> bytes:
    body = {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"},
                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": page},
                       {"id": "_pages_location", "property": "search",
                        "value": f"?node={node}"}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}
    return json.dumps(body).encode()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--write-every", type=float, default=5.0)
    a = ap.parse_args()

    from werkzeug.serving import make_server

    from pks.dashboard.app import create_app
    from pks.dashboard.settings import DashboardSettings
    from pks.data.store import Store
    from pks.data.weeks import weeks_of_year
    from tests.browser import free_port
    from tests.dashboard.seed import YEAR, plan_tables, seed_store

    tmp = tempfile.mkdtemp(prefix="pks-load-")
    db = f"sqlite:///{tmp}/pks.db"
    store, data = seed_store(db, None)
    store.close()
    port = free_port()
    settings = DashboardSettings(db_url=db, model_dir=str(REPO / "models" / "demo_region"),
                                 cache_dir=f"{tmp}/cache", port=port)
    app = create_app(settings)
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{port}/_dash-update-component"
    svc = app.server.config["PKS_DATA_SERVICE"]
    snap = svc.snapshot()
    unit = snap.unit_ids[len(snap.unit_ids) // 2]
    path = snap.tree.path(unit)

    def call(page: str, node: str) -> float:
        req = urllib.request.Request(url, data=_request(page, node),
                                     headers={"Content-Type": "application/json"})
        t0 = time.perf_counter()
        with urllib.request.urlopen(req, timeout=120) as r:
            r.read()
            assert r.status == 200
        return time.perf_counter() - t0

    for page in PAGES:  # first touch of each page (cold caches) is not part of the load
        for n in path:
            call(page, n)
    stop = threading.Event()
    lat: list[float] = []
    writes: list[float] = []
    lock = threading.Lock()

    def user(k: int) -> None:
        i = k
        while not stop.is_set():
            page = PAGES[i % len(PAGES)]
            node = path[(i // len(PAGES)) % len(path)]
            s = call(page, node)
            with lock:
                lat.append(s)
            i += 1

    def writer() -> None:
        w = Store.open(db)
        tables = plan_tables(data, weeks_of_year(YEAR))
        while not stop.wait(a.write_every):
            t0 = time.perf_counter()
            w.save_run("plan", tables, scenario="base", level="tactical", status="draft",
                       note="load benchmark")
            writes.append(time.perf_counter() - t0)
        w.close()

    threads = [threading.Thread(target=user, args=(k,)) for k in range(a.users)]
    threads.append(threading.Thread(target=writer))
    cpu0, t0 = time.process_time(), time.perf_counter()
    for th in threads:
        th.start()
    time.sleep(a.seconds)
    stop.set()
    for th in threads:
        th.join()
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    server.shutdown()
    q = statistics.quantiles(lat, n=100)
    print(f"<!-- demo region {len(snap.unit_ids)} units, {a.users} users, {wall:.0f} s, "
          f"{len(writes)} plan writes (median {statistics.median(writes or [0]):.2f} s), "
          f"process CPU {cpu:.0f} s, load avg {os.getloadavg()[0]:.1f} at end -->")
    print("| requests | p50 s | p95 s | max s |")
    print("|---:|---:|---:|---:|")
    print(f"| {len(lat)} | {q[49]:.3f} | {q[94]:.3f} | {max(lat):.3f} |")


if __name__ == "__main__":
    main()
