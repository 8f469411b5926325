"""pks.sweep: scenario sweeps through forecast, strategic plan and simulation.

Sits above :mod:`pks.optimise` and :mod:`pks.simulate` (and below follow-up):
:mod:`pks.sweep.spec` reads a spec (YAML overrides or a ``key=v1,v2`` grid),
:mod:`pks.sweep.run` runs one scenario, :mod:`pks.sweep.store_io` runs a sweep resumably
against the store and reads back :func:`~pks.sweep.store_io.sweep_comparison`.
"""
