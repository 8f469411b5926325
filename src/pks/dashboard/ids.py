"""Component ids, one constant per component (pages share the control ids)."""

URL = "url"
HEADER = "header"
DOWNLOAD = "download"
LANG = "lang-store"
NODE_STORE = "node-store"

NODE = "node-select"
BREADCRUMB = "breadcrumb"
CHILDREN = "children"
LEVEL_FILTER = "level-filter"
SCENARIO = "scenario-select"
SCENARIOS = "scenarios-select"
PERIOD = "period-select"
WEEK = "week-select"
CARE_TYPE = "care-type-select"
DENIED = "denied"

# tactical
FIG_PRODUCTION = "fig-production"
FIG_WAITING = "fig-waiting"
FIG_STAFF = "fig-staff"
FIG_COST = "fig-cost"
TBL_DEVIATIONS = "tbl-deviations"
TBL_COST = "tbl-cost"
TBL_CARE_TYPES = "tbl-care-types"

# operative
KPI_CARDS = "kpi-cards"
FIG_OP_PRODUCTION = "fig-op-production"
FIG_BEDS = "fig-beds"
TBL_SUGGESTION = "tbl-suggestion"
TBL_OP_DEVIATIONS = "tbl-op-deviations"

# strategic
FIG_DEMAND = "fig-demand-capacity"
FIG_FTE = "fig-fte"
FIG_AGENCY = "fig-agency"
FIG_COST_FRAME = "fig-cost-frame"
FIG_GUARANTEE = "fig-guarantee"
FIG_COVERAGE = "fig-coverage"
TBL_COVERAGE = "tbl-coverage"
TBL_COVERAGE_UNITS = "tbl-coverage-units"

# reporting
UPLOAD = "upload-actuals"
UPLOAD_RESULT = "upload-result"
JOB_REPLAN = "job-replan"
JOB_SIMULATE = "job-simulate"
JOB_CANCEL = "job-cancel"
JOB_TOKEN = "job-token"
JOB_STATUS = "job-status"
JOB_PROGRESS = "job-progress"
JOB_RESULT = "job-result"
REPORT_MONTH = "report-month"
REPORT_HTML = "report-html"
REPORT_PDF = "report-pdf"
REPORT_DOWNLOAD = "report-download"
REPORT_MSG = "report-msg"


def page_state(page: str) -> dict[str, str]:
    """Id of a page's state store (node, scenario, filters) read by the export callback."""
    return {"type": "page-state", "page": page}


def plan_note(page: str) -> str:
    """Id of a page's note on which plan it follows up."""
    return f"{page}-plan-note"

# errors and administration
ERROR_BANNER = "error-banner"
ADMIN_TABLE = "admin-users"
ADMIN_USERNAME = "admin-username"
ADMIN_ROLE = "admin-role"
ADMIN_UNITS = "admin-units"
ADMIN_PASSWORD = "admin-password"
ADMIN_ADD = "admin-add"
ADMIN_ASSIGN = "admin-assign"
ADMIN_RESET = "admin-reset"
ADMIN_DISABLE = "admin-disable"
ADMIN_ENABLE = "admin-enable"
ADMIN_MSG = "admin-msg"
ADMIN_AUDIT = "admin-audit"
