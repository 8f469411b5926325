"""The PKS follow-up dashboard (Dash Pages), a thin client of ``pks``.

``pks.dashboard.app.create_app(settings)`` builds the app; ``serve(settings)`` runs it.
Data access, with the role scope enforced server-side, is in :mod:`.data`; figures are
pure builders in :mod:`.figures`; pages live in :mod:`.pages`.
"""
