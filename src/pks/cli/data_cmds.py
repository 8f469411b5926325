"""Data commands: ``pks validate``, ``load``, ``export``, ``info``, ``template``, ``docs``.

Exit codes: 0 success; 1 invalid input data, unknown run or unusable database (every
problem listed, nothing written); 2 usage error.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer

from pks.cli.common import (
    DEFAULT_DB_URL,
    EXIT_INVALID,
    EXIT_USAGE,
    DbOpt,
    LangOpt,
    label,
    open_store,
)
from pks.cli.common import parse_lang as _lang
from pks.data.checks import Issue, ValidationFailed, validate
from pks.i18n import t
from pks.types import Language

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

PathArg = Annotated[Path, typer.Argument(help="CSV folder (one <table>.csv per table) or .xlsx "
                                              "workbook (one sheet per table).")]
MaxIssuesOpt = Annotated[int, typer.Option("--max-issues",
                                           help="Show at most this many issues (0 = all).")]


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def issues_table(issues: list[Issue], lang: Language, max_issues: int = 200) -> str:
    """Fixed-width table of issues: table, row, column, value, problem."""
    shown = issues if max_issues <= 0 else issues[:max_issues]
    head = [t(f"data.col.{k}", lang) for k in ("table", "row", "column", "value", "problem")]
    rows = [[i.table, "" if i.row is None else str(i.row), _clip(i.column, 32),
             _clip(i.value), i.text(lang)] for i in shown]
    widths = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(head)]
    widths[-1] = len(head[-1])

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if k == 1 else c.ljust(w)
                         for k, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    lines = [t("data.validation_failed", lang, n=len(issues)), "", fmt(head),
             fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)]
    if len(shown) < len(issues):
        lines.append(t("data.more_issues", lang, n=len(issues) - len(shown)))
    codes = pd.Series([i.code for i in issues]).value_counts()
    lines += ["", t("data.by_code", lang) + " " +
              ", ".join(f"{t(f'cli.code.{c}', lang)} {n}" for c, n in codes.items())]
    return "\n".join(lines)


def _fail_validation(exc: ValidationFailed, lang: Language, max_issues: int) -> None:
    typer.echo(issues_table(exc.issues, lang, max_issues), err=True)
    raise typer.Exit(EXIT_INVALID)


def validate_cmd(path: PathArg, lang: LangOpt = "sv", max_issues: MaxIssuesOpt = 200) -> None:
    """Validate a CSV folder or Excel workbook and list every problem.

    Exit codes: 0 valid; 1 problems found (all listed); 2 usage error.
    """
    from pks.data.io import read_tables

    lg = _lang(lang)
    tables, issues = read_tables(path)
    issues = issues + validate(tables)
    if issues:
        _fail_validation(ValidationFailed(issues, lg), lg, max_issues)
    rows = sum(len(df) for df in tables.values())
    typer.echo(t("data.cli.valid", lg, path=str(path), tables=len(tables), rows=rows))


def load_cmd(path: PathArg, db: DbOpt = DEFAULT_DB_URL, lang: LangOpt = "sv",
             max_issues: MaxIssuesOpt = 200) -> None:
    """Validate input data and load it into the store in one transaction.

    Replaces all stored inputs; prints the input checksum. Exit codes: 0 loaded; 1 invalid
    data or database problem (all listed, store unchanged); 2 usage error.
    """
    from pks.data.io import read_input

    lg = _lang(lang)
    t0 = time.perf_counter()
    try:
        data = read_input(path, lg)
    except ValidationFailed as exc:
        _fail_validation(exc, lg, max_issues)
    t_read = time.perf_counter() - t0
    store = open_store(db, lg, need_inputs=False)
    try:
        t1 = time.perf_counter()
        checksum = store.write_inputs(data, source=str(path), lang=lg)
        t_write = time.perf_counter() - t1
    except ValidationFailed as exc:
        _fail_validation(exc, lg, max_issues)
    finally:
        store.close()
    rows = sum(len(df) for df in data.tables().values())
    typer.echo(t("data.cli.loaded", lg, path=str(path), rows=rows, url=store.url,
                 checksum=checksum, t_read=f"{t_read:.1f}", t_write=f"{t_write:.1f}"))


def export_cmd(out: Annotated[Path, typer.Option("--out", "-o", help="CSV folder, or a file "
                                                 "ending in .xlsx.")],
               db: DbOpt = DEFAULT_DB_URL,
               run: Annotated[str | None, typer.Option("--run", help="Export this run's "
                                                       "result tables instead of the inputs."
                                                       )] = None,
               lang: LangOpt = "sv") -> None:
    """Export the stored inputs, or a run's result tables, to a CSV folder or .xlsx.

    Exit codes: 0 written; 1 no inputs, unknown run or cannot write; 2 usage error.
    """
    from pks.data.io import write_tables
    from pks.data.store import StoreError

    lg = _lang(lang)
    store = open_store(db, lg)
    try:
        if run is None:
            tables = store.read_inputs().tables()
        else:
            tables = store.load_run_tables(run)
    except StoreError:
        typer.echo(t("data.issue.no_inputs", lg), err=True)
        raise typer.Exit(EXIT_INVALID) from None
    except KeyError:
        typer.echo(t("data.cli.unknown_run", lg, run=run), err=True)
        raise typer.Exit(EXIT_INVALID) from None
    finally:
        store.close()
    try:
        write_tables(tables, out)
    except (ValueError, OSError) as exc:
        typer.echo(t("data.cli.write_error", lg, path=str(out), error=str(exc)), err=True)
        raise typer.Exit(EXIT_INVALID) from None
    typer.echo(t("data.cli.exported", lg, n=len(tables), path=str(out)))


def info_cmd(db: DbOpt = DEFAULT_DB_URL, lang: LangOpt = "sv") -> None:
    """Summarise the stored region: units per division, care types, history, frames, runs.

    Exit codes: 0 ok; 1 no inputs stored or database problem; 2 usage error.
    """
    from pks.data.store import StoreError
    from pks.data.summary import format_summary, summarise

    lg = _lang(lang)
    store = open_store(db, lg)
    try:
        data = store.read_inputs()
        meta = store.meta_info()
        runs = store.runs()
    except StoreError:
        typer.echo(t("data.issue.no_inputs", lg), err=True)
        raise typer.Exit(EXIT_INVALID) from None
    finally:
        store.close()
    typer.echo(format_summary(summarise(data), lg))
    typer.echo("")
    typer.echo(t("data.cli.source", lg, source=meta.get("source", ""),
                 at=meta.get("loaded_at", ""), checksum=meta.get("checksum", "")[:16]))
    if runs.empty:
        typer.echo(t("data.cli.no_runs", lg))
    else:
        counts = runs.groupby(["kind", "status"]).size()
        typer.echo(t("data.cli.runs", lg, n=len(runs)) + " " +
                   ", ".join(f"{label('cli.run_kind.', k, lg)}/{label('gov.status.', s, lg)}: {n}"
                             for (k, s), n in counts.items()))
        for r in runs.head(5).itertuples():
            level = r.level if isinstance(r.level, str) else ""
            typer.echo(f"  {r.run_id}  {label('cli.run_kind.', r.kind, lg):<10} {r.scenario:<16} "
                       f"{label('cli.level.', level, lg) if level else '':<10} "
                       f"{label('gov.status.', r.status, lg)}")


def template_cmd(out: Annotated[Path, typer.Option("--out", "-o", help="Workbook to write "
                                                   "(.xlsx).")],
                 lang: LangOpt = "sv") -> None:
    """Write an empty Excel input template with column help, generated from the schemas.

    Exit codes: 0 written; 2 usage error (not .xlsx).
    """
    from pks.data.io import write_template

    lg = _lang(lang)
    if out.suffix.lower() != ".xlsx":
        typer.echo(t("data.cli.need_xlsx", lg, path=str(out)), err=True)
        raise typer.Exit(EXIT_USAGE)
    write_template(out, lg)
    typer.echo(t("data.cli.template", lg, path=str(out)))


def docs_cmd(out: Annotated[Path, typer.Option("--out", "-o", help="Markdown file to write."
                                               )] = Path("docs/data-model.md"),
             lang: LangOpt = "sv") -> None:
    """Regenerate the data-model reference (docs/data-model.md) from the schemas.

    Exit codes: 0 written; 2 usage error.
    """
    from pks.data.docs import write_data_model

    lg = _lang(lang)
    write_data_model(out)
    typer.echo(t("data.cli.docs", lg, path=str(out)))


def register(app: typer.Typer) -> None:
    """Add the data commands to the ``pks`` app."""
    app.command("validate")(validate_cmd)
    app.command("load")(load_cmd)
    app.command("export")(export_cmd)
    app.command("info")(info_cmd)
    app.command("template")(template_cmd)
    app.command("docs")(docs_cmd)
