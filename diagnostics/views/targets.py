"""« Niveaux visés »: the office's team sets a target level per axis after reading its results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from diagnostics import access
from diagnostics.forms.targets import AxisTargetsForm
from diagnostics.selectors import targets as selected
from diagnostics.services.errors import ServiceError
from diagnostics.services.targets import TARGETS_NOT_SUBMITTED, axis_targets_save


@login_required
def axis_targets(request, pk):
    """Any member sets them, until the office submits a later campaign's diagnostic."""
    diagnostic = access.diagnostic_for_member(request.user, pk)
    if diagnostic.organisation.is_business:
        raise Http404
    if not diagnostic.is_submitted:
        messages.info(request, _(TARGETS_NOT_SUBMITTED))
        return redirect("diagnostics:resume", pk=diagnostic.pk)
    today = timezone.localdate()
    editable = selected.targets_editable(diagnostic)
    form = AxisTargetsForm(request.POST or None, rows=selected.target_rows(diagnostic), today=today)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                axis_targets_save(
                    diagnostic=diagnostic, targets=form.targets(), user=request.user, today=today
                )
            except ServiceError as error:
                form.add_error(None, error)
                status = error.status
            else:
                messages.success(request, _("Les niveaux visés sont enregistrés."))
                return redirect(
                    reverse("diagnostics:results", args=[diagnostic.pk]) + "#niveaux-vises"
                )
        else:
            status = 400
    return render(
        request,
        "diagnostics/axis_targets.html",
        {"diagnostic": diagnostic, "form": form, "editable": editable},
        status=status,
    )
