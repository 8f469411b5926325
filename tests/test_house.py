"""House rules checked on the source: calendar constants in one place, few ``# type: ignore``.

These tests scan all of ``src/pks`` (every layer, the simulator and the optimiser included),
so they hold for the merged code base, not for one corner of it.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import pytest

from pks import calendar
from tests.swedish import giveaways as _giveaways
from tests.swedish import snake_case_not_translated as _snake_case_not_translated

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "pks"
CONSTANTS_MODULE = SRC / "calendar.py"

CALENDAR_LITERALS: frozenset[float] = frozenset({52, 7.0, 52.18, 365.25})
"""Values that are calendar facts (weeks per year, days per week, days per year) when they
appear as literals; the integer 7 is not in the list (it is also a count of other things)."""

ALLOWED_LITERALS: frozenset[tuple[str, int]] = frozenset()
"""(file relative to ``src/pks``, value) pairs where such a number is not a calendar fact."""


def _sources() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


def calendar_literals(source: str) -> list[tuple[int, float]]:
    """(line, value) of each numeric literal in ``source`` equal to a calendar constant.

    Booleans are not numbers here (``True == 1``); a float literal ``52.0`` counts as 52.
    """
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float) \
                and node.value in CALENDAR_LITERALS \
                and not (type(node.value) is int and node.value == 7):
            out.append((node.lineno, node.value))
    return sorted(out)


def test_the_scanner_finds_calendar_literals_and_ignores_other_numbers():
    src = "a = x / 52\nb = y * 7.0\nc = 52.0 + 7\nd = 365.25 / 7\ne = 53 + 6.9 + True\n"
    assert calendar_literals(src) == [(1, 52), (2, 7.0), (3, 52.0), (4, 365.25)]


def test_the_constants_hold_the_calendar():
    assert calendar.WEEKS_PER_YEAR == 52
    assert calendar.DAYS_PER_WEEK == calendar.DAYS_PER_WEEK_INT == 7
    assert calendar.MEAN_WEEKS_PER_YEAR == pytest.approx(365.25 / 7)
    assert calendar.ROUNDED_MEAN_WEEKS_PER_YEAR == round(calendar.MEAN_WEEKS_PER_YEAR, 2)


def test_no_calendar_literal_outside_the_constants_module():
    """52 (weeks per year), 7.0 (days per week), 365.25 and 52.18 live in :mod:`pks.calendar`."""
    found = []
    for path in _sources():
        if path == CONSTANTS_MODULE:
            continue
        rel = path.relative_to(SRC).as_posix()
        for line, value in calendar_literals(path.read_text(encoding="utf-8")):
            if (rel, int(value)) not in ALLOWED_LITERALS:
                found.append(f"{rel}:{line}: {value!r}")
    assert not found, "calendar literals outside pks.calendar:\n" + "\n".join(found)


TYPE_IGNORE_LIMIT = 10
"""``# type: ignore`` comments allowed in all of ``src/pks`` (only where a third-party stub
forces one: Dash's constructor hints, Flask's ``wsgi_app`` method)."""


def type_ignores(source: str) -> int:
    """Number of ``# type: ignore`` comments in ``source`` (comments only, not strings)."""
    return sum(1 for tok in tokenize.generate_tokens(io.StringIO(source).readline)
               if tok.type == tokenize.COMMENT and "type: ignore" in tok.string)


def test_the_counter_sees_comments_not_strings():
    src = 'x = 1  # type: ignore[assignment]\ny = "# type: ignore"\nz = 2  # type: ignore\n'
    assert type_ignores(src) == 2


def test_type_ignores_are_fewer_than_ten():
    counts = {p.relative_to(SRC).as_posix(): type_ignores(p.read_text(encoding="utf-8"))
              for p in _sources()}
    used = {k: v for k, v in sorted(counts.items()) if v}
    assert sum(used.values()) < TYPE_IGNORE_LIMIT, used


VULTURE_CONFIDENCE = 60
"""Vulture's confidence floor in percent (60 = also unused attributes and variables)."""


def _dead_code() -> list[str]:
    vulture = pytest.importorskip("vulture")
    from tests.vulture_allowlist import IGNORE_DECORATORS, IGNORE_NAMES

    v = vulture.Vulture(ignore_names=list(IGNORE_NAMES),
                        ignore_decorators=list(IGNORE_DECORATORS))
    v.scavenge([str(SRC), str(ROOT / "tests"), str(ROOT / "benchmarks")],
               exclude=["*/vulture_allowlist.py"])
    return [f"{Path(item.filename).relative_to(SRC).as_posix()}:{item.first_lineno}: "
            f"{item.typ} {item.name!r}"
            for item in v.get_unused_code(min_confidence=VULTURE_CONFIDENCE)
            if Path(item.filename).is_relative_to(SRC)]


def test_no_dead_code_in_the_library():
    """Vulture finds nothing unused in ``src/pks`` beyond ``tests/vulture_allowlist.py``."""
    dead = _dead_code()
    assert not dead, "unused code:\n" + "\n".join(dead)


# --------------------------------------------------------------------------- Swedish CLI

def _command_paths() -> list[list[str]]:
    import typer

    from pks.cli import app

    out: list[list[str]] = [[]]

    def walk(cmd: object, path: list[str]) -> None:
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            out.append([*path, name])
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return out


def _run(args: list[str], monkeypatch: pytest.MonkeyPatch, lang: str = "sv") -> str:
    from typer.testing import CliRunner

    from pks.cli import app

    monkeypatch.setenv("PKS_LANG", lang)
    monkeypatch.setenv("COLUMNS", "200")
    r = CliRunner().invoke(app, args)
    return r.output + (r.stderr if r.stderr_bytes is not None else "")


def test_the_giveaway_check_can_fail():
    assert _giveaways("Optimise the plan (adopted 2026-01-02), objective 4.1e10 SEK") == [
        "the", "objective", "(adopted"]
    assert _giveaways("Kör planen; status fastställd") == []
    assert _snake_case_not_translated("kolumnen saknas: missing_column, first_line_manager") \
        == ["missing_column"]


def test_every_help_is_swedish(monkeypatch: pytest.MonkeyPatch):
    """``pks --help`` and every command's ``--help``: no English, no untranslated identifiers."""
    problems = {}
    for path in _command_paths():
        text = _run([*path, "--help"], monkeypatch)
        found = _giveaways(text) + _snake_case_not_translated(text)
        if found:
            problems[" ".join(["pks", *path])] = found
    assert not problems, problems


def test_help_is_english_on_request(monkeypatch: pytest.MonkeyPatch):
    text = _run(["plan", "--help"], monkeypatch, lang="en")
    assert "Optimise a production and capacity plan" in text and "Options" in text


def test_validation_report_is_swedish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``pks validate`` on a bad folder: every problem in Swedish, codes by their names."""
    from pks.data.io import write_csv_folder
    from tests.data.tiny_region import tiny_tables

    tables = tiny_tables()
    tables["org_nodes"] = tables["org_nodes"].drop(columns=["name"])
    write_csv_folder(tables, tmp_path / "region")
    text = _run(["validate", str(tmp_path / "region")], monkeypatch)
    assert "Antal per feltyp: saknad kolumn 1" in text
    assert _giveaways(text) == []


def test_a_plan_row_is_in_planner_units_and_swedish(tmp_path: Path):
    """``pks plans``' row: status and level translated, the objective's parts in mnkr and
    weighted case-weeks (41,1 mnkr real net cost, 250 case-weeks, 0,5 mnkr overrun)."""
    import pandas as pd

    from pks.cli.common import plan_row
    from pks.data.store import Store

    objective = pd.DataFrame({
        "part": ["real_cost", "real_cost", "care", "frame"],
        "component": ["staff", "agency", "care_weighted", "frame_overrun"],
        "value": [40_000_000.0, 1_100_000.0, 250.0, 500_000.0]})
    store = Store.open(f"sqlite:///{tmp_path / 'pks.db'}")
    run_id = store.save_run("plan", {"plan_objective": objective}, scenario="base",
                            level="tactical", status="draft", note="")
    row = plan_row(store, store.run(run_id), "", "sv")
    store.close()
    assert "taktisk" in row and "utkast" in row
    assert "verklig nettokostnad 41,1 mnkr" in row and "ej given vård 250 viktade" in row
    assert "ramöverskridning 0,5 mnkr" in row
    assert _giveaways(row) == [] and _snake_case_not_translated(row) == []


def test_info_names_care_type_kinds_in_swedish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``pks info``: the care-type kinds by their Swedish names, no internal codes."""
    from pks.data.io import write_csv_folder
    from tests.data.tiny_region import tiny_tables

    write_csv_folder(tiny_tables(), tmp_path / "region")
    db = f"sqlite:///{tmp_path / 'pks.db'}"
    _run(["load", str(tmp_path / "region"), "--db", db], monkeypatch)
    text = _run(["info", "--db", db], monkeypatch)
    assert "nybesök 3" in text and "vårdtillfälle 1" in text
    assert _giveaways(text) == [] and _snake_case_not_translated(text) == []
