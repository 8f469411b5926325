"""Swedish first in ``pks --help``: every command's and option's help from ``cli.yaml``.

The commands keep their English help in the code; when the ``pks`` command tree is built
the help is looked up in the translation files, first as ``cli.<command path>.help`` (the
command) and ``cli.<command path>.<option>`` (an option), then as ``cli.opt.<option>`` (an
option shared by many commands, e.g. ``--db``). The language is ``PKS_LANG`` (``sv`` by
default, ``en`` for English); ``--lang en`` on the command line is honoured too, since help
is printed before options are parsed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer import rich_utils
from typer.core import TyperGroup

from pks.i18n import catalogue, t
from pks.types import Language

LANG_ENV = "PKS_LANG"
"""Environment variable choosing the CLI's language (as ``--lang`` does)."""
PANEL_TEXTS: dict[str, str] = {
    "ARGUMENTS_PANEL_TITLE": "cli.panel.arguments", "OPTIONS_PANEL_TITLE": "cli.panel.options",
    "COMMANDS_PANEL_TITLE": "cli.panel.commands", "DEFAULT_STRING": "cli.panel.default",
    "ENVVAR_STRING": "cli.panel.envvar", "REQUIRED_LONG_STRING": "cli.panel.required",
}
"""Typer's help-panel texts (attributes of :mod:`typer.rich_utils`) and their keys."""


def help_lang(argv: Sequence[str] | None = None, env: dict[str, str] | None = None
              ) -> Language:
    """The language of the help: ``--lang en`` on the command line, else ``PKS_LANG``, else sv."""
    args = list(sys.argv[1:] if argv is None else argv)
    for i, arg in enumerate(args):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else (
            args[i + 1] if arg == "--lang" and i + 1 < len(args) else None)
        if value in ("sv", "en"):
            return "en" if value == "en" else "sv"
    return "en" if (os.environ if env is None else env).get(LANG_ENV) == "en" else "sv"


def _text(keys: Sequence[str], original: str | None, lang: Language) -> str | None:
    """The first of ``keys`` in the catalogue, translated; else ``original``."""
    known = catalogue()
    for key in keys:
        if key in known:
            return t(key, lang)
    return original


def localise(cmd: Any, lang: Language, path: tuple[str, ...] = ()) -> None:
    """Replace the help of ``cmd``, its options and its sub-commands from the catalogue."""
    name = ".".join(path) if path else "pks"
    cmd.help = _text([f"cli.{name}.help"], cmd.help, lang)
    cmd.short_help = None
    for param in cmd.params:
        if getattr(param, "help", None):
            param.help = _text([f"cli.{name}.{param.name}", f"cli.opt.{param.name}"],
                               param.help, lang)
    help_option = cmd.get_help_option(typer.Context(cmd))
    if help_option is not None:
        help_option.help = t("cli.opt.help", lang)
    for sub_name, sub in getattr(cmd, "commands", {}).items():
        localise(sub, lang, (*path, sub_name))


class LocalisedGroup(TyperGroup):
    """The ``pks`` group, its help and its commands' help in the chosen language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = help_lang()
        localise(self, lang)
        for attr, key in PANEL_TEXTS.items():
            setattr(rich_utils, attr, t(key, lang))


def register(app: typer.Typer) -> None:
    """Build the ``pks`` command tree with :class:`LocalisedGroup`."""
    app.info.cls = LocalisedGroup
