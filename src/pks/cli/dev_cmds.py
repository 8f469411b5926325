"""Developer commands: regenerate or check the committed synthetic regions.

``pks dev generate-demo [--out data/demo_region] [--check]`` writes (or compares byte for
byte) the demo region; ``--region vasterbotten_style`` does the same for the small
Västerbotten-style instance.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pks.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, LangOpt
from pks.i18n import t
from pks.types import Language

if TYPE_CHECKING:
    from pks.data.planning_data import PlanningData

DEMO_SEED = 20260101
"""Seed of the committed demo region (and of the Västerbotten-style instance)."""

REGIONS = {
    "demo_region": Path("data/demo_region"),
    "vasterbotten_style": Path("data/vasterbotten_style"),
}

dev_app = typer.Typer(help="Utvecklarkommandon / developer commands.", no_args_is_help=True)


def build_region(region: str, seed: int = DEMO_SEED) -> PlanningData:
    """Generate one of the committed regions (``demo_region`` or ``vasterbotten_style``)."""
    from pks.demo import demo_spec, generate_region, vasterbotten_spec

    spec = demo_spec() if region == "demo_region" else vasterbotten_spec()
    return generate_region(spec, seed)


def generate_demo(out: Path | None = None, check: bool = False, region: str = "demo_region",
                  seed: int = DEMO_SEED) -> tuple[int, list[str]]:
    """Write or check a committed region; returns ``(exit_code, differing_files)``."""
    from pks.demo.csv import compare_region_csv, write_region_csv

    if region not in REGIONS:
        return EXIT_USAGE, []
    folder = out or REGIONS[region]
    data = build_region(region, seed)
    if check:
        diffs = compare_region_csv(data, folder)
        return (EXIT_INVALID if diffs else EXIT_OK), diffs
    write_region_csv(data, folder)
    return EXIT_OK, []


@dev_app.command("generate-demo")
def generate_demo_cmd(
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (default: the "
                                             "region's folder under data/).")] = None,
    check: Annotated[bool, typer.Option("--check", help="Compare byte for byte instead of "
                                        "writing; exit 1 if any file differs.")] = False,
    region: Annotated[str, typer.Option("--region", help="demo_region or "
                                        "vasterbotten_style.")] = "demo_region",
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = DEMO_SEED,
    lang: LangOpt = "sv",
) -> None:
    """Regenerate (or check) the synthetic demo region's CSV files.

    Exit codes: 0 written or identical; 1 files differ (with --check); 2 unknown region.
    """
    language: Language = "en" if lang == "en" else "sv"
    code, diffs = generate_demo(out, check, region, seed)
    folder = out or REGIONS.get(region, Path("?"))
    if code == EXIT_USAGE:
        typer.echo(t("dev.unknown_region", language, region=region,
                     choices=", ".join(sorted(REGIONS))), err=True)
    elif check and diffs:
        typer.echo(t("dev.files_differ", language, n=len(diffs), folder=folder,
                     files=", ".join(diffs)), err=True)
    elif check:
        typer.echo(t("dev.identical", language, folder=folder))
    else:
        typer.echo(t("dev.written", language, region=region, folder=folder))
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add the ``dev`` command group to the main app."""
    app.add_typer(dev_app, name="dev")
