"""Forecast commands: ``pks forecast``, ``pks need`` and ``pks backtest``.

Exit codes: 0 success; 1 invalid configuration or input data (every problem listed,
nothing written); 2 usage error; 3 the computation failed (nothing written).
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from pks.cli.common import (
    DEFAULT_MODEL_DIR,
    EXIT_RUN_FAILED,
    DbOpt,
    LangOpt,
    ModelOpt,
    ScenarioOpt,
    open_store,
)
from pks.cli.common import fail as _fail
from pks.cli.common import parse_lang as _lang
from pks.i18n import format_number, format_pct, t
from pks.types import Language

log = logging.getLogger(__name__)

OutOpt = Annotated[Path | None, typer.Option(
    "--out", "-o", help="Also write the result tables to a CSV folder or an .xlsx file.")]
NoStoreOpt = Annotated[bool, typer.Option(
    "--no-store", help="Do not store the run in the database.")]


def _fixed(headers: list[str], rows: list[list[str]], right_from: int = 1) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i >= right_from else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return [fmt(headers), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)]


def _prepare(model: Path, scenario: str, db: str, no_store: bool, lg: Language
             ) -> tuple[Any, Any, Any, str]:
    """Config, store (or None), planning data and their source; exits 1 on bad input."""
    from pks.config.loader import ConfigError, load_scenario
    from pks.data.checks import ValidationFailed
    from pks.forecast.runs import load_inputs

    try:
        cfg = load_scenario(model, scenario)
    except ConfigError as exc:
        _fail([t("forecast.error.config", lg) + ":", *str(exc).splitlines()])
    store = None if no_store else open_store(db, lg)
    try:
        data, source = load_inputs(cfg, store)
    except ValidationFailed as exc:
        _fail([t("forecast.error.inputs", lg) + ":", *(i.text(lg) if hasattr(i, "text") else
                                                       str(i) for i in exc.issues)])
    except (ConfigError, FileNotFoundError) as exc:
        _fail([t("forecast.error.inputs", lg) + ":", *str(exc).splitlines()])
    return cfg, store, data, source


def _run_forecast(data: Any, cfg: Any, lg: Language) -> Any:
    from pks.forecast.demand import ForecastInputError, forecast_demand

    try:
        return forecast_demand(data, cfg)
    except ForecastInputError as exc:
        _fail(str(exc).splitlines())
    except Exception as exc:  # noqa: BLE001 - reported, nothing written
        log.exception("forecast failed")
        _fail([t("forecast.error.run_failed", lg, error=exc)], EXIT_RUN_FAILED)


def _forecast_report(data: Any, result: Any, lg: Language) -> list[str]:
    from pks.forecast.runs import summarise_forecast

    summ = summarise_forecast(data, result)
    bd = summ.by_division
    hy = bd.attrs.get("history_year", "")
    years = [c for c in bd.columns if isinstance(c, int | float) and c not in ("history_cases",)]
    headers = [t("forecast.col.division", lg), t("forecast.col.history", lg, year=hy),
               *[str(y) for y in years], t("forecast.col.change", lg)]
    rows = []
    tot = bd[["history_cases", *years]].sum()
    for r in [*bd.itertuples(index=False), None]:
        if r is None:
            name, hist, vals = t("forecast.total", lg), tot["history_cases"], [tot[y] for y in
                                                                                years]
        else:
            rd = r._asdict()
            name = str(rd["name"])
            hist = float(bd.loc[bd["division"] == rd["division"], "history_cases"].iloc[0])
            vals = [float(bd.loc[bd["division"] == rd["division"], y].iloc[0]) for y in years]
        change = (vals[-1] - hist) / hist if hist > 0 else float("nan")
        rows.append([name[:40], format_number(hist, lg), *(format_number(v, lg) for v in vals),
                     format_pct(change, lg) if hist > 0 else "–"])
    lines = ["", t("forecast.by_division", lg, year=hy), *_fixed(headers, rows)]
    ch = summ.biggest_changes
    if len(ch):
        first, last = years[0], years[-1]
        lines += ["", t("forecast.biggest_changes", lg, first=first, last=last, year=hy)]
        rows = [[f"{r.unit_id} / {r.care_type}", format_number(r.history_cases, lg),
                 format_number(r._4, lg), format_pct(r.change_pu, lg)]
                for r in ch.itertuples(index=False)]
        lines += _fixed(["", t("forecast.col.history", lg, year=hy), str(last),
                         t("forecast.col.change", lg)], rows)
    return lines


def forecast_cmd(
    scenario: ScenarioOpt = "base",
    model: ModelOpt = DEFAULT_MODEL_DIR,
    db: DbOpt = "",
    out: OutOpt = None,
    no_store: NoStoreOpt = False,
    lang: LangOpt = "sv",
) -> None:
    """Forecast weekly demand per unit × care type × sex for the budget and plan years."""
    lg = _lang(lang)
    cfg, store, data, source = _prepare(model, scenario, db, no_store, lg)
    t0 = time.perf_counter()
    result = _run_forecast(data, cfg, lg)
    secs = time.perf_counter() - t0
    typer.echo(t("forecast.title", lg, scenario=cfg.name, population=result.population_scenario))
    typer.echo(t("forecast.inputs", lg, source=source))
    typer.echo(t("forecast.series", lg, n=len(result.series), weeks=len(result.weeks),
                 seconds=format_number(secs, lg, 1)))
    for line in _forecast_report(data, result, lg):
        typer.echo(line)
    typer.echo("")
    from pks.forecast.runs import save_forecast

    _store_and_write(store, out, result.tables(), lg,
                     lambda st: save_forecast(st, result, cfg), "forecast")


def _store_and_write(store: Any, out: Path | None, tables: dict[str, pd.DataFrame],
                     lg: Language, save: Any, kind: str) -> str | None:
    run_id = None
    if out is not None:
        from pks.data.io import write_tables

        try:
            write_tables(tables, out)
        except (OSError, ValueError) as exc:
            _fail([t("forecast.error.out", lg, path=out, error=exc)])
    if store is not None:
        run_id = save(store)
        typer.echo(t("forecast.stored", lg, run=run_id, kind=kind))
        store.close()
    else:
        typer.echo(t("forecast.not_stored", lg))
    if out is not None:
        typer.echo(t("forecast.written", lg, path=out))
    return run_id


def need_cmd(
    scenario: ScenarioOpt = "base",
    model: ModelOpt = DEFAULT_MODEL_DIR,
    db: DbOpt = "",
    out: OutOpt = None,
    no_store: NoStoreOpt = False,
    lang: LangOpt = "sv",
) -> None:
    """Forecast demand and derive the capacity, staff and bed need (queueing arithmetic)."""
    from pks.forecast.need import compute_need
    from pks.forecast.runs import beds_by_site, save_forecast, save_need

    lg = _lang(lang)
    cfg, store, data, source = _prepare(model, scenario, db, no_store, lg)
    result = _run_forecast(data, cfg, lg)
    try:
        need = compute_need(data, cfg, result)
    except KeyError as exc:
        _fail([str(exc)])
    except Exception as exc:  # noqa: BLE001 - reported, nothing written
        log.exception("need failed")
        _fail([t("forecast.error.run_failed", lg, error=exc)], EXIT_RUN_FAILED)
    typer.echo(t("need.title", lg, scenario=cfg.name))
    typer.echo(t("forecast.inputs", lg, source=source))
    for line in _forecast_report(data, result, lg):
        typer.echo(line)
    cap = need.need_capacity.groupby("year")[["demand_cases_per_week",
                                              "target_capacity_cases_per_week",
                                              "target_queue_cases", "fte"]].sum()
    typer.echo("")
    typer.echo(t("need.capacity", lg))
    rows = [[str(y), format_number(r.demand_cases_per_week, lg),
             format_number(r.target_capacity_cases_per_week, lg),
             format_number(r.target_queue_cases, lg), format_number(r.fte, lg, 1)]
            for y, r in cap.iterrows()]
    for line in _fixed([t("need.col.year", lg), t("need.col.demand", lg),
                        t("need.col.capacity", lg), t("need.col.queue", lg),
                        t("need.col.fte", lg)], rows):
        typer.echo(line)
    beds = beds_by_site(data, need)
    if len(beds):
        p = float(need.need_beds["p_refuse_max_pu"].iloc[0])
        typer.echo("")
        typer.echo(t("need.beds", lg, p=format_pct(p, lg)))
        rows = [[str(r.site), str(r.year), format_number(r.beds_needed, lg),
                 format_number(r.staffed_beds_planned, lg),
                 format_number(r.staffed_beds_planned - r.beds_needed, lg)]
                for r in beds.itertuples(index=False)]
        for line in _fixed([t("need.col.site", lg), t("need.col.year", lg),
                            t("need.col.beds_needed", lg), t("need.col.beds_planned", lg),
                            t("need.col.gap", lg)], rows, right_from=2):
            typer.echo(line)
    ws = need.need_ward_sizes
    levels = sorted(ws["p_refuse_max_pu"].unique())
    typer.echo("")
    typer.echo(t("need.ward_sizes", lg, levels=", ".join(format_pct(p, lg) for p in levels)))
    rows = []
    for beds_n in (5, 10, 15, 20, 30, 40, 60):
        sub = ws[ws["beds"] == beds_n]
        if len(sub):
            rows.append([str(beds_n), *(format_pct(float(sub.loc[sub["p_refuse_max_pu"] == p,
                                                               "occupancy_pu"].iloc[0]), lg)
                                        for p in levels)])
    for line in _fixed([t("need.col.ward_beds", lg), *(format_pct(p, lg) for p in levels)],
                       rows):
        typer.echo(line)
    typer.echo("")
    tables = {**result.tables(), **need.tables()}

    def save(st: Any) -> str:
        fid = save_forecast(st, result, cfg)
        return save_need(st, need, cfg, fid)

    _store_and_write(store, out, tables, lg, save, "need")


def backtest_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for backtest.md, the CSV "
                                      "tables and the plot.")] = Path("docs"),
    model: ModelOpt = DEFAULT_MODEL_DIR,
    public_dir: Annotated[Path, typer.Option(
        "--public-dir", envvar="PKS_PUBLIC_DATA",
        help="Folder with nhs_ae_attendances[_england].csv and nhs_rtt_flow_by_ics.csv.")] = Path(
        "data/public"),
    max_demo_series: Annotated[int | None, typer.Option(
        "--max-demo-series", help="Back-test only the first N demo series (quick check).")
    ] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress",
                                           help="Progress bar on stderr.")] = True,
    lang: LangOpt = "sv",
) -> None:
    """Rolling-origin back-test against seasonal-naive; writes docs/backtest.md, CSV and PNG."""
    from pks.config.loader import ConfigError, load_scenario
    from pks.forecast.backtest import backtest_all, dataset_overview, write_report

    lg = _lang(lang)
    try:
        cfg = load_scenario(model, "base")
    except ConfigError as exc:
        _fail([t("forecast.error.config", lg) + ":", *str(exc).splitlines()])
    bar = None
    cb = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(file=sys.stderr, desc=t("backtest.progress", lg), leave=False)

        def cb(done: int, total: int) -> None:
            assert bar is not None
            bar.total = total
            bar.n = done
            bar.refresh()

    try:
        rep = backtest_all(cfg.data.instance_dir, public_dir, max_demo_series, cb)
    except Exception as exc:  # noqa: BLE001 - reported, nothing written
        log.exception("back-test failed")
        _fail([t("forecast.error.run_failed", lg, error=exc)], EXIT_RUN_FAILED)
    finally:
        if bar is not None:
            bar.close()
    cmd = "pks backtest" + ("" if out == Path("docs") else f" --out {out}")
    try:
        files = write_report(rep, out, command=cmd)
    except OSError as exc:
        _fail([t("forecast.error.out", lg, path=out, error=exc)])
    typer.echo(t("backtest.title", lg))
    for r in dataset_overview(rep.by_series).itertuples(index=False):
        typer.echo(t("backtest.dataset", lg, dataset=r.dataset, wins=r.model_beats_snaive,
                     n=r.series, rel=format_number(r.median_rel_mase, lg, 2)))
    for n in rep.notes:
        typer.echo(f"  {n}")
    typer.echo(t("backtest.written", lg, files=", ".join(str(f) for f in files)))


def register(app: typer.Typer) -> None:
    """Add ``forecast``, ``need`` and ``backtest`` to the ``pks`` app."""
    app.command("forecast")(forecast_cmd)
    app.command("need")(need_cmd)
    app.command("backtest")(backtest_cmd)
