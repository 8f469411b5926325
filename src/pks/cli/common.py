"""Options and helpers shared by the CLI command modules."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, cast

import typer

from pks.types import Language

if TYPE_CHECKING:
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


def open_store(db: str, lang: Language) -> Store:
    """Open the store at ``db`` ("" = :func:`default_db_url`), or exit 1 saying why.

    The store creates a SQLite file's folder itself.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from pks.data.store import Store
    from pks.i18n import t

    url = db or default_db_url()
    try:
        return Store.open(url)
    except (SQLAlchemyError, OSError, ValueError) as exc:
        fail([t("data.cli.db_error", lang, url=url, error=str(exc).splitlines()[0])])


def parse_lang(lang: str) -> Language:
    """Check ``--lang``; exits with the usage code on anything but sv or en."""
    if lang not in ("sv", "en"):
        typer.echo(f"--lang: 'sv' or 'en', not {lang!r}", err=True)
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
