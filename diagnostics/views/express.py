"""The express diagnostic's own pages: its indicative profile, and going on with the full
diagnostic, the express answers carried over."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from diagnostics import access, services
from diagnostics.selectors.express import continuation, express_results
from diagnostics.views.readers import office_url, submitted_for_reader


@login_required
def express_profile(request, pk):
    diagnostic, early = submitted_for_reader(request, pk)
    if early:
        return early
    if not diagnostic.questionnaire.is_express:
        return redirect("diagnostics:results", pk=diagnostic.pk)
    is_member = access.offices_for_user(request.user).filter(pk=diagnostic.organisation_id).exists()
    return render(
        request,
        "diagnostics/express_results.html",
        {
            "results": express_results(diagnostic),
            # Members go on with the full diagnostic; network staff only read.
            "next": continuation(diagnostic.organisation_id, timezone.localdate())
            if is_member
            else None,
            "office_url": office_url(request.user, diagnostic, is_member=is_member),
        },
    )


@login_required
@require_POST
def express_continue(request, pk):
    diagnostic = access.diagnostic_for_member(request.user, pk)
    try:
        full, carried = services.express_continue(diagnostic=diagnostic, user=request.user)
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
        if diagnostic.is_submitted and diagnostic.questionnaire.is_express:
            return redirect("diagnostics:express_results", pk=diagnostic.pk)
        return redirect("diagnostics:office", slug=diagnostic.organisation.slug)
    messages.success(
        request,
        ngettext(
            "Diagnostic complet ouvert : %(count)s réponse du diagnostic express y est reprise, "
            "marquée « à confirmer » ; confirmez-la ou changez-la.",
            "Diagnostic complet ouvert : %(count)s réponses du diagnostic express y sont "
            "reprises, marquées « à confirmer » ; confirmez-les ou changez-les.",
            carried,
        )
        % {"count": carried}
        if carried
        else _("Diagnostic complet ouvert : vos réponses express y figuraient déjà."),
    )
    return redirect("diagnostics:resume", pk=full.pk)
