"""What vulture may not call dead in ``src/pks``: hooks a framework calls, fields read by name.

``tests/test_house.py`` runs vulture (60 % confidence) over ``src/pks`` with the tests and
benchmarks as further users, ignoring the decorators and names below. Each group says who
uses the names vulture cannot see being used. Anything else vulture reports is dead code: delete it.
"""

from __future__ import annotations

IGNORE_DECORATORS: tuple[str, ...] = (
    "@*.command",  # typer registers the CLI commands
    "@*.callback",  # typer's group callbacks
    "@server.*",  # Flask request hooks, routes and error handlers
    "@lm.user_loader",  # flask-login loads the signed-in user
    "@sa.event.listens_for",  # SQLAlchemy connection events
    "@field_validator",  # pydantic validators
    "@model_validator",
)

FRAMEWORK_NAMES: tuple[str, ...] = (
    "model_config",  # pydantic model settings
    "__getattr__",  # PEP 562 lazy module attributes (pks.simulate)
    # flask-login's user protocol and session settings
    "session_protection", "is_active", "is_anonymous", "get_id", "permanent",
    "isolation_level",  # sqlite3 connection: pks issues BEGIN itself
    "freeze_panes", "font",  # openpyxl worksheet and cell styling
    "short_help",  # click reads a command's one-line help (cleared so the Swedish help shows)
    # highspy.HighsLp fields set when a model is handed to HiGHS
    "num_col_", "num_row_", "col_lower_", "col_upper_", "row_lower_", "row_upper_",
    "format_", "start_", "index_", "value_", "col_names_", "row_names_",
)

READ_BY_NAME: tuple[str, ...] = (
    # balanced-budget assessment rows, read with getattr over ROWS (economy.assessment)
    "adjustments_mnkr", "result_after_adjustments_mnkr", "reserve_reservation_mnkr",
    "reserve_use_mnkr", "unrestored_opening_mnkr", "reservation_allowed_mnkr",
    "use_allowed_mnkr",
    "cap_room_mnkr",  # explains a reservation limit's reason (economy.reserves), not read yet
)

DOCUMENTING: tuple[str, ...] = (
    "reads_optional",  # a piece's declared optional blocks (pks.optimise.piece), for readers
    # solver facts of a SolveResult, for library users and the benchmarks' reports
    "bound_sek", "solver_name", "solver_version",
    "SOURCE",  # provenance of the vendored SCB population (pks.demo.scb)
    # the domain vocabulary of pks.types, kept whole for annotations
    "NodeId", "UnitId", "CareTypeId", "StaffCategoryId", "IsoWeek", "PksLevel", "Sex",
)

IGNORE_NAMES: tuple[str, ...] = FRAMEWORK_NAMES + READ_BY_NAME + DOCUMENTING
