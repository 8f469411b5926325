"""Formulation pieces shared by the planning levels, one module per concern.

Each piece is ``add_<piece>(m, inputs, cfg) -> None``: it adds its variable and
constraint blocks to a :class:`pks.optimise.linear.LinearModel` from the aligned
:class:`pks.optimise.inputs.ModelInputs`, with its equations in the docstring. Each module
registers it as ``<PIECE> = Piece(...)`` (:class:`pks.optimise.piece.Piece`) with the
inputs it needs and the blocks it reads and adds; the levels list those objects.

Notation: units :math:`u`, care types :math:`c`, priority classes :math:`k`, staff
categories :math:`s`, periods :math:`t` of length :math:`w_t` weeks, years :math:`y(t)`.
"""

from pks.optimise.constraints.beds import BEDS, add_beds
from pks.optimise.constraints.deviation import DEVIATION, add_deviation
from pks.optimise.constraints.frames import FRAMES, add_frames
from pks.optimise.constraints.fte import FTE, add_fte
from pks.optimise.constraints.guarantee import GUARANTEE, add_guarantee
from pks.optimise.constraints.levelling import LEVELLING, add_levelling
from pks.optimise.constraints.priority import PRIORITY, add_priority
from pks.optimise.constraints.production import PRODUCTION, add_production
from pks.optimise.constraints.ramp import RAMP, add_ramp
from pks.optimise.constraints.staff_capacity import STAFF_CAPACITY, add_staff_capacity
from pks.optimise.constraints.theatre import THEATRE, add_theatre
from pks.optimise.constraints.waiting_list import WAITING_LIST, add_waiting_list
from pks.optimise.constraints.working_time import WORKING_TIME, add_working_time

__all__ = [
    "BEDS",
    "DEVIATION",
    "FRAMES",
    "FTE",
    "GUARANTEE",
    "LEVELLING",
    "PRIORITY",
    "PRODUCTION",
    "RAMP",
    "STAFF_CAPACITY",
    "THEATRE",
    "WAITING_LIST",
    "WORKING_TIME",
    "add_beds",
    "add_deviation",
    "add_frames",
    "add_fte",
    "add_guarantee",
    "add_levelling",
    "add_priority",
    "add_production",
    "add_ramp",
    "add_staff_capacity",
    "add_theatre",
    "add_waiting_list",
    "add_working_time",
]
