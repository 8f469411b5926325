"""Generate the data-model reference ``docs/data-model.md`` from the table schemas.

The reference is never edited by hand: ``pks docs`` regenerates it and a test fails when
the committed file is stale.
"""

from __future__ import annotations

from pathlib import Path

from pks.data.schema import SCHEMAS, ColumnSpec
from pks.i18n import catalogue

DEFAULT_PATH = Path("docs/data-model.md")

_GROUP_TITLES = {
    "organisation": "Organisation",
    "production": "Production",
    "staffing": "Staffing",
    "capacity": "Capacity",
    "economy": "Economy",
    "demand": "Demand",
    "population": "Population",
    "targets": "Targets",
    "actuals": "Actuals (follow-up)",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _range(c: ColumnSpec) -> str:
    if c.allowed:
        return ", ".join(f"`{a}`" for a in c.allowed)
    if c.min is None and c.max is None:
        return ""

    def num(v: float | None) -> str:
        if v is None:
            return ""
        return f"{int(v):,}".replace(",", " ") if float(v).is_integer() else f"{v:g}"

    return f"{num(c.min)} … {num(c.max)}"


def render_data_model() -> str:
    """The full Markdown text of the data-model reference."""
    out = [
        "# Data model",
        "",
        "<!-- Generated from src/pks/data/schema/*.csv by `pks docs`. Do not edit by hand. -->",
        "",
        "Every input of pks is a tidy table with a declared schema (`src/pks/data/schema/`). "
        "The schemas drive validation (`pks validate`), the Excel template (`pks template`), "
        "the SQL tables of the store and this reference. A region's data are a folder of "
        "`<table>.csv` files (UTF-8, `,` separator; Swedish Excel exports with `;` and "
        "decimal comma are read too) or an Excel workbook with one sheet per table.",
        "",
        "Conventions: column names carry their unit (`_cases`, `_h`, `_fte`, `_sek`, `_pu` "
        "for a fraction, `_days`); weeks are ISO weeks `YYYY-Www`; dates `YYYY-MM-DD`; "
        "booleans `true`/`false` (also `ja`/`nej`, `1`/`0`). Key columns together identify "
        "a row; references name the table column a value must exist in (a `care_type` "
        "refers to the pair unit and care type in `care_types`). Producing units are leaves "
        "of the organisation tree, so every figure rolls up the tree exactly.",
        "",
        "| dtype | stored as |",
        "|---|---|",
        "| `str` | text |",
        "| `int` | whole number |",
        "| `float` | decimal number |",
        "| `bool` | true/false |",
        "| `week` | ISO week `YYYY-Www` that exists (2026-W53 does not) |",
        "| `date` | `YYYY-MM-DD` |",
        "",
        "## Tables",
        "",
        "| table | group | required | rows are | description |",
        "|---|---|---|---|---|",
    ]
    for name, s in SCHEMAS.items():
        key = " × ".join(s.key) if s.key else "—"
        out.append(f"| [`{name}`](#{name}) | {s.group} | {'yes' if s.required else 'no'} | "
                   f"{_cell(key)} | {_cell(s.description)} |")
    out.append("")
    group = None
    for name, s in SCHEMAS.items():
        if s.group != group:
            group = s.group
            out += [f"## {_GROUP_TITLES.get(group, group.title())}", ""]
        out += [
            f"### {name}",
            "",
            _cell(s.description),
            "",
            f"*Svenska:* {_cell(s.description_sv)}",
            "",
            f"Required table: {'yes' if s.required else 'no'}. "
            f"Key: {', '.join(f'`{k}`' for k in s.key) if s.key else '—'}.",
            "",
            "| column | dtype | unit | range / allowed | required | key | references "
            "| description | beskrivning |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for c in s.columns:
            ref = f"`{c.references[0]}.{c.references[1]}`" if c.references else ""
            out.append(
                f"| `{c.name}` | {c.dtype} | {_cell(c.unit)} | {_cell(_range(c))} | "
                f"{'yes' if c.required else 'no'} | {'yes' if c.key else ''} | {ref} | "
                f"{_cell(c.description)} | {_cell(c.description_sv)} |")
        out.append("")
    out += [
        "## Validation issues",
        "",
        "`pks validate` and `pks load` report every problem at once with the table, the "
        "data row (1 = first row under the header), the column, the value and what was "
        "expected. Codes:",
        "",
        "| code | message (en) | meddelande (sv) |",
        "|---|---|---|",
    ]
    cat = catalogue()
    for key in sorted(k for k in cat if k.startswith("data.issue.") and k != "data.issue.generic"):
        code = key.removeprefix("data.issue.")
        entry = cat[key]
        out.append(f"| `{code}` | {_cell(entry.get('en', ''))} | {_cell(entry.get('sv', ''))} |")
    out.append("")
    return "\n".join(out)


def write_data_model(path: str | Path = DEFAULT_PATH) -> Path:
    """Write the reference to ``path`` (creating folders) and return the path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(render_data_model(), encoding="utf-8")
    return p
