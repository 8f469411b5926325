"""Dash pages: one module per page.

Each has ``PATH``, ``make_layout(svc, principal_fn)`` (the layout as a function of the
query string) and ``register_callbacks(app, svc, principal_fn)``; callback bodies are plain
functions taking the data service and the principal first, so tests call them directly.
"""

PAGE_MODULES = ("operative", "tactical", "strategic", "report", "economy", "governance",
                "measures_page", "whatif", "followup")
