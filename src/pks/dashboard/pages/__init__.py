"""Dash pages: one module per page, each with ``PATH``, ``layout(**query)`` and
``register_callbacks(app, svc)``; callback bodies are plain functions taking the data
service and the principal first, so tests call them directly."""

PAGE_MODULES = ("operative", "tactical", "strategic", "report")
