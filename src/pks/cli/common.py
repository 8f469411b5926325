"""Options and helpers shared by the CLI command modules."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer

from pks.types import Language

if TYPE_CHECKING:
    import pandas as pd

    from pks.data.store import Store

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_RUN_FAILED = 3

DEFAULT_MODEL_DIR = Path("models/demo_region")
DEFAULT_DB_URL = "sqlite:///var/pks.db"

ModelOpt = Annotated[
    Path, typer.Option("--model", "-m", help="Model instance folder (model.yaml, scenarios.yaml).")
]
ScenarioOpt = Annotated[str, typer.Option("--scenario", "-s", help="Scenario name.")]
DbOpt = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="PKS_DATABASE_URL",
        help="Database URL (SQLAlchemy): sqlite:///path.db or postgresql+psycopg://...",
    ),
]
LangOpt = Annotated[
    str, typer.Option("--lang", envvar="PKS_LANG", help="Message language: sv or en.")
]


def default_db_url() -> str:
    """Database URL from ``PKS_DATABASE_URL`` or the embedded SQLite default."""
    return os.environ.get("PKS_DATABASE_URL", DEFAULT_DB_URL)


def _sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL (``None`` for other backends and in-memory)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        u = make_url(url if "://" in url else f"sqlite:///{url}")
    except ArgumentError:
        return None
    db = u.database or ""
    if u.get_backend_name() != "sqlite" or not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db).expanduser()


def open_store(db: str, lang: Language, need_inputs: bool = True) -> Store:
    """Open the store at ``db`` ("" = :func:`default_db_url`), or exit 1 saying why.

    A command that works on stored data (``need_inputs``, the default) refuses a store that
    holds no input data, naming it, instead of falling back to files: a typo in ``--db``
    would otherwise plan on other data. A SQLite file that does not exist is then not
    created. Only ``pks load`` opens an empty store (``need_inputs=False``). Every message
    shows the URL with its password masked; log records are redacted too.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from pks.data.secrets import install_log_redaction, mask_url, redact, url_password
    from pks.data.store import Store
    from pks.i18n import t

    install_log_redaction()
    url = db or default_db_url()
    shown = mask_url(url)
    secret = url_password(url)
    file = _sqlite_file(url)
    if need_inputs and file is not None and not file.exists():
        fail([t("security.cli.no_store", lang, url=shown)])
    try:
        store = Store.open(url)
    except (SQLAlchemyError, OSError, ValueError) as exc:
        error = redact(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, [secret])
        fail([t("data.cli.db_error", lang, url=shown, error=error)])
    if need_inputs:
        try:
            empty = not store.has_inputs()
        except (SQLAlchemyError, OSError) as exc:
            store.close()
            fail([t("data.cli.db_error", lang, url=shown,
                    error=redact(str(exc).splitlines()[0], [secret]))])
        if empty:
            store.close()
            fail([t("security.cli.empty_store", lang, url=shown)])
    return store


def parse_lang(lang: str) -> Language:
    """Check ``--lang``; exits with the usage code on anything but sv or en."""
    if lang not in ("sv", "en"):
        from pks.i18n import t

        typer.echo(t("cli.lang.invalid", "sv", value=repr(lang)), err=True)
        raise typer.Exit(EXIT_USAGE)
    return cast(Language, lang)


def fail(lines: list[str], code: int = EXIT_INVALID, header: str | None = None) -> NoReturn:
    """Print every problem to stderr (under ``header`` as a bullet list) and exit."""
    if header is not None:
        typer.echo(header, err=True)
        lines = [f"  - {line}" for line in lines]
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(code)


def plan_summary(objective: pd.DataFrame | None, lang: Language) -> str:
    """The plan's figures in planner units, e.g. ``verklig nettokostnad 41,1 mnkr; ...``.

    From the plan's ``plan_objective`` table, as :func:`pks.optimise.run.plan_note` sums it:
    real net cost = Σ value of part ``real_cost``; care not given = Σ value of component
    ``care_weighted`` (weighted case-weeks); unavoidable frame overrun = Σ value of part
    ``frame`` — never an objective value in penalty kronor.
    """
    from pks.i18n import format_number, format_sek, t

    real = care = frame = 0.0
    if objective is not None and not objective.empty and "part" in objective:
        real = float(objective.loc[objective["part"] == "real_cost", "value"].sum())
        care = float(objective.loc[objective["component"] == "care_weighted", "value"].sum())
        frame = float(objective.loc[objective["part"] == "frame", "value"].sum())
    return t("cli.plans.summary", lang, real=format_sek(real, lang, "M"),
             care=format_number(care, lang, 0), frame=format_sek(frame, lang, "M"))


def plan_row(store: Store, run: Any, who: str, lang: Language) -> str:
    """One line of ``pks plans``: id, level, scenario and status translated, date, who, figures."""
    from pks.i18n import t

    tables = store.load_run_tables(run.run_id, ["plan_objective"])
    level = t(f"cli.level.{run.level}", lang) if run.level else ""
    return (f"{run.run_id}  {level:<10} {run.scenario:<16} "
            f"{t(f'gov.status.{run.status}', lang):<14} {run.created_at:%Y-%m-%d %H:%M}  "
            f"{who}  {plan_summary(tables.get('plan_objective'), lang)}")


def label(prefix: str, code: object, lang: Language) -> str:
    """The translated name of ``code`` (key ``prefix + code``), else the code itself."""
    from pks.i18n import catalogue, t

    key = f"{prefix}{code}"
    return t(key, lang) if key in catalogue() else str(code)
