"""Formulation pieces that declare what they need and what they add.

A :class:`Piece` wraps one constraint family's ``add_<piece>(m, inputs, cfg)`` with its
declarations: the :class:`pks.optimise.inputs.ModelInputs` fields it reads (``needs``),
the variable blocks it reads (``reads``; ``reads_optional`` for blocks it uses when an
earlier piece added them, e.g. the strategic ``fte``), the ``meta`` entries it reads, and
the variable blocks, constraint blocks and ``meta`` entries it adds.
:func:`build_pieces` checks the declarations in order, so a missing dependency (an input
not prepared, a block read before a piece adds it, a piece adding what it did not
declare) fails at build time with the piece's name instead of a ``KeyError`` deep inside
a join or a silently different model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pks.config.optimise import BuildConfig
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import LinearModel

AddFn = Callable[[LinearModel, ModelInputs, BuildConfig], None]


class PieceError(ValueError):
    """A piece's declared dependency is missing, or it added what it did not declare."""


@dataclass(frozen=True)
class Piece:
    """One constraint family with its declared inputs and outputs."""

    name: str
    add: AddFn
    needs: tuple[str, ...] = ()
    """``ModelInputs`` fields read (must not be ``None``)."""
    reads: tuple[str, ...] = ()
    """Variable blocks read; an earlier piece must have added them."""
    reads_optional: tuple[str, ...] = ()
    """Variable blocks used when present (their absence is a modelling choice)."""
    reads_meta: tuple[str, ...] = ()
    """``LinearModel.meta`` entries read; an earlier piece must have set them."""
    adds: tuple[str, ...] = ()
    """Variable blocks it may add (some only when the data call for them)."""
    rows: tuple[str, ...] = ()
    """Constraint blocks it may add."""
    adds_meta: tuple[str, ...] = ()
    """``LinearModel.meta`` entries it may set."""

    def __call__(self, m: LinearModel, inputs: ModelInputs, cfg: BuildConfig) -> None:
        """Apply the piece with its declarations checked (see :func:`build_pieces`)."""
        missing = [f"input {n!r}" for n in self.needs if getattr(inputs, n, None) is None]
        missing += [f"variable block {n!r}" for n in self.reads if n not in m.var_blocks]
        missing += [f"meta entry {n!r}" for n in self.reads_meta if n not in m.meta]
        if missing:
            raise PieceError(f"piece {self.name!r} needs {', '.join(missing)}, which no "
                             "earlier piece or input preparation provides")
        before_v, before_c, before_m = set(m.var_blocks), set(m.con_blocks), set(m.meta)
        self.add(m, inputs, cfg)
        extra = [f"variable block {n!r}" for n in set(m.var_blocks) - before_v
                 if n not in self.adds]
        extra += [f"constraint block {n!r}" for n in set(m.con_blocks) - before_c
                  if n not in self.rows]
        extra += [f"meta entry {n!r}" for n in set(m.meta) - before_m
                  if n not in self.adds_meta]
        if extra:
            raise PieceError(f"piece {self.name!r} added undeclared {', '.join(sorted(extra))}")


def check_order(pieces: Sequence[Piece], level: str) -> None:
    """Every declared read is added by an earlier piece (checked before anything is built).

    Raises :class:`PieceError` naming the first piece whose variable block or meta entry
    no earlier piece declares.
    """
    vars_: set[str] = set()
    meta: set[str] = set()
    for p in pieces:
        lack = [f"variable block {n!r}" for n in p.reads if n not in vars_]
        lack += [f"meta entry {n!r}" for n in p.reads_meta if n not in meta]
        if lack:
            raise PieceError(f"{level}: piece {p.name!r} reads {', '.join(lack)} before any "
                             "piece adds it")
        vars_ |= set(p.adds)
        meta |= set(p.adds_meta)
