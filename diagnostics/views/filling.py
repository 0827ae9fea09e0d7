"""Filling a diagnostic: one page per axis, autosave, review and submission."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnostics import selectors, services
from diagnostics.forms import AnswersForm, SubmitForm
from diagnostics.models import Answer, Axis, Diagnostic


@dataclass
class AxisProgress:
    axis: Axis
    answered: int
    total: int
    unanswered: list

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def _progress(axes: list[Axis], answers: dict[int, Answer]) -> list[AxisProgress]:
    result = []
    for axis in axes:
        questions = list(axis.questions.all())
        unanswered = [q for q in questions if q.pk not in answers or not answers[q.pk].is_answered]
        result.append(
            AxisProgress(axis, len(questions) - len(unanswered), len(questions), unanswered)
        )
    return result


def _overall_percent(progress: list[AxisProgress]) -> int:
    total = sum(p.total for p in progress)
    return round(100 * sum(p.answered for p in progress) / total) if total else 100


def _load(request, pk):
    """The member's diagnostic with its axes and answers: six queries whatever its size."""
    diagnostic = selectors.diagnostic_for_member(request.user, pk)
    axes = selectors.questionnaire_axes(diagnostic.questionnaire)
    answers = {a.question_id: a for a in Answer.objects.filter(diagnostic=diagnostic)}
    return diagnostic, axes, answers


def _save(diagnostic: Diagnostic, change, user) -> Answer:
    """One changed answer of the form, saved as an upsert of only its changed fields."""
    return services.answer_save(
        diagnostic=diagnostic,
        question=change.question,
        choice=change.choice,
        not_applicable=change.not_applicable,
        comment=change.comment,
        fields=change.fields,
        user=user,
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
    for item in _progress(axes, answers):
        if item.unanswered:
            url = reverse("diagnostics:axis", args=[diagnostic.pk, item.axis.code])
            return redirect(f"{url}#q-{item.unanswered[0].code}")
    return redirect("diagnostics:review", pk=diagnostic.pk)


@login_required
def diagnostic_axis(request, pk, code):
    diagnostic, axes, answers = _load(request, pk)
    index = next((i for i, a in enumerate(axes) if a.code == code), None)
    if index is None:
        raise Http404(_("Cet axe n’existe pas dans ce questionnaire."))
    if diagnostic.is_submitted:
        return _to_results(request, diagnostic)
    axis = axes[index]
    form = AnswersForm(request.POST or None, questions=list(axis.questions.all()), answers=answers)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    for change in form.changes():
                        _save(diagnostic, change, request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("diagnostics:axis", pk=diagnostic.pk, code=axis.code)
            if "quit" in request.POST:
                messages.success(
                    request,
                    _(
                        "Vos réponses sont enregistrées. Reprenez quand vous voulez, là où vous en étiez."
                    ),
                )
                return redirect("diagnostics:office", slug=diagnostic.office.slug)
            if index + 1 < len(axes):
                return redirect("diagnostics:axis", pk=diagnostic.pk, code=axes[index + 1].code)
            return redirect("diagnostics:review", pk=diagnostic.pk)
        messages.error(
            request,
            _(
                "Certaines réponses n’ont pas pu être enregistrées : corrigez les erreurs signalées."
            ),
        )
        status = 400
    progress = _progress(axes, answers)
    return render(
        request,
        "diagnostics/axis.html",
        {
            "diagnostic": diagnostic,
            "axis": axis,
            "form": form,
            "progress": progress,
            "current": progress[index],
            "overall_percent": _overall_percent(progress),
            "previous_axis": axes[index - 1] if index else None,
            "next_axis": axes[index + 1] if index + 1 < len(axes) else None,
        },
        status=status,
    )


@login_required
@require_POST
def answer_autosave(request, pk, question_pk):
    """Saves one answer at once (JavaScript); answers JSON."""
    diagnostic, axes, answers = _load(request, pk)
    if diagnostic.is_submitted:
        return JsonResponse({"error": _(services.ALREADY_SUBMITTED)}, status=409)
    question = next((q for a in axes for q in a.questions.all() if q.pk == question_pk), None)
    if question is None:
        return JsonResponse({"error": _(services.QUESTION_NOT_IN_QUESTIONNAIRE)}, status=400)
    form = AnswersForm(request.POST, questions=[question], answers=answers)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    try:
        for change in form.changes():
            answers[question.pk] = _save(diagnostic, change, request.user)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=409)
    progress = _progress(axes, answers)
    axis_progress = next(p for p in progress if p.axis.pk == question.axis_id)
    return JsonResponse(
        {
            "saved": _("Enregistré à %(time)s")
            % {"time": time_format(timezone.localtime(), "H:i")},
            "axis": {
                "code": axis_progress.axis.code,
                "answered": axis_progress.answered,
                "total": axis_progress.total,
                "percent": axis_progress.percent,
            },
            "overall_percent": _overall_percent(progress),
        }
    )


@login_required
def diagnostic_review(request, pk):
    diagnostic, axes, answers = _load(request, pk)
    if diagnostic.is_submitted:
        return _to_results(request, diagnostic)
    form = SubmitForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.diagnostic_submit(diagnostic=diagnostic, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("diagnostics:review", pk=diagnostic.pk)
            messages.success(
                request, _("Diagnostic soumis : voici le profil numérique de votre office.")
            )
            return redirect("diagnostics:results", pk=diagnostic.pk)
        status = 400
    progress = _progress(axes, answers)
    return render(
        request,
        "diagnostics/review.html",
        {
            "diagnostic": diagnostic,
            "progress": progress,
            "overall_percent": _overall_percent(progress),
            "missing": sum(len(p.unanswered) for p in progress),
            "form": form,
        },
        status=status,
    )
