"""Need-based demand forecast and capacity need (issue 3).

Modules
-------
queueing
    Pure waiting-list arithmetic (NHSRwaitinglist semantics), the care-guarantee
    translation and Erlang-B bed arithmetic.
calendar
    Working days per ISO week (Swedish public and de facto holidays) and per month.
demography
    The demographic driver: age/sex use profile × population projection.
model
    One series: Fourier-seasonal Poisson GLM with a working-day term, then ETS(A,Ad,N).
demand
    :func:`forecast_demand` → :class:`ForecastResult` (table ``forecast_demand``,
    ``sample_paths``).
need
    ``need_capacity``, ``need_staff``, ``need_beds``, ``need_ward_sizes``.
backtest
    Rolling-origin evaluation against seasonal-naive and the ``docs/backtest.md`` report.
runs
    Loading inputs, storing runs, report summaries (the I/O edge).

Nothing is imported here: ``pks.config.schema`` imports ``pks.config.forecast``, and the
forecast modules import ``pks.config`` (import ``pks.forecast.demand`` etc. directly).
"""
