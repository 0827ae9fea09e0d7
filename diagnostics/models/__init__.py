"""SNUT's models, by subject: the questionnaire engine, who answers, campaigns and diagnostics, plans."""

from .answers import Answer, AxisImportance, AxisScore
from .campaigns import BusinessCampaign, Campaign
from .diagnostics import Diagnostic, DiagnosticReopening
from .exports import Export
from .opinions import ImportanceOpinion, Opinion, OpinionRound, Respondent
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
from .targets import AxisTarget
from .websites import WebsiteCheck
from .workers import WorkerHeartbeat

__all__ = [
    "WebsiteCheck",
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
    "AxisTarget",
    "Business",
    "BusinessCampaign",
    "BusinessLink",
    "Campaign",
    "Choice",
    "Department",
    "Diagnostic",
    "DiagnosticReopening",
    "Export",
    "ImportanceOpinion",
    "Invitation",
    "MaturityLevel",
    "Membership",
    "Office",
    "Opinion",
    "OpinionRound",
    "Organisation",
    "Question",
    "Questionnaire",
    "Region",
    "Respondent",
    "Reminder",
    "SessionLink",
    "SessionRegistration",
    "SetupRecord",
    "Training",
    "TrainingSession",
]
