"""Pieces declare their inputs and blocks; the build checks them; restrict() follows the
fields' declarations."""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import pytest

from pks.optimise import constraints as c
from pks.optimise.inputs import PER, ModelInputs
from pks.optimise.levels import build_from_pieces
from pks.optimise.levels.operative import PIECES as OPERATIVE
from pks.optimise.levels.strategic import PIECES as STRATEGIC
from pks.optimise.levels.tactical import PIECES as TACTICAL
from pks.optimise.levels.tactical import build_tactical
from pks.optimise.piece import Piece, PieceError, check_order
from tests.optimise.tiny import tiny_cfg, tiny_data, tiny_inputs

UNITS = (("U1", "D1"), ("U2", "D1"), ("U3", "D2"))


def setup():
    cfg = tiny_cfg()
    data = tiny_data(units=UNITS, weeks=4, frames=(("D1", 2026, 30_000.0),))
    return tiny_inputs(data, cfg, weeks=4), cfg


@pytest.mark.parametrize("pieces", [STRATEGIC, TACTICAL, OPERATIVE])
def test_levels_list_pieces_in_a_valid_order(pieces):
    check_order(pieces, "level")  # raises on a read before its add


def test_read_before_add_fails_naming_the_piece():
    with pytest.raises(PieceError, match="piece 'waiting_list' reads variable block 'x'"):
        check_order((c.WAITING_LIST, c.PRODUCTION), "tactical")


def test_missing_input_fails_naming_the_piece():
    inp, cfg = setup()
    with pytest.raises(PieceError, match="piece 'waiting_list' needs input 'demand'"):
        build_from_pieces(replace(inp, demand=None), cfg.build, TACTICAL, "tactical")


def test_undeclared_block_fails_naming_the_piece():
    inp, cfg = setup()
    quiet = Piece("production_undeclared", c.add_production, needs=("grid", "uc", "uck"),
                  adds=("x",), adds_meta=("ext_uck",))
    with pytest.raises(PieceError, match="'production_undeclared' added undeclared "
                                         "constraint block 'c_external_max'"):
        build_from_pieces(inp, cfg.build, (quiet,), "tactical")


def test_declared_blocks_are_what_the_model_holds():
    """Every block of the built tactical model is declared by exactly one piece."""
    inp, cfg = setup()
    m = build_tactical(inp, cfg)
    declared_v = [b for p in TACTICAL for b in p.adds]
    declared_c = [b for p in TACTICAL for b in p.rows]
    assert len(declared_v) == len(set(declared_v))
    assert len(declared_c) == len(set(declared_c))
    assert set(m.var_blocks) <= set(declared_v)
    assert set(m.con_blocks) <= set(declared_c)


def test_every_input_field_declares_what_it_is_per():
    assert all(PER in f.metadata for f in fields(ModelInputs))


def test_restrict_keeps_the_units_rows_and_their_frames():
    inp, _ = setup()
    same = inp.restrict(["U1", "U2", "U3"])
    np.testing.assert_array_equal(same.demand, inp.demand)
    np.testing.assert_array_equal(same.hours_per_fte, inp.hours_per_fte)
    sub = inp.restrict(["U3"])
    keep = inp.uck["unit_id"].eq("U3").to_numpy()
    np.testing.assert_array_equal(sub.demand, inp.demand[keep])
    np.testing.assert_array_equal(sub.initial_list, inp.initial_list[keep])
    st = inp.staff["unit_id"].eq("U3").to_numpy()
    np.testing.assert_array_equal(sub.hours_per_fte, inp.hours_per_fte[st])
    assert set(sub.units["unit_id"]) == {"U3"}
    assert set(sub.resource_use["unit_id"]) == {"U3"}
    assert "D1" not in set(sub.frames["node_id"])  # D1's frame covers only U1, U2
    d1 = inp.restrict(["U1", "U2"])
    assert "D1" in set(d1.frames["node_id"])
