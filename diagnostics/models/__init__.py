"""SNUT's models, by subject: the questionnaire engine, who answers, campaigns and diagnostics, plans."""

from .diagnostics import (
    Answer,
    AxisImportance,
    AxisScore,
    BusinessCampaign,
    Campaign,
    Diagnostic,
    DiagnosticReopening,
)
from .exports import Export
from .organisations import (
    MEMBER_NEVER_STAFF,
    STAFF_NEVER_MEMBER,
    Business,
    Department,
    Invitation,
    Membership,
    Office,
    Organisation,
    Region,
)
from .outreach import BusinessLink, Reminder
from .plans import Action, Training
from .questionnaires import (
    Audience,
    Axis,
    AxisNarrative,
    Choice,
    MaturityLevel,
    Question,
    Questionnaire,
)
from .sessions import SessionLink, SessionRegistration, TrainingSession
from .setup import SetupRecord
from .workers import WorkerHeartbeat

__all__ = [
    "WorkerHeartbeat",
    "MEMBER_NEVER_STAFF",
    "STAFF_NEVER_MEMBER",
    "Action",
    "Answer",
    "Audience",
    "Axis",
    "AxisImportance",
    "AxisNarrative",
    "AxisScore",
    "Business",
    "BusinessCampaign",
    "BusinessLink",
    "Campaign",
    "Choice",
    "Department",
    "Diagnostic",
    "DiagnosticReopening",
    "Export",
    "Invitation",
    "MaturityLevel",
    "Membership",
    "Office",
    "Organisation",
    "Question",
    "Questionnaire",
    "Region",
    "Reminder",
    "SessionLink",
    "SessionRegistration",
    "SetupRecord",
    "Training",
    "TrainingSession",
]
