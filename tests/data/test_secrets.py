"""No password in any output: commands, errors, log lines and stored run records (issue 13).

Each command runs against a fresh SQLite store and against a real PostgreSQL server whose
URL carries a password (trust authentication on loopback accepts any password), on
success and on failure. A typo in ``--db`` (an empty or missing store) exits 1 and writes nothing.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from tiny_region import tiny_tables
from typer.testing import CliRunner

from pks.cli import app
from pks.data.io import write_csv_folder
from pks.data.secrets import RedactingFilter, mask_url, redact
from pks.data.store import Store

PASSWORD = "Hemligt-L0senord"  # noqa: S105 - the secret the tests look for


def _with_password(url: str) -> str:
    u = sa.engine.make_url(url)
    return u.set(username=u.username or "pks", password=PASSWORD).render_as_string(
        hide_password=False)


@pytest.fixture
def secret_url(store_url: str) -> str:
    """The fresh store's URL, with a password in it on PostgreSQL."""
    return store_url if store_url.startswith("sqlite") else _with_password(store_url)


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    """The tiny region as a model instance (population projected for the plan years)."""
    t = tiny_tables()
    pop = t["population"]
    scb = pop[pop.scenario == "scb"]
    t["population"] = pd.concat([pop, *(scb.assign(year=y) for y in (2027, 2028))],
                                ignore_index=True)
    write_csv_folder(t, tmp_path / "data")
    m = tmp_path / "model"
    m.mkdir()
    (m / "model.yaml").write_text(f"data:\n  instance_dir: {tmp_path / 'data'}\n"
                                  "  budget_year: 2026\n  as_of_week: 2026-W03\n",
                                  encoding="utf-8")
    return m


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    text = result.output + (repr(result.exception) if result.exception else "")
    assert PASSWORD not in text, (args, text)
    return text


def _stored_text(url: str) -> str:
    """Every text cell of every table of the store, concatenated."""
    parts: list[str] = []
    with Store.open(url) as s, s.engine.connect() as conn:
        for name in sa.inspect(conn).get_table_names():
            for row in conn.execute(sa.text(f'SELECT * FROM "{name}"')):
                parts.extend(str(v) for v in row if isinstance(v, str))
    return "\n".join(parts)


def test_no_password_in_any_output_success_and_failure(secret_url: str, model_dir: Path,
                                                       caplog: pytest.LogCaptureFixture
                                                       ) -> None:
    caplog.set_level(logging.DEBUG)
    data = str(model_dir.parent / "data")
    m = str(model_dir)
    # an empty store: every command that needs inputs refuses it, naming the masked URL
    for args in (["info"], ["export", "--out", str(model_dir.parent / "x")], ["plans"],
                 ["forecast", "--model", m], ["plan", "--level", "strategic", "--model", m],
                 ["simulate", "--plan", "latest", "--model", m, "--no-progress"]):
        text = _run(*args, "--db", secret_url, "--lang", "en")
        assert "holds no input data" in text or "does not exist" in text, (args, text)
        assert "***" in text or secret_url.startswith("sqlite")
    # success
    shown = mask_url(secret_url)
    assert shown in _run("load", data, "--db", secret_url, "--lang", "en")
    _run("info", "--db", secret_url, "--lang", "en")
    text = _run("forecast", "--model", m, "--db", secret_url, "--lang", "en")
    assert "Stored as run" in text and shown in text
    _run("export", "--out", str(model_dir.parent / "out.xlsx"), "--db", secret_url)
    _run("plans", "--db", secret_url, "--lang", "en")
    # failure after loading: no plan to simulate, unknown run
    _run("simulate", "--plan", "latest", "--model", m, "--db", secret_url, "--no-progress")
    _run("export", "--run", "nope", "--out", str(model_dir.parent / "y"), "--db", secret_url)
    assert PASSWORD not in caplog.text
    assert PASSWORD not in _stored_text(secret_url.replace(f":{PASSWORD}", ""))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("cmd", [["info"], ["load", "DATA"], ["plans"]])
def test_unreachable_server_error_hides_password(cmd: list[str], model_dir: Path) -> None:
    url = f"postgresql+psycopg://planner:{PASSWORD}@127.0.0.1:{_closed_port()}/pks"
    args = [c.replace("DATA", str(model_dir.parent / "data")) for c in cmd]
    result = CliRunner().invoke(app, [*args, "--db", url, "--lang", "en"])
    assert result.exit_code == 1
    assert PASSWORD not in result.output and "planner:***@127.0.0.1" in result.output


@pytest.mark.postgres
def test_wrong_database_on_real_server_hides_password(postgres_server: object) -> None:
    url = _with_password(postgres_server.url("no_such_database"))  # type: ignore[attr-defined]
    result = CliRunner().invoke(app, ["info", "--db", url, "--lang", "en"])
    assert result.exit_code == 1
    assert PASSWORD not in result.output and "***" in result.output
    assert "no_such_database" in result.output


def test_typo_in_db_exits_1_and_creates_nothing(tmp_path: Path, model_dir: Path) -> None:
    typo = tmp_path / "typo.db"
    result = CliRunner().invoke(app, ["plan", "--level", "strategic", "--model", str(model_dir),
                                      "--db", f"sqlite:///{typo}", "--lang", "en"])
    assert result.exit_code == 1 and "does not exist" in result.output
    assert not typo.exists()
    # the store exists but is empty (created by another tool): refused the same way
    Store.open(f"sqlite:///{typo}").close()
    result = CliRunner().invoke(app, ["forecast", "--model", str(model_dir),
                                      "--db", f"sqlite:///{typo}", "--lang", "en"])
    assert result.exit_code == 1 and "holds no input data" in result.output
    with Store.open(f"sqlite:///{typo}") as s:
        assert s.runs().empty and not s.has_inputs()


def test_redaction_helpers() -> None:
    assert mask_url(f"postgresql://a:{PASSWORD}@h:5432/d") == "postgresql://a:***@h:5432/d"
    assert redact(f"x postgresql+psycopg://a:{PASSWORD}@h/d y") == \
        "x postgresql+psycopg://a:***@h/d y"
    assert redact(f"host=h password={PASSWORD} dbname=d") == "host=h password=*** dbname=d"
    assert PASSWORD not in redact(f"failed for {PASSWORD}", [PASSWORD])
    rec = logging.LogRecord("pks", logging.ERROR, __file__, 1, "cannot open %s",
                            (f"postgresql://u:{PASSWORD}@h/d",), None)
    assert RedactingFilter().filter(rec) and PASSWORD not in rec.getMessage()


def test_run_record_config_is_redacted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    with Store.open(url) as s:
        s.write_inputs(tiny_tables(), source="t")
        run_id = s.save_run("forecast", {}, scenario="base", config={
            "solve": {"scheduler_address": f"tcp://u:{PASSWORD}@10.0.0.1:8786"}})
        assert PASSWORD not in str(s.run(run_id).config)
        assert "***" in str(s.run(run_id).config)
