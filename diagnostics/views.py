from django.shortcuts import render

from diagnostics.models import Questionnaire
from diagnostics.selectors import questionnaire_axes


def home(request):
    """What SNUT is and what the current questionnaire covers."""
    questionnaire = (
        Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )
    axes = questionnaire_axes(questionnaire) if questionnaire else []
    return render(request, "diagnostics/home.html", {"questionnaire": questionnaire, "axes": axes})
