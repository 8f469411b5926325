"""Synthetic planning regions: the demo region, the Västerbotten-style instance and benchmark sizes.

A developer tool used by ``pks dev`` and by tests and benchmarks; it builds
:class:`~pks.data.planning_data.PlanningData` from a :class:`RegionSpec` and a seed and is not
part of the data model (``pks.data``). Modules: :mod:`~pks.demo.tables` (every table of the
schema), :mod:`~pks.demo.regions` (the region specs), :mod:`~pks.demo.profiles` (specialty
profiles), :mod:`~pks.demo.population` (SCB population and projections, with the embedded
SCB extract in :mod:`~pks.demo.scb`), :mod:`~pks.demo.history` (the weekly queue
simulation), :mod:`~pks.demo.calendar` (holidays and seasons), :mod:`~pks.demo.spec` (the
spec dataclasses) and :mod:`~pks.demo.csv` (byte-exact CSV files).
"""

from pks.demo.tables import (
    HOSPITALS,
    FrameSpec,
    NodeSpec,
    RegionSpec,
    UnitSpec,
    demo_spec,
    generate_region,
    sized_spec,
    vasterbotten_spec,
)

__all__ = ["HOSPITALS", "FrameSpec", "NodeSpec", "RegionSpec", "UnitSpec", "demo_spec",
           "generate_region", "sized_spec", "vasterbotten_spec"]
