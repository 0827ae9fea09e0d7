"""Forms of the pages, one module per subject. Validation only: services do the writing."""

from diagnostics.forms.answers import (
    COMMENT_MAX_LENGTH,
    NOT_APPLICABLE,
    AnswersForm,
    AxisImportanceForm,
    BusinessSubmitForm,
    SubmitForm,
)
from diagnostics.forms.businesses import (
    BusinessCampaignForm,
    BusinessForm,
    BusinessImportForm,
)
from diagnostics.forms.filters import (
    DEPARTMENT_NOT_IN_REGION,
    QUESTION_NOT_IN_AXIS,
    PlainSelect,
    PoolingFilterForm,
    RegionFilterForm,
)
from diagnostics.forms.plans import (
    ActionForm,
)
from diagnostics.forms.sessions import SessionForm, SurveyForm
from diagnostics.forms.team import (
    InvitationForm,
    InvitationSignupForm,
    RoleForm,
)
from diagnostics.forms.workshops import (
    WorkshopForm,
)

__all__ = [
    "SessionForm",
    "SurveyForm",
    "ActionForm",
    "AnswersForm",
    "AxisImportanceForm",
    "BusinessCampaignForm",
    "BusinessForm",
    "BusinessImportForm",
    "BusinessSubmitForm",
    "COMMENT_MAX_LENGTH",
    "DEPARTMENT_NOT_IN_REGION",
    "InvitationForm",
    "InvitationSignupForm",
    "NOT_APPLICABLE",
    "PlainSelect",
    "PoolingFilterForm",
    "QUESTION_NOT_IN_AXIS",
    "RegionFilterForm",
    "RoleForm",
    "SubmitForm",
    "WorkshopForm",
]
