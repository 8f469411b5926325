"""Regenerate ``expected_values.toml`` (the demo region's tactical regression reference).

Run from the repository root after a deliberate change of the model or the demo data::

    .venv/bin/python -m tests.optimise.regenerate_expected "reason for the change"

It solves the demo region's tactical level exactly as ``test_demo.py`` does (default
settings: lexicographic objective, binding frames) and writes the sizes and the optimal
value of each objective stage, with the date and the reason as a comment.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def demo_reference() -> dict[str, float | int]:
    """Sizes and stage values of the demo region's tactical model."""
    from pks.config import load_scenario
    from pks.data.io import read_csv_folder
    from pks.data.weeks import weeks_of_year
    from pks.optimise.inputs import demand_from_history
    from pks.optimise.levels.tactical import build_tactical, tactical_inputs
    from pks.optimise.solve import solve

    cfg = load_scenario(ROOT / "models" / "demo_region")
    data = read_csv_folder(cfg.data.instance_dir)
    inp = tactical_inputs(data, cfg, demand=demand_from_history(data, weeks_of_year(2026)))
    m = build_tactical(inp, cfg)
    r = solve(m, cfg.solve)
    if not r.ok:
        raise SystemExit(f"demo tactical model not optimal: {r.status.value}")
    return {"objective_sek": r.objective_sek, "n_vars": m.n_vars, "n_cons": m.n_cons,
            **{f"stage_{k}": v for k, v in r.objectives.items()}}


def main(reason: str) -> None:
    """Write the reference with ``reason``."""
    ref = demo_reference()
    lines = ["# Regression references of the optimiser (Temoa-style): change only with a dated "
             "reason.", f"# {dt.date.today().isoformat()}: {reason}",
             "# Regenerate: .venv/bin/python -m tests.optimise.regenerate_expected \"reason\"",
             "", "[demo_tactical]"]
    lines += [f"{k} = {v!r}" for k, v in ref.items()]
    (HERE / "expected_values.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(" ".join(sys.argv[1:]) or "regenerated")
