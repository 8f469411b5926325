"""``pks sweep``: run many scenarios through forecast, strategic plan and simulation.

Exit codes: 0 success; 1 invalid spec or configuration (every problem listed, nothing
run); 2 usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from pks.cli.common import DEFAULT_MODEL_DIR, DbOpt, LangOpt, ModelOpt, fail, open_store
from pks.cli.common import parse_lang as _lang
from pks.i18n import format_number, t
from pks.types import Language

PERCENT_COLUMNS = ("agency_share_pu", "guarantee_probability_pu")


def comparison_lines(df: pd.DataFrame, lang: Language) -> list[str]:
    """The comparison table as aligned text lines with human column names."""
    cols = [c for c in df.columns if c != "status" or (df["status"] != "optimal").any()]
    head = []
    for c in cols:
        if c.startswith("fte_"):
            head.append(t("sweep.col.fte", lang, category=c[len("fte_"):]))
        else:
            head.append(t(f"sweep.col.{c}", lang))

    def cell(c: str, v: object) -> str:
        if isinstance(v, float):
            if c in PERCENT_COLUMNS:
                return format_number(100 * v, lang, 1)
            return format_number(v, lang, 1)
        return str(v)

    rows = [[cell(c, r[c]) for c in cols] for _, r in df.iterrows()]
    widths = [max(len(h), *(len(x[i]) for x in rows)) if rows else len(h)
              for i, h in enumerate(head)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return [fmt(head), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)]


def sweep_cmd(
    spec: Annotated[Path | None, typer.Argument(
        help="YAML file: 'scenarios:' name → overrides (as in scenarios.yaml).")] = None,
    grid: Annotated[list[str] | None, typer.Option(
        "--grid", "-g", help="key=v1,v2 (repeatable): every combination is a scenario. Keys: "
        "population, guarantee, frame_level, efficiency, agency or a dotted config path.")
    ] = None,
    base: Annotated[str, typer.Option("--base", "-s", help="Scenario the sweep starts from.")
                    ] = "base",
    replications: Annotated[int, typer.Option("--replications", "-n", min=1,
                                              help="Simulation replications per scenario.")
                            ] = 10,
    workers: Annotated[int, typer.Option("--workers", help="Local worker processes.")] = 1,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Also write the comparison "
                                             "to a CSV folder or an .xlsx file.")] = None,
    model: ModelOpt = DEFAULT_MODEL_DIR,
    db: DbOpt = "",
    lang: LangOpt = "sv",
) -> None:
    """Sweep scenarios (forecast → strategic plan → simulation); resumable, one table."""
    lg = _lang(lang)
    from pks.simulate.executor import make_executor
    from pks.sweep.spec import SweepSpecError, file_scenarios, grid_scenarios, resolve
    from pks.sweep.store_io import run_sweep, sweep_comparison

    header = t("sweep.error", lg)
    if spec is None and not grid:
        fail([t("sweep.no_spec", lg)], header=header)
    try:
        scenarios = (file_scenarios(spec) if spec is not None else []) + \
            (grid_scenarios(grid) if grid else [])
        cfgs = resolve(model, base, scenarios)
    except SweepSpecError as exc:
        fail(exc.problems, header=header)
    from pks.data.io import read_csv_folder

    store = open_store(db, lg)
    data = store.read_inputs() if store.has_inputs() else \
        read_csv_folder(cfgs[0].data.instance_dir)
    from tqdm import tqdm

    bar = tqdm(total=len(scenarios), file=sys.stderr, desc=t("sweep.progress", lg),
               disable=not sys.stderr.isatty())

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    executor = make_executor(scheduler, workers)
    try:
        sweep_id, n_run = run_sweep(store, data, model, base, scenarios, replications,
                                    executor, progress)
    finally:
        executor.close()
        bar.close()
    df = sweep_comparison(store, sweep_id)
    names = {c.name for c in cfgs}
    df = df[df["scenario"].isin(names)].reset_index(drop=True)
    typer.echo(t("sweep.header", lg, sweep=sweep_id, n=len(df), run=n_run))
    typer.echo("")
    for line in comparison_lines(df, lg):
        typer.echo(line)
    if out is not None:
        from pks.data.io import write_tables

        write_tables({"sweep_comparison": df}, out)
        typer.echo(t("sweep.written", lg, path=out))
    store.close()


def register(app: typer.Typer) -> None:
    """Add ``sweep`` to the ``pks`` app."""
    app.command("sweep")(sweep_cmd)
