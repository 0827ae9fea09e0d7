"""The network staff's admin: questionnaire, offices with their scores, campaigns, diagnostics.

Importing the modules registers their ModelAdmins.
"""

from diagnostics.admin import (  # noqa: F401
    background,
    businesses,
    diagnostics,
    offices,
    opinions,
    plan,
    questionnaire,
    targets,
    team,
)
from diagnostics.admin.questionnaire import FROZEN_MESSAGE

__all__ = ["FROZEN_MESSAGE"]
