"""Formulation pieces shared by the planning levels, one module per concern.

Each piece is ``add_<piece>(m, inputs, cfg) -> None``: it adds its variable and
constraint blocks to a :class:`pks.optimise.linear.LinearModel` from the aligned
:class:`pks.optimise.inputs.ModelInputs`, with its equations in the docstring.

Notation: units :math:`u`, care types :math:`c`, priority classes :math:`k`, staff
categories :math:`s`, periods :math:`t` of length :math:`w_t` weeks, years :math:`y(t)`.
"""

from pks.optimise.constraints.beds import add_beds
from pks.optimise.constraints.deviation import add_deviation
from pks.optimise.constraints.frames import add_frames
from pks.optimise.constraints.fte import add_fte
from pks.optimise.constraints.guarantee import add_guarantee
from pks.optimise.constraints.levelling import add_levelling
from pks.optimise.constraints.priority import add_priority
from pks.optimise.constraints.production import add_production
from pks.optimise.constraints.ramp import add_ramp
from pks.optimise.constraints.staff_capacity import add_staff_capacity
from pks.optimise.constraints.theatre import add_theatre
from pks.optimise.constraints.waiting_list import add_waiting_list
from pks.optimise.constraints.working_time import add_working_time

__all__ = ["add_beds", "add_deviation", "add_frames", "add_fte", "add_guarantee",
           "add_levelling", "add_priority", "add_production", "add_ramp",
           "add_staff_capacity", "add_theatre", "add_waiting_list", "add_working_time"]
