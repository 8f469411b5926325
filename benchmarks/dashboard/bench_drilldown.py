"""Drill-down response times of the dashboard on the demo region (prints markdown).

    .venv/bin/python benchmarks/dashboard/bench_drilldown.py [--db URL] [--units N]

Without ``--db`` a temporary SQLite store is seeded with the demo region (or a sized
region with ``--units``) and plan runs built to the contract (tests/dashboard/seed.py).
Measured: the page callbacks as plain functions (what one drill-down click costs on the
server) along the path region → … → unit, cold (first touch after a store change) and warm,
and the same callbacks through HTTP (Flask test client, JSON in/out) for the tactical page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=None)
    ap.add_argument("--units", type=int, default=None, help="sized region instead of demo")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    from pks.dashboard.access import LOCAL_USER
    from pks.dashboard.data import DataService
    from pks.dashboard.pages.operative import operative_view
    from pks.dashboard.pages.strategic import strategic_view
    from pks.dashboard.pages.tactical import tactical_view
    from pks.dashboard.settings import DashboardSettings

    tmp = tempfile.mkdtemp(prefix="pks-bench-")
    db = args.db
    t0 = time.perf_counter()
    if db is None:
        from tests.dashboard.seed import seed_store

        db = f"sqlite:///{tmp}/pks.db"
        seed_store(db, args.units)
    seed_s = time.perf_counter() - t0
    settings = DashboardSettings(db_url=db, model_dir=str(REPO / "models" / "demo_region"),
                                 cache_dir=f"{tmp}/cache", cache_ttl_s=3600)
    svc = DataService(settings)
    t0 = time.perf_counter()
    snap = svc.snapshot()
    load_s = time.perf_counter() - t0
    tree = snap.tree
    unit = snap.unit_ids[len(snap.unit_ids) // 2]
    path = tree.path(unit)

    views = {
        "operative": lambda n: operative_view(svc, LOCAL_USER, n, None, "base", "unit", "sv"),
        "tactical (week)": lambda n: tactical_view(svc, LOCAL_USER, n, "base", "week", None,
                                                   "unit", "sv"),
        "tactical (month)": lambda n: tactical_view(svc, LOCAL_USER, n, "base", "month", None,
                                                    "unit", "sv"),
        "strategic": lambda n: strategic_view(svc, LOCAL_USER, n, ["base", "region_growth"],
                                              "unit", "sv"),
    }
    rows = []
    for name, fn in views.items():
        t0 = time.perf_counter()
        fn(path[0])
        cold = time.perf_counter() - t0
        per_node = []
        for n in path:
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                fn(n)
                times.append(time.perf_counter() - t0)
            per_node.append(statistics.median(times))
        rows.append((name, cold, statistics.median(per_node), max(per_node)))

    # HTTP: the page layouts through the Flask test client
    from pks.dashboard.app import create_app

    app = create_app(settings)
    client = app.server.test_client()
    client.get("/")
    http = []
    for page in ("/operativ", "/taktisk", "/strategisk"):
        times = []
        for n in path:
            t0 = time.perf_counter()
            r = client.post("/_dash-update-component", json=_layout_request(page, n))
            assert r.status_code == 200, r.status_code
            times.append(time.perf_counter() - t0)
        http.append((page, statistics.median(times), max(times)))

    print(f"## Dashboard drill-down on {len(snap.unit_ids)} units "
          f"({len(tree.nodes)} nodes, path depth {len(path) - 1})\n")
    print(f"- seeding the store: {seed_s:.1f} s; first snapshot load: {load_s:.2f} s\n")
    print("| callback | cold, region (s) | warm median over path (s) | warm max (s) |")
    print("|---|---:|---:|---:|")
    for name, cold, med, mx in rows:
        print(f"| {name} | {cold:.2f} | {med:.3f} | {mx:.3f} |")
    print("\n| page layout via HTTP | median over path (s) | max (s) |")
    print("|---|---:|---:|")
    for page, med, mx in http:
        print(f"| {page} | {med:.3f} | {mx:.3f} |")


def _layout_request(page: str, node: str) -> dict[str, object]:
    """The request Dash Pages sends to render a page for a URL (path + query)."""
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": page},
                   {"id": "_pages_location", "property": "search", "value": f"?node={node}"}],
        "changedPropIds": ["_pages_location.pathname"], "state": [],
    }


if __name__ == "__main__":
    main()
