"""Read paths of the data subjects' rights: what SNUT holds about one business (business.py), or one
office (office.py, the director's ZIP, its tables by subject in office_team.py,
office_diagnostics.py and office_businesses.py), as tables (tables.py). Not what the office may
not read (the detail of the businesses that refused), nor secrets (passwords, token hashes).
Each copy reads a fixed number of queries, whatever the number of rows; the services that erase
and purge sit in diagnostics/services/personal_data.py."""

from diagnostics.personal_data.business import (
    ANSWER_HEADERS,
    BUSINESS_DIAGNOSTIC_HEADERS,
    BusinessCopy,
    answer_row,
    answers_by_diagnostic,
    answers_of,
    axis_scores_by_diagnostic,
    business_copy,
    business_for_copy,
)
from diagnostics.personal_data.office import (
    OFFICE_EXCLUDED,
    office_zip,
)
from diagnostics.personal_data.tables import (
    Table,
    json_value,
    number_value,
    when_text,
    yes_no,
)

__all__ = [
    "ANSWER_HEADERS",
    "BUSINESS_DIAGNOSTIC_HEADERS",
    "BusinessCopy",
    "OFFICE_EXCLUDED",
    "Table",
    "answer_row",
    "answers_by_diagnostic",
    "answers_of",
    "axis_scores_by_diagnostic",
    "business_copy",
    "business_for_copy",
    "json_value",
    "number_value",
    "office_zip",
    "when_text",
    "yes_no",
]
