"""``pks simulate``: check a stored plan against waiting-time and workload targets.

Exit codes: 0 success; 1 invalid input (unknown plan, a plan of another scenario, zero
replications, invalid rates; every problem listed, nothing written); 2 usage error;
3 the simulation failed (nothing written).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import pandas as pd
import typer

from pks.cli.common import (
    DEFAULT_MODEL_DIR,
    EXIT_INVALID,
    EXIT_RUN_FAILED,
    DbOpt,
    LangOpt,
    ModelOpt,
    ScenarioOpt,
    fail,
    open_store,
)
from pks.cli.common import parse_lang as _lang
from pks.i18n import format_number, t
from pks.types import Language

log = logging.getLogger(__name__)

TOP_TYPES = ("region", "administration", "division")


def _fail(lines: list[str], lang: Language, code: int = EXIT_INVALID) -> NoReturn:
    fail(lines, code, header=t("simulate.error", lang))


def _fmt_p(x: float, lang: Language) -> str:
    return format_number(x, lang, 2)


def _kpi_text(target: str, value: float, lang: Language) -> str:
    if target in ("guarantee", "occupancy", "overflow", "utilisation"):
        return format_number(100 * value, lang, 1) + " %"
    return format_number(value, lang, 1)


def _goal_text(r: pd.Series, lang: Language) -> str:
    lo, hi = r["target_min"], r["target_max"]
    pct = r["target"] in ("guarantee", "occupancy", "overflow", "utilisation")

    def f(x: float) -> str:
        return format_number(100 * x, lang, 0) + " %" if pct else format_number(x, lang, 0)

    if pd.notna(lo) and pd.notna(hi):
        return f"{f(lo)}–{f(hi)}"
    if pd.notna(lo):
        return f"≥ {f(lo)}"
    if pd.notna(hi):
        return f"≤ {f(hi)}"
    return t("simulate.plan_target", lang)


def verdict_report(verdicts: pd.DataFrame, lang: Language, required: float) -> list[str]:
    """Lines of the verdict table (divisions and region) and the failing units."""
    top = verdicts[verdicts["node_type"].isin(TOP_TYPES)].copy()
    order = {k: i for i, k in enumerate(TOP_TYPES)}
    top["_o"] = top["node_type"].map(order)
    top = top.sort_values(["_o", "node_id"], kind="stable")
    head = [t(f"simulate.col.{k}", lang) for k in
            ("node", "target", "kpi", "goal", "probability", "ci", "verdict")]
    rows = []
    for _, r in top.iterrows():
        rows.append([
            str(r["node_name"]), t(f"simulate.target.{r['target']}", lang),
            _kpi_text(r["target"], r["kpi_mean"], lang), _goal_text(r, lang),
            _fmt_p(r["probability"], lang),
            f"[{_fmt_p(r['ci_low'], lang)}–{_fmt_p(r['ci_high'], lang)}]",
            t("simulate.met" if r["met"] else "simulate.not_met", lang),
        ])
    widths = [max(len(h), *(len(x[k]) for x in rows)) if rows else len(h)
              for k, h in enumerate(head)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    lines = [t("simulate.header", lang), "", fmt(head), fmt(["-" * w for w in widths])]
    lines += [fmt(x) for x in rows]
    units = verdicts[(verdicts["node_type"] == "unit") & ~verdicts["met"]]
    lines.append("")
    if units.empty:
        lines.append(t("simulate.no_failing_units", lang, p=_fmt_p(required, lang)))
    else:
        lines.append(t("simulate.failing_units", lang, p=_fmt_p(required, lang)))
        for node, g in units.groupby("node_id", sort=True):
            parts = [f"{t(f'simulate.target.{r.target}', lang)} {_fmt_p(r.probability, lang)} "
                     f"[{_fmt_p(r.ci_low, lang)}–{_fmt_p(r.ci_high, lang)}]"
                     for r in g.itertuples()]
            lines.append(f"  {node} {g['node_name'].iloc[0]}: " + "; ".join(parts))
    return lines


def _write_out(tables: dict[str, pd.DataFrame], out: Path) -> None:
    from pks.data.io import write_tables

    if out.suffix.lower() == ".xlsx":
        # an Excel sheet holds at most 1 048 575 rows: per-week tables are summarised
        from pks.simulate.analysis import summarise_weekly

        keys = {"sim_kpis": ["unit_id", "care_type", "week"], "sim_beds": ["unit_id", "week"],
                "sim_staff": ["unit_id", "staff_category", "week"]}
        small = {}
        for name, df in tables.items():
            if name in keys and "replication" in df:
                small[name] = summarise_weekly(df, keys[name])
            elif len(df) < 1_000_000:
                small[name] = df
        tables = small
    write_tables(tables, out)


def simulate_cmd(
    plan: Annotated[str, typer.Option("--plan", "-p", help="Plan run id, or 'latest' "
                                      "(the adopted tactical plan, else the newest).")] = "latest",
    replications: Annotated[int | None, typer.Option(
        "--replications", "-n", help="Fixed number of replications (default: the "
        "configured precision rule).")] = None,
    sequential: Annotated[bool, typer.Option(
        "--sequential", help="Choose the replication count by the sequential precision rule "
        "(CI half-width of the region's share within the guarantee; see SimulateConfig).")
    ] = False,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Local worker processes "
                                         "(ignored with --scheduler).")] = 1,
    seed: Annotated[int | None, typer.Option("--seed", help="Master seed.")] = None,
    scenario: ScenarioOpt = "base",
    model: ModelOpt = DEFAULT_MODEL_DIR,
    db: DbOpt = "",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Also write the result "
                                             "tables to a CSV folder or an .xlsx file.")] = None,
    cancellation_rate: Annotated[float | None, typer.Option(
        "--cancellation-rate", help="Share of slots cancelled by the unit.")] = None,
    no_show_rate: Annotated[float | None, typer.Option(
        "--no-show-rate", help="Share of booked patients who do not come.")] = None,
    overflow_policy: Annotated[str | None, typer.Option(
        "--overflow-policy", help="overflow (överbeläggning) or transfer.")] = None,
    cut: Annotated[list[str] | None, typer.Option(
        "--cut", help="What-if: UNIT_ID=FACTOR scales the plan's production of a unit "
        "(e.g. an under-staffed variant); repeatable.")] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress",
                                           help="Progress bar on stderr.")] = True,
    lang: LangOpt = "sv",
) -> None:
    """Simulate a stored weekly plan and print the probability of meeting each target."""
    from pydantic import ValidationError

    from pks.config.loader import ConfigError, load_scenario
    from pks.config.simulate import SimulateConfig
    from pks.simulate.executor import make_executor
    from pks.simulate.params import SimInputError
    from pks.simulate.store_io import run_and_store

    lg = _lang(lang)
    problems: list[str] = []
    if replications is not None and replications < 1:
        problems.append(t("simulate.error.replications", lg, n=replications))
    scale: dict[str, float] = {}
    for item in cut or []:
        unit, _, factor = item.partition("=")
        try:
            scale[unit] = float(factor)
        except ValueError:
            problems.append(f"--cut {item!r}: expected UNIT_ID=FACTOR")
    if replications is not None and sequential:
        problems.append("--replications and --sequential exclude each other")
    try:
        cfg = load_scenario(model, scenario)
    except ConfigError as exc:
        _fail([*problems, *str(exc).splitlines()], lg)
        return
    updates = {k: v for k, v in {"seed": seed, "cancellation_rate": cancellation_rate,
                                 "no_show_rate": no_show_rate,
                                 "overflow_policy": overflow_policy,
                                 "scheduler": scheduler,
                                 "precision_rule": "sequential" if sequential else None,
                                 }.items() if v is not None}
    try:
        sim = SimulateConfig.model_validate({**cfg.simulate.model_dump(), **updates})
    except ValidationError as exc:
        problems += [f"{t('simulate.error.config', lg)}: {'.'.join(map(str, e['loc']))}: "
                     f"{e['msg']} (got {e.get('input')!r})" for e in exc.errors()]
        sim = cfg.simulate
    if problems:
        _fail(problems, lg)
    cfg = cfg.model_copy(update={"simulate": sim})
    store = open_store(db, lg)
    bar = None
    cb = None
    if progress and sim.progress:
        from tqdm import tqdm

        first = (replications or (sim.min_replications if sim.precision_rule == "sequential"
                                  else sim.replications))
        bar = tqdm(total=first, file=sys.stderr,
                   desc=t("simulate.progress", lg), unit="rep", leave=False)

        def cb(done: int, total: int) -> None:
            assert bar is not None
            bar.total = total
            bar.n = done
            bar.refresh()

    executor = make_executor(sim.scheduler, workers)
    try:
        run = run_and_store(store, plan, cfg, replications=replications,
                            executor=executor, progress=cb, capacity_scale=scale)
    except SimInputError as exc:
        _fail(exc.problems, lg)
        return
    except KeyError as exc:
        _fail([str(exc)], lg)
        return
    except Exception as exc:  # noqa: BLE001 - reported, nothing written
        log.exception("simulation failed")
        _fail([t("simulate.error.run_failed", lg, error=exc)], lg, EXIT_RUN_FAILED)
        return
    finally:
        executor.close()
        if bar is not None:
            bar.close()
        store.close()
    res = run.result
    typer.echo(t("simulate.title", lg, plan=run.plan_run_id, scenario=cfg.name,
                 n=res.n_replications, run=run.run_id))
    typer.echo(t("simulate.key_kpi", lg, mean=format_number(100 * res.key_kpi_mean, lg, 1),
                 half=format_number(100 * res.key_kpi_half_width, lg, 1)))
    typer.echo("")
    for line in verdict_report(res.verdicts, lg, sim.required_probability):
        typer.echo(line)
    if out is not None:
        _write_out(dict(res.tables), out)
        typer.echo(t("simulate.written", lg, path=out))


def register(app: typer.Typer) -> None:
    """Add ``pks simulate`` to the app."""
    app.command("simulate")(simulate_cmd)
