"""Who reads a submitted diagnostic, for the pages drawn from it (its profile, its PDF, its
answers, the express profile): the diagnostic once submitted, and where its office's name
leads the reader."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from diagnostics import access


def submitted_for_reader(request, pk):
    diagnostic = access.diagnostic_for_reader(request.user, pk)
    if not diagnostic.is_submitted:
        messages.info(request, _("Le profil sera disponible une fois le diagnostic soumis."))
        if access.offices_for_user(request.user).filter(pk=diagnostic.organisation_id).exists():
            return diagnostic, redirect("diagnostics:resume", pk=diagnostic.pk)
        # Network staff follow a draft's progress in the admin.
        return diagnostic, redirect("admin:diagnostics_diagnostic_change", diagnostic.pk)
    return diagnostic, None


def office_url(user, diagnostic, *, is_member: bool) -> str | None:
    """Where the office's name leads a reader: its page for members, its admin page for
    network staff who may open it; nowhere otherwise (never a link that answers 404)."""
    if is_member:
        return reverse("diagnostics:office", args=[diagnostic.organisation.slug])
    office = diagnostic.organisation
    if (
        office.kind == office.Kind.OFFICE
        and user.is_staff
        and user.has_perm("diagnostics.view_office")
    ):
        return reverse("admin:diagnostics_office_change", args=[office.pk])
    return None
