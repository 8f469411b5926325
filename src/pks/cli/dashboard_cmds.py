"""Dashboard commands: ``pks dashboard``, ``pks report`` and ``pks dashboard-user``.

Exit codes: 0 success; 1 invalid input (unknown month, no data for it, bad users file,
login required without users); 2 usage error; 3 the PDF could not be made.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Annotated

import typer

from pks.cli.common import (
    DEFAULT_DB_URL,
    DEFAULT_MODEL_DIR,
    EXIT_INVALID,
    EXIT_RUN_FAILED,
    EXIT_USAGE,
    DbOpt,
    LangOpt,
    ModelOpt,
)

HostOpt = Annotated[str, typer.Option("--host", help="Address to bind (127.0.0.1 = this "
                                                     "machine only; any other asks for login).")]
PortOpt = Annotated[int, typer.Option("--port", help="Port to serve on.")]
UsersOpt = Annotated[Path | None, typer.Option(
    "--users", envvar="PKS_USERS_FILE", help="Users file (YAML) for login; required when "
    "--host is not loopback.")]
ScenarioOpt = Annotated[str, typer.Option("--scenario", "-s", help="Scenario shown first.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", help="Log every request.")]


def serve_dashboard(db_url: str, model_dir: str | Path, host: str = "127.0.0.1",
                    port: int = 8050, users_file: str | Path | None = None,
                    scenario: str = "base", verbose: bool = False) -> None:
    """Print the dashboard's address and serve it until interrupted (used by ``pks demo``).

    Ctrl+C (or SIGTERM) stops the server at once; the process then ends without waiting
    for the interpreter to tidy up threads and native libraries (nothing is left to save:
    every store write is its own committed transaction).
    """
    from pks.dashboard.app import serve
    from pks.dashboard.settings import DashboardSettings

    settings = DashboardSettings(db_url=db_url, model_dir=str(model_dir), host=host, port=port,
                                 users_file=None if users_file is None else str(users_file),
                                 scenario=scenario)
    def announce(address: str) -> None:
        typer.echo(f"PKS dashboard: {address}  (Ctrl+C stops)")
        if settings.login_required:
            typer.echo("login required (served beyond this machine)")
        sys.stdout.flush()
    serve(settings, announce=announce, verbose=verbose)
    from pks.i18n import t

    typer.echo(t("week.dashboard.stopped", "sv"))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def register(app: typer.Typer) -> None:
    """Add the dashboard commands to the ``pks`` app."""

    @app.command("dashboard")
    def dashboard(db: DbOpt = DEFAULT_DB_URL, model: ModelOpt = DEFAULT_MODEL_DIR,
                  host: HostOpt = "127.0.0.1", port: PortOpt = 8050, users: UsersOpt = None,
                  scenario: ScenarioOpt = "base", verbose: VerboseOpt = False) -> None:
        """Serve the follow-up dashboard (Swedish, with an English switch); Ctrl+C stops."""
        try:
            serve_dashboard(db, model, host, port, users, scenario, verbose)
        except ValueError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(EXIT_INVALID) from exc

    @app.command("report")
    def report(month: Annotated[str, typer.Option("--month", help="Month YYYY-MM.")],
               out: Annotated[Path, typer.Option("--out", help="FILE.html or FILE.pdf")],
               db: DbOpt = DEFAULT_DB_URL, model: ModelOpt = DEFAULT_MODEL_DIR,
               scenario: ScenarioOpt = "base", lang: LangOpt = "sv") -> None:
        """Write the monthly follow-up report for the regional board (HTML or PDF)."""
        from pks.cli.common import open_store
        from pks.config import load_scenario
        from pks.report.pdf import html_to_pdf
        from pks.report.source import board_report_from_store
        from pks.types import Language

        m = re.fullmatch(r"(\d{4})-(\d{2})", month)
        if not m or not 1 <= int(m.group(2)) <= 12:
            typer.echo(f"--month: expected YYYY-MM, got {month!r}", err=True)
            raise typer.Exit(EXIT_USAGE)
        if out.suffix.lower() not in (".html", ".htm", ".pdf"):
            typer.echo(f"--out: expected a .html or .pdf file, got {out}", err=True)
            raise typer.Exit(EXIT_USAGE)
        language: Language = "en" if lang == "en" else "sv"
        try:
            store = open_store(db, language)
            text = board_report_from_store(store, load_scenario(str(model), scenario), scenario,
                                           int(m.group(1)), int(m.group(2)), language,
                                           model_dir=model)
        except (ValueError, KeyError) as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(EXIT_INVALID) from exc
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix.lower() == ".pdf":
            try:
                html_to_pdf(text, out)
            except (RuntimeError, OSError) as exc:
                typer.echo(str(exc), err=True)
                raise typer.Exit(EXIT_RUN_FAILED) from exc
        else:
            out.write_text(text, encoding="utf-8")
        typer.echo(str(out))

    @app.command("dashboard-user")
    def dashboard_user(
        username: Annotated[str, typer.Option("--username")],
        role: Annotated[str | None, typer.Option(
            "--role", help="strategist, planner, first_line_manager or admin (needed for a "
            "new user)")] = None,
        unit: Annotated[list[str] | None, typer.Option(
            "--unit", help="Node the user is responsible for (repeat); first-line managers.")]
        = None,
        password_env: Annotated[str, typer.Option(
            "--password-env", help="Environment variable holding the password (never "
            "prompted, never on the command line).")] = "PKS_NEW_PASSWORD",
        disable: Annotated[bool, typer.Option(
            "--disable", help="Disable the user (every session ends).")] = False,
        users: Annotated[Path | None, typer.Option(
            "--users", help="Users file (YAML) to migrate into the store first (users "
            "already in the store are kept).")] = None,
        db: DbOpt = DEFAULT_DB_URL,
    ) -> None:
        """Add, replace or disable a dashboard user in the store (password hashed only).

        Every change is written to the audit trail (by ``pks``).
        """
        from pks.cli.common import open_store
        from pks.dashboard.access import ROLES, Principal, load_users
        from pks.dashboard.auth.users import UserAdminError, UserStore

        actor = Principal("pks", "admin")
        if role is not None and role not in ROLES:
            typer.echo(f"--role: one of {', '.join(ROLES)}", err=True)
            raise typer.Exit(EXIT_USAGE)
        if role == "first_line_manager" and not unit:
            typer.echo("a first_line_manager needs at least one --unit", err=True)
            raise typer.Exit(EXIT_USAGE)
        store = open_store(db, "en", need_inputs=False)
        try:
            admin = UserStore(store)
            if users is not None:
                try:
                    n = admin.import_records(actor, load_users(users))
                except (ValueError, OSError) as exc:
                    typer.echo(str(exc), err=True)
                    raise typer.Exit(EXIT_INVALID) from exc
                typer.echo(f"{n} user(s) migrated from {users} into the store")
            if disable:
                admin.set_active(actor, username, False)
                typer.echo(f"{username} disabled")
                return
            if role is None:
                if users is not None:
                    return
                typer.echo("--role is needed to add or replace a user", err=True)
                raise typer.Exit(EXIT_USAGE)
            password = os.environ.get(password_env, "")
            admin.add(actor, username, role, tuple(unit or ()), password, replace=True)
        except UserAdminError as exc:
            typer.echo(f"{exc} (password from ${password_env})", err=True)
            raise typer.Exit(EXIT_INVALID) from exc
        finally:
            store.close()
        typer.echo(f"{username} ({role}) → {store.url}")
