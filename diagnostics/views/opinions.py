"""« Avis de l’équipe »: the draft's opinions page (the director opens it, invites, settles),
each member's own opinion, and the page a person invited reaches from their personal link.

What each reader reads of the others' opinions is decided once, by
visibility.opinions_shown; every page here asks it through the selector.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from diagnostics import access, selectors
from diagnostics.consensus import NOT_APPLICABLE
from diagnostics.forms import AxisImportanceForm
from diagnostics.forms.opinions import OpinionForm, OpinionInviteForm, OpinionRoundForm
from diagnostics.models import Diagnostic, ImportanceOpinion, Opinion, Question
from diagnostics.selectors import opinions as read
from diagnostics.services import ALREADY_SUBMITTED, ServiceError
from diagnostics.services import opinions as write
from diagnostics.services.answers import AnswerConflict
from diagnostics.visibility import OpinionReader

REFUSAL_STATUS = {"invalid": 400, "expired": 410, "revoked": 410}


def _draft_for_member(request, pk):
    diagnostic = access.diagnostic_for_member(request.user, pk)
    if diagnostic.is_submitted or diagnostic.status != Diagnostic.Status.DRAFT:
        messages.info(request, _(ALREADY_SUBMITTED))
        return diagnostic, redirect("diagnostics:results", pk=diagnostic.pk)
    return diagnostic, None


def _page(request, diagnostic, *, round_form=None, invite_form=None, status=200):
    reader = access.opinion_reader(request.user, diagnostic)
    opinions = read.team_opinions(diagnostic, reader)
    axes = selectors.questionnaire_axes(diagnostic.questionnaire)
    is_director = reader == OpinionReader.DIRECTOR
    if is_director and round_form is None:
        initial = {}
        if opinions.round is not None:
            initial = {
                "axes": [str(pk) for pk in opinions.round.axis_ids],
                "asks_importance": opinions.round.asks_importance,
            }
        round_form = OpinionRoundForm(axes=axes, initial=initial)
    mine = next((r for r in opinions.team if r.user_id == request.user.pk), None)
    context = {
        "diagnostic": diagnostic,
        "opinions": opinions,
        "reader": reader,
        "is_director": is_director,
        "round_form": round_form,
        "invite_form": invite_form or (OpinionInviteForm() if is_director else None),
        "mine": mine,
        "campaign_open": diagnostic.campaign.is_open(),
    }
    return render(request, "diagnostics/team_opinions.html", context, status=status)


@login_required
def team_opinions(request, pk):
    """« Avis de l’équipe »: who was asked, who answered, and (as the reader may read them)
    the opinions per question with their consensus and the points to discuss."""
    diagnostic, early = _draft_for_member(request, pk)
    return early or _page(request, diagnostic)


def _director_post(view):
    @wraps(view)
    @login_required
    @require_POST
    def wrapper(request, pk, *args, **kwargs):
        diagnostic, early = _draft_for_member(request, pk)
        if early:
            return early
        if not access.is_director(request.user, diagnostic.organisation):
            raise PermissionDenied(_(write.OPINIONS_DIRECTOR_ONLY))
        try:
            return view(request, diagnostic, *args, **kwargs)
        except ServiceError as error:
            messages.error(request, " ".join(error.messages))
            return _page(request, diagnostic, status=getattr(error, "status", 400))

    return wrapper


def _back(diagnostic, anchor=""):
    response = redirect("diagnostics:team_opinions", pk=diagnostic.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@_director_post
def opinion_round_open(request, diagnostic):
    axes = selectors.questionnaire_axes(diagnostic.questionnaire)
    form = OpinionRoundForm(request.POST, axes=axes)
    if not form.is_valid():
        return _page(request, diagnostic, round_form=form, status=400)
    write.opinion_round_open(
        diagnostic=diagnostic,
        axis_ids=form.axis_ids(),
        asks_importance=form.cleaned_data["asks_importance"],
        user=request.user,
    )
    messages.success(request, _("Le diagnostic est ouvert aux avis sur les axes choisis."))
    return _back(diagnostic)


@_director_post
def opinion_invite(request, diagnostic):
    form = OpinionInviteForm(request.POST)
    if not form.is_valid():
        return _page(request, diagnostic, invite_form=form, status=400)
    respondent = write.opinion_invite(
        diagnostic=diagnostic, **form.cleaned_data, user=request.user, base_url=_base(request)
    )
    messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": respondent.email})
    return _back(diagnostic, "personnes")


@_director_post
def opinion_resend(request, diagnostic, respondent_pk):
    respondent = write.opinion_invite_resend(
        diagnostic=diagnostic,
        respondent_id=respondent_pk,
        user=request.user,
        base_url=_base(request),
    )
    messages.success(
        request, _("Un nouveau lien est envoyé à %(email)s.") % {"email": respondent.email}
    )
    return _back(diagnostic, "personnes")


@_director_post
def opinion_revoke(request, diagnostic, respondent_pk):
    respondent = write.opinion_invite_revoke(
        diagnostic=diagnostic, respondent_id=respondent_pk, user=request.user
    )
    messages.success(
        request,
        _("Le lien de %(name)s ne fonctionne plus.") % {"name": respondent.display_name},
    )
    return _back(diagnostic, "personnes")


@_director_post
def opinion_settle(request, diagnostic, question_pk):
    """One question's team answer, settled by the director (« adopt the majority » or
    another answer), with the compare-and-set of autosave."""
    question = get_object_or_404(Question, pk=question_pk, questionnaire=diagnostic.questionnaire)
    try:
        write.opinion_settle(
            diagnostic=diagnostic,
            question=question,
            token=request.POST.get("answer", ""),
            expected=request.POST.get("expected", ""),
            user=request.user,
        )
    except AnswerConflict as conflict:
        messages.error(
            request,
            " ".join(conflict.messages)
            + " "
            + _("Rien n’a été changé : relisez la réponse de l’équipe avant de trancher."),
        )
        return _page(request, diagnostic, status=409)
    messages.success(request, _("La réponse de l’équipe est arrêtée pour cette question."))
    return _back(diagnostic, f"q-{question.code}")


def _base(request) -> str:
    return request.build_absolute_uri("/")


def _own_page(request, *, respondent, diagnostic, template, extra=None, status=None):
    """A person's own opinion: the form while the draft may change, then, once they have
    answered, the others' as the rule lets them read them."""
    structure = selectors.questionnaire_axes(diagnostic.questionnaire)
    axis_ids = set(respondent.round.axes.values_list("pk", flat=True))
    axes = [a for a in structure if a.pk in axis_ids]
    current = {
        question_id: str(choice_id) if choice_id else NOT_APPLICABLE
        for question_id, choice_id in Opinion.objects.filter(respondent=respondent).values_list(
            "question_id", "choice_id"
        )
    }
    asks_importance = respondent.is_invited and respondent.round.asks_importance
    importance_form = None
    if asks_importance:
        importance_form = AxisImportanceForm(
            request.POST or None,
            axes=structure,
            current=dict(
                ImportanceOpinion.objects.filter(respondent=respondent).values_list(
                    "axis_id", "importance"
                )
            ),
            prefix="importance",
        )
    form = OpinionForm(request.POST or None, axes=axes, current=current)
    open_ = diagnostic.status == Diagnostic.Status.DRAFT and diagnostic.campaign.is_open()
    if request.method == "POST":
        if not open_:
            messages.error(request, _(ALREADY_SUBMITTED))
            status = 400
        elif form.is_valid() and (importance_form is None or importance_form.is_valid()):
            try:
                write.opinions_save(
                    respondent=respondent,
                    choices=form.choices(),
                    importances=importance_form.importances() if importance_form else None,
                )
            except ServiceError as error:
                messages.error(request, " ".join(error.messages))
                status = 400
            else:
                messages.success(request, _("Merci : votre avis est enregistré."))
                return None
        else:
            status = 400
    others = None
    if respondent.answered_at is not None:
        others = read.team_opinions(diagnostic, OpinionReader.ANSWERED)
    context = {
        "diagnostic": diagnostic,
        "respondent": respondent,
        "form": form,
        "importance_form": importance_form,
        "open": open_,
        "others": others,
        **(extra or {}),
    }
    return render(request, template, context, status=status or 200)


@login_required
@require_http_methods(["GET", "POST"])
def my_opinion(request, pk):
    """A member's own opinion on the axes asked, before seeing the others'."""
    diagnostic, early = _draft_for_member(request, pk)
    if early:
        return early
    try:
        respondent = write.member_respondent(diagnostic=diagnostic, user=request.user)
    except ServiceError as error:
        messages.error(request, " ".join(error.messages))
        return _back(diagnostic)
    response = _own_page(
        request,
        respondent=respondent,
        diagnostic=diagnostic,
        template="diagnostics/opinion_form.html",
    )
    return response or redirect("diagnostics:my_opinion", pk=diagnostic.pk)


@require_http_methods(["GET", "POST"])
def opinion_link(request, token):
    """The page of a person invited without an account: their own opinion, what is done
    with it, and nothing else. Only the link counts, never a session."""
    request.business_page = True  # no login nor account link in the header
    try:
        respondent = write.opinion_link_open(token=token)
    except ServiceError as error:
        response = render(
            request,
            "diagnostics/business_link/refused.html",
            {"message": error.messages[0]},
            status=REFUSAL_STATUS.get(error.code, 400),
        )
    else:
        diagnostic = respondent.round.diagnostic
        response = _own_page(
            request,
            respondent=respondent,
            diagnostic=diagnostic,
            template="diagnostics/opinion_link.html",
            extra={
                "token": token,
                "office": diagnostic.organisation,
                "retention_months": settings.SNUT_BUSINESS_RETENTION_MONTHS,
            },
        ) or redirect("diagnostics:opinion_link", token=token)
    patch_cache_control(response, private=True, no_store=True)
    return response
