"""``python -m pks.cli.main``: the ``pks`` command without the installed entry point."""

from pks.cli import app

if __name__ == "__main__":
    app()
