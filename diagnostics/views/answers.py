"""A submitted diagnostic's answers, read-only: what the team answered, who and when."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from diagnostics import access, selectors
from diagnostics.views.filling import review_context
from diagnostics.views.readers import office_url, submitted_for_reader


@login_required
def diagnostic_answers(request, pk):
    """Every question by axis with its answer and comment, for whoever may read the results
    (the office's members, network staff who read diagnostics); a fixed number of queries."""
    diagnostic, early = submitted_for_reader(request, pk)
    if early:
        return early
    axes, answers = selectors.load_answers(diagnostic)
    is_member = access.offices_for_user(request.user).filter(pk=diagnostic.organisation_id).exists()
    return render(
        request,
        "diagnostics/answers.html",
        {
            **review_context(diagnostic, axes, answers),
            "campaign_open": False,  # frozen: no « Modifier »
            "read_only": True,
            "office_url": office_url(request.user, diagnostic, is_member=is_member),
        },
    )
