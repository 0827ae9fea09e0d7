"""The network staff's group and its permissions, kept in step with the code at start-up."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

NETWORK_GROUP = "Réseau"


# Staff of the regional network manage the questionnaire, campaigns and
# offices, and read diagnostics; they never edit answers or manage users.
NETWORK_MANAGED_MODELS = [
    "questionnaire",
    "maturitylevel",
    "axis",
    "question",
    "choice",
    "axisnarrative",
    "campaign",
    "office",
    "membership",
    "training",
    "trainingsession",
]
NETWORK_READ_MODELS = [
    "diagnostic",
    "answer",
    "axisscore",
    "diagnosticreopening",
    "axisimportance",
    "action",  # the admin shows counts per axis only, never an action's content
    "axistarget",  # the same: counts per campaign and axis, never an office’s target
    # The offices run their businesses' campaigns; the network reads them.
    "businesscampaign",
    "business",
    # « Avis de l'équipe »: how many people each office consulted, never the opinions.
    "opinionround",
]


# Reading accounts lets staff attach a director to an office; creating or
# changing accounts stays with the superusers.
NETWORK_AUTH_PERMISSIONS = ["view_user"]


# Reopening a diagnostic submitted by mistake (with a reason, kept: diagnostic_reopen).
NETWORK_EXTRA_PERMISSIONS = ["reopen_diagnostic"]


# Onboarding: staff invite (add), resend and revoke (change) and read invitations;
# an invitation is never deleted, it is revoked. Reminders are sent from the
# campaign list (change_campaign), which shows the date of the last one.
NETWORK_ONBOARDING_PERMISSIONS = ["add_invitation", "change_invitation", "view_invitation"]


# Following background tasks (failures with their traceback) in the admin.
NETWORK_TASK_PERMISSIONS = ["view_dbtaskresult"]


def network_group_sync() -> Group:
    """Creates or updates the « Réseau » group with exactly the permissions it needs."""
    group, _created = Group.objects.get_or_create(name=NETWORK_GROUP)
    codenames = [
        f"{action}_{model}"
        for model in NETWORK_MANAGED_MODELS
        for action in ("add", "change", "delete", "view")
    ]
    codenames += [f"view_{model}" for model in NETWORK_READ_MODELS]
    codenames += NETWORK_EXTRA_PERMISSIONS
    codenames += NETWORK_ONBOARDING_PERMISSIONS
    permissions = Permission.objects.filter(
        Q(content_type__app_label="diagnostics", codename__in=codenames)
        | Q(content_type__app_label="auth", codename__in=NETWORK_AUTH_PERMISSIONS)
        | Q(content_type__app_label="django_tasks_database", codename__in=NETWORK_TASK_PERMISSIONS)
    )
    group.permissions.set(permissions)
    return group
