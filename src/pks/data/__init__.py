"""Planning data model: schemas, the PlanningData container, validation, store and file I/O.

This layer imports nothing else of pks (see docs/architecture in the README).
"""

from pks.data.planning_data import PlanningData
from pks.data.schema import SCHEMAS, ColumnSpec, TableSchema

__all__ = ["SCHEMAS", "ColumnSpec", "PlanningData", "TableSchema"]
