"""An axis's page of a draft and the autosave of one answer, the same for an office's
diagnostic (filling.py) and a business's personal link (business_link.py): `Routes` says
where their buttons and scripts lead; answers are saved by services.answers_save, and a
change made elsewhere meanwhile comes back as a conflict."""

from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from diagnostics import selectors, services
from diagnostics.answer_fields import confirm_field_name
from diagnostics.forms import AnswersForm
from diagnostics.models import Answer, Axis, Diagnostic


class LazyUrls:
    """`urls.autosave|get_item:question.pk`, reversed when the template asks for it."""

    def __init__(self, url):
        self.url = url

    def get(self, key) -> str:
        return self.url(key)


@dataclass(frozen=True)
class Routes:
    """Where the filling pages lead: an office's diagnostic by its id (URL names
    "axis", "review"…), a business's by its link's token ("business_link_axis"…)."""

    prefix: str
    key: object
    home: str  # where « Enregistrer et quitter » leads

    def url(self, name: str, *args) -> str:
        return reverse(f"diagnostics:{self.prefix}{name}", args=[self.key, *args])

    def redirect(self, name: str, *args, anchor: str = ""):
        return redirect(self.url(name, *args) + (f"#{anchor}" if anchor else ""))

    def for_page(self, axes: list[Axis]) -> dict:
        """The URLs a filling page's template needs, by axis code and question id."""
        return {
            "axes": {a.code: self.url("axis", a.code) for a in axes},
            # Reversed for the questions a page shows (one axis), not for all of them.
            "autosave": LazyUrls(partial(self.url, "autosave")),
            "review": self.url("review"),
            "home": self.home,
        }


def _conflicts_by_question(conflict: services.AnswerConflict) -> dict[int, dict]:
    """What the page shows beside each question a colleague changed meanwhile."""
    result = {}
    for item in conflict.conflicts:
        answer = item.answer
        result[item.question.pk] = {
            "message": item.message,
            "choice": _choice_label(answer) if "choice" in item.fields else None,
            "comment": (answer.comment if answer else "") if "comment" in item.fields else None,
        }
    return result


def _choice_label(answer: Answer | None) -> str:
    if answer is not None and answer.not_applicable:
        return _("Non concerné")
    if answer is not None and answer.choice_id:
        return answer.choice.label
    return _("Pas de réponse")


def _after_save(request, routes: Routes, axes: list[Axis], index: int, form):
    """Where the buttons lead once the page is saved."""
    if "quit" in request.POST:
        messages.success(
            request,
            _("Vos réponses sont enregistrées. Reprenez quand vous voulez, là où vous en étiez."),
        )
        return redirect(routes.home)
    if "continue" in request.POST:
        if index + 1 < len(axes):
            return routes.redirect("axis", axes[index + 1].code)
        return routes.redirect("review")
    # A « Confirmer » button: back to that question.
    confirmed = next((q for q in form.questions if request.POST.get(confirm_field_name(q))), None)
    return routes.redirect(
        "axis", axes[index].code, anchor=f"q-{confirmed.code}" if confirmed else ""
    )


CONFIRM_AXIS = "confirm_axis"  # the name of « Confirmer toutes les réponses reprises de cet axe »


def _after_confirm_all(request, routes: Routes, axis: Axis, changes: list) -> object:
    """Back to the axis, saying how many answers were confirmed (with the page's edits)."""
    confirmed = sum(1 for change in changes if change.confirm)
    messages.success(
        request,
        ngettext(
            "%(count)s réponse reprise confirmée sur cet axe.",
            "%(count)s réponses reprises confirmées sur cet axe.",
            confirmed,
        )
        % {"count": confirmed},
    )
    return routes.redirect("axis", axis.code)


CONFLICT_TEAM = gettext_noop(
    "Rien n’a été enregistré : un membre de l’équipe a modifié entre-temps des réponses de "
    "cette page. Pour chacune, gardez votre version (enregistrez à nouveau) ou reprenez la sienne."
)
CONFLICT_ELSEWHERE = gettext_noop(
    "Rien n’a été enregistré : des réponses de cette page ont été modifiées entre-temps, depuis "
    "un autre onglet ou un autre appareil. Pour chacune, gardez la version de cette page "
    "(enregistrez à nouveau) ou reprenez l’autre."
)


def axis_page(
    request,
    *,
    diagnostic: Diagnostic,
    axes: list[Axis],
    answers: dict[int, Answer],
    code: str,
    user,
    routes: Routes,
    business: bool = False,
):
    """An axis's page of a draft: its questions, saved by the page's buttons (and autosave)."""
    index = next((i for i, a in enumerate(axes) if a.code == code), None)
    if index is None:
        raise Http404(_("Cet axe n’existe pas dans ce questionnaire."))
    axis = axes[index]
    campaign_open = diagnostic.campaign.is_open()
    form = AnswersForm(
        request.POST if request.method == "POST" and campaign_open else None,
        questions=list(axis.questions.all()),
        answers=answers,
    )
    status, conflicts = 200, {}
    if form.is_bound:
        if form.is_valid():
            try:
                confirm_all = CONFIRM_AXIS in request.POST
                changes = form.changes(confirm_all=confirm_all)
                services.answers_save(diagnostic=diagnostic, changes=changes, user=user)
                if confirm_all:
                    return _after_confirm_all(request, routes, axes[index], changes)
                return _after_save(request, routes, axes, index, form)
            except services.AnswerConflict as conflict:
                conflicts = _conflicts_by_question(conflict)
                status = 409
                messages.error(request, _(CONFLICT_ELSEWHERE if business else CONFLICT_TEAM))
            except services.ServiceError as error:
                messages.error(request, " ".join(error.messages))
                return routes.redirect("axis", axis.code)
        else:
            messages.error(
                request,
                _(
                    "Certaines réponses n’ont pas pu être enregistrées : corrigez les erreurs signalées."
                ),
            )
            status = 400
    progress = selectors.axes_progress(axes, answers)
    return render(
        request,
        "diagnostics/axis.html",
        {
            "diagnostic": diagnostic,
            "axis": axis,
            "form": form,
            "answers": answers,
            "conflicts": conflicts,
            "campaign_open": campaign_open,
            "progress": progress,
            "current": progress[index],
            "carried": sum(
                1 for q in axis.questions.all() if q.pk in answers and answers[q.pk].carried_over
            ),
            "overall_percent": selectors.overall_percent(progress),
            "previous_axis": axes[index - 1] if index else None,
            "next_axis": axes[index + 1] if index + 1 < len(axes) else None,
            "urls": routes.for_page(axes),
            "business": business,
        },
        status=status,
    )


def _stored_state(answer: Answer | None) -> dict:
    """An answer as stored, in the terms the page's fields use."""
    return {
        "choice": services.choice_token(answer),
        "comment": answer.comment if answer else "",
        "carried_over": bool(answer and answer.carried_over),
    }


def autosave_answer(
    request,
    *,
    diagnostic: Diagnostic,
    axes: list[Axis],
    answers: dict[int, Answer],
    question_pk: int,
    user,
):
    """Saves one answer at once; answers JSON with the answer as stored.

    Only what was stored is acknowledged: a change made elsewhere since the
    page was loaded comes back as a conflict (409) with that version.
    """
    if diagnostic.is_submitted:
        return JsonResponse({"error": _(services.ALREADY_SUBMITTED), "closed": True}, status=409)
    question = next((q for a in axes for q in a.questions.all() if q.pk == question_pk), None)
    if question is None:
        return JsonResponse({"error": _(services.QUESTION_NOT_IN_QUESTIONNAIRE)}, status=400)
    form = AnswersForm(request.POST, questions=[question], answers=answers)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    try:
        for answer in services.answers_save(
            diagnostic=diagnostic, changes=form.changes(sent=True), user=user
        ):
            answers[question.pk] = answer
    except services.AnswerConflict as conflict:
        item = conflict.conflicts[0]
        return JsonResponse(
            {
                "error": item.message,
                "conflict": {
                    "fields": list(item.fields),
                    "choice_label": _choice_label(item.answer),
                    **_stored_state(item.answer),
                },
            },
            status=409,
        )
    except services.ServiceError as error:
        closed = not diagnostic.campaign.is_open()
        return JsonResponse({"error": " ".join(error.messages), "closed": closed}, status=409)
    progress = selectors.axes_progress(axes, answers)
    axis_progress = next(p for p in progress if p.axis.pk == question.axis_id)
    return JsonResponse(
        {
            "saved": _("Enregistré à %(time)s")
            % {"time": time_format(timezone.localtime(), "H:i")},
            "answer": _stored_state(answers.get(question.pk)),
            "axis": {
                "code": axis_progress.axis.code,
                "answered": axis_progress.answered,
                "total": axis_progress.total,
                "percent": axis_progress.percent,
            },
            "overall_percent": selectors.overall_percent(progress),
        }
    )
