"""Filling an office's diagnostic: one page per axis, autosave, review, submission, abandon.

The axis page and the autosave are axis_pages.py's, shared with a business's link, which
also reads the review's context and where a respondent left off from here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from diagnostics import access, selectors, services
from diagnostics.forms import SubmitForm
from diagnostics.models import Answer, Axis, Diagnostic, Question
from diagnostics.selectors import opinions as opinion_selectors
from diagnostics.selectors import websites
from diagnostics.views.axis_pages import Routes, autosave_answer, axis_page
from diagnostics.visibility import OpinionReader

SESSION_EXPIRED = gettext_noop(
    "Votre session a expiré : reconnectez-vous. Les réponses pas encore enregistrées restent "
    "dans ce navigateur et partiront à votre retour sur cette page."
)


def _load(request, pk):
    """The member's diagnostic with its axes and answers: six queries whatever its size."""
    diagnostic = access.diagnostic_for_member(request.user, pk)
    return diagnostic, *selectors.load_answers(diagnostic)


def office_routes(diagnostic: Diagnostic) -> Routes:
    return Routes(
        "", diagnostic.pk, reverse("diagnostics:office", args=[diagnostic.organisation.slug])
    )


def _to_results(request, diagnostic: Diagnostic):
    messages.info(request, _("Ce diagnostic a été soumis : il est en lecture seule."))
    return redirect("diagnostics:results", pk=diagnostic.pk)


@login_required
def diagnostic_resume(request, pk):
    """Back where the director left off: the first unanswered question, or the review."""
    diagnostic, axes, answers = _load(request, pk)
    if diagnostic.is_submitted:
        return redirect("diagnostics:results", pk=diagnostic.pk)
    routes = office_routes(diagnostic)
    where = first_unanswered(axes, answers)
    if where:
        return routes.redirect("axis", where[0].code, anchor=f"q-{where[1].code}")
    return routes.redirect("review")


@login_required
def diagnostic_axis(request, pk, code):
    diagnostic, axes, answers = _load(request, pk)
    if diagnostic.is_submitted:
        return _to_results(request, diagnostic)
    return axis_page(
        request,
        diagnostic=diagnostic,
        axes=axes,
        answers=answers,
        code=code,
        user=request.user,
        routes=office_routes(diagnostic),
    )


@require_POST
def answer_autosave(request, pk, question_pk):
    """Saves one answer at once (JavaScript) for a member: see autosave_answer."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {
                "error": _(SESSION_EXPIRED),
                "login_url": redirect_to_login(request.headers.get("Referer", "/")).url,
            },
            status=401,
        )
    diagnostic, axes, answers = _load(request, pk)
    return autosave_answer(
        request,
        diagnostic=diagnostic,
        axes=axes,
        answers=answers,
        question_pk=question_pk,
        user=request.user,
    )


def review_context(diagnostic: Diagnostic, axes: list[Axis], answers: dict[int, Answer]) -> dict:
    """What the review page shows: each axis's questions with their answers, what is missing."""
    progress = selectors.axes_progress(axes, answers)
    return {
        "diagnostic": diagnostic,
        "sections": [
            (item, [(q, answers.get(q.pk)) for q in item.axis.questions.all()]) for item in progress
        ],
        "overall_percent": selectors.overall_percent(progress),
        "missing": sum(len(p.unanswered) for p in progress),
        "campaign_open": diagnostic.campaign.is_open(),
        "observed": websites.declared_observed(
            diagnostic,
            [(q, answers.get(q.pk)) for item in progress for q in item.axis.questions.all()],
        ),
    }


def first_unanswered(axes: list[Axis], answers: dict[int, Answer]) -> tuple[Axis, Question] | None:
    """Where a respondent left off: the first question without an answer."""
    for item in selectors.axes_progress(axes, answers):
        if item.unanswered:
            return item.axis, item.unanswered[0]
    return None


@login_required
def diagnostic_review(request, pk):
    diagnostic, axes, answers = _load(request, pk)
    if diagnostic.is_submitted:
        return _to_results(request, diagnostic)
    reader = access.opinion_reader(request.user, diagnostic)
    is_director = reader == OpinionReader.DIRECTOR
    form = SubmitForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.diagnostic_submit(diagnostic=diagnostic, user=request.user)
            except services.ServiceError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("diagnostics:review", pk=diagnostic.pk)
            messages.success(
                request, _("Diagnostic soumis : voici le profil numérique de votre office.")
            )
            return redirect("diagnostics:results", pk=diagnostic.pk)
        status = 400
    return render(
        request,
        "diagnostics/review.html",
        {
            **review_context(diagnostic, axes, answers),
            "urls": office_routes(diagnostic).for_page(axes),
            "is_director": is_director,
            "form": form,
            "team_opinions": opinion_selectors.team_opinions(diagnostic, reader, answers=answers),
        },
        status=status,
    )


@login_required
def diagnostic_abandon(request, pk):
    """The director deletes a draft and its answers, after confirmation."""
    diagnostic = access.diagnostic_for_member(request.user, pk)
    if diagnostic.is_submitted:
        return _to_results(request, diagnostic)
    if not access.is_director(request.user, diagnostic.organisation):
        messages.error(request, _(services.DIRECTOR_ONLY))
        return redirect("diagnostics:office", slug=diagnostic.organisation.slug)
    if request.method == "POST":
        try:
            services.diagnostic_abandon(diagnostic=diagnostic, user=request.user)
        except services.ServiceError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("diagnostics:office", slug=diagnostic.organisation.slug)
        messages.success(
            request,
            _("Le diagnostic « %(campaign)s » a été abandonné et ses réponses supprimées.")
            % {"campaign": diagnostic.campaign.name},
        )
        return redirect("diagnostics:office", slug=diagnostic.organisation.slug)
    answered = Answer.objects.filter(diagnostic=diagnostic).count()
    return render(
        request,
        "diagnostics/abandon.html",
        {"diagnostic": diagnostic, "answered": answered},
    )
