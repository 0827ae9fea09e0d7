"""« Niveaux visés »: the office's team sets a target level per axis, while it fills in its
diagnostic or after reading its results."""

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
from diagnostics.services.targets import axis_targets_save


def back_url(diagnostic) -> str:
    """A draft's targets are set from its review page, a submitted one's from its results."""
    if diagnostic.is_submitted:
        return reverse("diagnostics:results", args=[diagnostic.pk]) + "#niveaux-vises"
    return reverse("diagnostics:review", args=[diagnostic.pk])


@login_required
def axis_targets(request, pk):
    """Any member sets them, from the draft on, until the office submits a later campaign's
    diagnostic."""
    diagnostic = access.diagnostic_for_member(request.user, pk)
    if diagnostic.organisation.is_business:
        raise Http404
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
                return redirect(back_url(diagnostic))
        else:
            status = 400
    return render(
        request,
        "diagnostics/axis_targets.html",
        {
            "diagnostic": diagnostic,
            "form": form,
            "editable": editable,
            "back": back_url(diagnostic),
        },
        status=status,
    )
