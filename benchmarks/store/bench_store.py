"""Benchmark the data layer: validation, SQLite (WAL) / PostgreSQL writes and reads.

Usage::

    .venv/bin/python benchmarks/store/bench_store.py [--sizes demo,150,400]
        [--pg postgresql+psycopg://user@127.0.0.1:5432/db]

``demo`` reads ``data/demo_region``; a number ``n`` generates ``sized_spec(n, 5)``
(``pks.demo``). Phases, each in CPU seconds of this process
(``time.process_time``) and wall seconds: ``validate`` (all checks on the canonical
frames), ``write`` (``Store.write_inputs``: validation again, coercion, checksum, one
transaction of bulk inserts), ``read`` (``Store.read_inputs``), ``checksum``. Prints a
markdown table. Each size uses a fresh SQLite file in a temporary folder.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - c0, time.perf_counter() - w0


def _data(size: str) -> Any:
    if size == "demo":
        from pks.data.io import read_csv_folder

        return read_csv_folder(ROOT / "data" / "demo_region")
    from pks.demo import generate_region, sized_spec

    return generate_region(sized_spec(int(size), 5), seed=1)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="demo,150")
    ap.add_argument("--pg", default="", help="PostgreSQL URL of an empty database")
    args = ap.parse_args(argv)

    from pks.data.checks import validate
    from pks.data.store import Store, input_checksum_of

    rows_out = []
    for size in args.sizes.split(","):
        data = _data(size)
        n_rows = sum(len(df) for df in data.tables().values())
        _, cpu_v, wall_v = _timed(lambda d=data: validate(d.tables()))
        targets = [("sqlite", None)] + ([("postgresql", args.pg)] if args.pg else [])
        for backend, url in targets:
            with tempfile.TemporaryDirectory() as tmp:
                store = Store.open(url or f"sqlite:///{tmp}/bench.db")
                _, cpu_w, wall_w = _timed(lambda s=store, d=data: s.write_inputs(d, "bench"))
                back, cpu_r, wall_r = _timed(store.read_inputs)
                _, cpu_c, wall_c = _timed(lambda b=back: input_checksum_of(b))
                store.close()
            rows_out.append((size, backend, n_rows, cpu_v, wall_v, cpu_w, wall_w, cpu_r, wall_r,
                             cpu_c, wall_c))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("| size | backend | rows | validate cpu/wall s | write cpu/wall s | "
          "read cpu/wall s | checksum cpu/wall s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in rows_out:
        print(f"| {r[0]} | {r[1]} | {r[2]:,} | {r[3]:.2f} / {r[4]:.2f} | {r[5]:.2f} / {r[6]:.2f} "
              f"| {r[7]:.2f} / {r[8]:.2f} | {r[9]:.2f} / {r[10]:.2f} |")
    print(f"\npeak RSS {peak_mb:.0f} MB; Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
