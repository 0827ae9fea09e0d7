"""How much each axis matters for the territory, said while the diagnostic is a draft."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from diagnostics import access, selectors, services
from diagnostics.forms import AxisImportanceForm
from diagnostics.selectors import opinions as opinion_selectors


@login_required
def axis_importance(request, pk):
    """Any member may prepare it; it orders the priorities, never the scores."""
    diagnostic = access.diagnostic_for_member(request.user, pk)
    if diagnostic.is_submitted:
        messages.info(request, _(services.ALREADY_SUBMITTED))
        return redirect("diagnostics:results", pk=diagnostic.pk)
    axes = selectors.questionnaire_axes(diagnostic.questionnaire)
    form = AxisImportanceForm(
        request.POST or None, axes=axes, current=selectors.axis_importances(diagnostic)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.axis_importance_save(
                    diagnostic=diagnostic, importances=form.importances(), user=request.user
                )
            except services.ServiceError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("diagnostics:importance", pk=diagnostic.pk)
            messages.success(request, _("L’importance des axes est enregistrée."))
            return redirect("diagnostics:review", pk=diagnostic.pk)
        status = 400
    return render(
        request,
        "diagnostics/importance.html",
        {
            "diagnostic": diagnostic,
            "form": form,
            "campaign_open": diagnostic.campaign.is_open(),
            "board": opinion_selectors.board_importance(diagnostic),
        },
        status=status,
    )
