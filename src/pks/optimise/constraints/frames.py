"""Budget frames (nettokostnadsramar) per organisation node and year (R-25..R-30)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pks.calendar import WEEKS_PER_YEAR
from pks.config.optimise import BuildConfig
from pks.optimise.constraints.production import year_factor
from pks.optimise.inputs import ModelInputs
from pks.optimise.linear import INF, LinearModel, expand
from pks.optimise.piece import Piece


def cost_terms(m: LinearModel, inputs: ModelInputs) -> tuple[pd.DataFrame, np.ndarray]:
    r"""Net cost of each unit and year as linear terms plus a constant.

    Returns ``(terms, const)``: ``terms`` has ``unit_pos, year_pos, var, coef`` (one row
    per variable, SEK per unit of the variable), ``const`` is (units × years) SEK:

    .. math::

       N_{uy} = \sum_{t \in y} \Big[\sum_{c,k} \big((v-r)\pi^{cons} x + p\,\pi^{cons} e\big)
       + \sum_s \big(c^{ot} o + c^{ag} g + C \pi^{wage} f\, w_t/52\big)\Big]
       + (F_u - K_u)\, W_y / 52

    :math:`F` fixed costs (premises, internal rent, equipment), :math:`K` capitation
    revenue; staff costs uprated by the LPIK hourly-wage index, per-case costs by the
    consumption index.
    """
    T = inputs.grid.n
    years = inputs.grid.year
    uy = np.array(sorted(set(years.tolist())))
    y_of_t = np.searchsorted(uy, years)
    wk = inputs.grid.length_weeks
    wf = year_factor(inputs, inputs.wage_factor)
    cf = year_factor(inputs, inputs.consumption_factor)
    units = inputs.units
    upos = {u: i for i, u in enumerate(units["unit_id"])}
    parts = []
    uck, uc, st = inputs.uck, inputs.uc, inputs.staff
    # production
    x = m.var_blocks["x"]
    e, t = expand(np.arange(len(uck)), T)
    net = (uc["variable_cost_sek_per_case"].to_numpy(float)
           - uc["revenue_sek_per_case"].to_numpy(float))[uck["uc_pos"].to_numpy()]
    u_of_uck = uck["unit_id"].map(upos).to_numpy()
    parts.append((u_of_uck[e], y_of_t[t], x.ids(e, t), net[e] * cf[t]))
    ext = m.var_blocks["ext"]
    sel = np.asarray(m.meta["ext_uck"], np.int64)
    if len(sel):
        ee, et = expand(np.arange(len(sel)), T)
        price = uc["external_price_sek_per_case"].to_numpy(float)[uck["uc_pos"].to_numpy()[sel]]
        parts.append((u_of_uck[sel][ee], y_of_t[et], ext.ids(ee, et), price[ee] * cf[et]))
    u_of_st = st["unit_id"].map(upos).to_numpy()
    se, stt = expand(np.arange(len(st)), T)
    hourly = st["hourly_cost_sek"].to_numpy(float)
    for name, col in (("overtime_h", "overtime_cost_factor_pu"),
                      ("agency_h", "agency_cost_factor_pu")):
        b = m.var_blocks[name]
        parts.append((u_of_st[se], y_of_t[stt], b.ids(se, stt),
                      (hourly * st[col].to_numpy(float))[se] * wf[stt]))
    const = np.zeros((len(units), len(uy)))
    own = st["cost_sek_per_fte_year"].to_numpy(float)[se] * wf[stt] * wk[stt] / WEEKS_PER_YEAR
    fvar = m.var_blocks.get("fte")
    if fvar is not None:
        parts.append((u_of_st[se], y_of_t[stt], fvar.ids(se, stt), own))
    else:
        np.add.at(const, (u_of_st[se], y_of_t[stt]), own * st["fte"].to_numpy(float)[se])
    wy = np.array([wk[years == y].sum() for y in uy])
    const += ((units["fixed_cost_sek_per_year"].to_numpy(float)
               - units["capitation_sek_per_year"].to_numpy(float))[:, None]
              * wy[None, :] / WEEKS_PER_YEAR)
    terms = pd.DataFrame({
        "unit_pos": np.concatenate([p[0] for p in parts]),
        "year_pos": np.concatenate([p[1] for p in parts]),
        "var": np.concatenate([p[2] for p in parts]),
        "coef": np.concatenate([np.asarray(p[3], float) for p in parts]),
    })
    return terms, const


def add_frames(m: LinearModel, inputs: ModelInputs, cfg: BuildConfig) -> None:
    r"""Net cost of the units under each frame node within the frame, per year.

    .. math::
       :label: budget_frame

       \sum_{u \in \mathcal U(n)} N_{uy} - \gamma_{ny} \le R_{ny}, \qquad \gamma_{ny} \ge 0

    :math:`R_{ny}` the net-cost frame of node :math:`n` in year :math:`y` (already
    LPIK-uprated and reduced by the efficiency factor in ``budget_frames``; unit budgets
    handed down by the strategic level are added as frames of kind ``handoff``);
    :math:`\gamma` the frame gap. With ``frames: binding`` (default) it is a last-resort
    slack in the frame part of the objective, minimised before anything else, so it is
    positive only when no plan keeps the frame (fixed costs and contracted staff alone
    above it); care that the frame cannot fund shows as care not given. With
    ``frames: soft`` it costs ``frame_overrun_price_pu`` extra per krona in the real-cost
    part; hand-off budgets always cost ``handoff_gap_penalty_pu``. Strict mode drops it.
    """
    fr = inputs.frames
    terms, const = cost_terms(m, inputs)
    m.meta["cost_terms"] = (terms, const)
    wk = inputs.grid.length_weeks
    m.offset += float(((inputs.units["fixed_cost_sek_per_year"]
                        - inputs.units["capitation_sek_per_year"]).sum())
                      * wk.sum() / WEEKS_PER_YEAR)
    if fr.empty:
        return
    uy = np.array(sorted(set(inputs.grid.year.tolist())))
    upos = {u: i for i, u in enumerate(inputs.units["unit_id"])}
    fr = fr.reset_index(drop=True)
    fr = fr.assign(_row=np.arange(len(fr)), year_pos=np.searchsorted(uy, fr["year"]))
    fu = inputs.frame_units.assign(unit_pos=inputs.frame_units["unit_id"].map(upos))
    members = fr[["node_id", "_row", "year_pos"]].merge(fu[["node_id", "unit_pos"]],
                                                       on="node_id")
    j = members.merge(terms, on=["unit_pos", "year_pos"])
    c = np.zeros(len(fr))
    np.add.at(c, members["_row"].to_numpy(),
              const[members["unit_pos"].to_numpy(), members["year_pos"].to_numpy()])
    tl = [(j["_row"].to_numpy(), j["var"].to_numpy(), j["coef"].to_numpy())]
    keys = fr[["node_id", "year", "kind"]].astype({"year": str})
    if not cfg.strict:
        handoff = (fr["kind"] == "handoff").to_numpy()
        binding = ~handoff & (cfg.frames == "binding")
        price = np.where(handoff, cfg.handoff_gap_penalty_pu,
                         np.where(binding, 0.0, cfg.frame_overrun_price_pu))
        g = m.add_vars("frame_gap_sek", keys, (), cost=price[:, None],
                       frame=binding.astype(float)[:, None],
                       doc="net cost above the frame")
        tl.append((np.arange(len(fr)), g.ids(np.arange(len(fr))), -1.0))
    b = m.add_cons("c_budget_frame", keys, (), terms=tl, lo=-INF,
                   hi=(fr["frame_sek"].to_numpy(float) - c)[:, None], doc="net-cost frame")
    m.meta["frame_const"] = c
    m.meta["coupling_rows"] = b.ids(np.flatnonzero(enclosing_frames(fr, inputs.frame_units)))


def enclosing_frames(frames: pd.DataFrame, frame_units: pd.DataFrame) -> np.ndarray:
    r"""Which frame rows enclose another frame of the same year (the coupling rows).

    Row :math:`(n, y)` encloses when some other frame node :math:`n'` has a frame in
    year :math:`y` and :math:`\mathcal U(n') \subsetneq \mathcal U(n)` (a region's frame
    above its divisions' frames). Without these rows the model falls apart into one block
    per innermost frame node (:func:`pks.optimise.solve.solve_decomposed`).
    """
    units = {n: frozenset(g["unit_id"]) for n, g in frame_units.groupby("node_id")}
    out = np.zeros(len(frames), bool)
    for i, (node, year) in enumerate(zip(frames["node_id"], frames["year"], strict=True)):
        mine = units.get(node, frozenset())
        others = frames.loc[(frames["year"] == year) & (frames["node_id"] != node), "node_id"]
        out[i] = any(units.get(o, frozenset()) < mine for o in set(others))
    return out


FRAMES = Piece(
    "frames", add_frames,
    needs=("grid", "units", "uc", "uck", "staff", "frames", "frame_units", "wage_factor",
           "consumption_factor"),
    reads=("x", "ext", "overtime_h", "agency_h"),
    reads_optional=("fte",),
    reads_meta=("ext_uck",),
    adds=("frame_gap_sek",),
    rows=("c_budget_frame",),
    adds_meta=("cost_terms", "frame_const", "coupling_rows"),
)
