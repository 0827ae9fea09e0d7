"""The office's followed action plan: priorities turned into actions, and free ones.

Any member of the office adds and updates actions; only its direction deletes
one. Network staff are not members: they see counts per axis in the admin only.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnostics import access, selectors, services
from diagnostics.forms import ActionForm
from diagnostics.models import Action, Diagnostic, Membership, Question
from diagnostics.selectors.targets import office_targets
from diagnostics.views.kept_parts import (
    filled,
    kept_part,
    kept_pieces,
    render_with_part,
    written_part,
)
from snut import page_memo


def _fields(form: ActionForm) -> dict:
    return {name: form.cleaned_data[name] for name in form.Meta.fields}


def _plan_context(office, form) -> dict:
    targets_diagnostic, distances = office_targets(office, timezone.localdate())
    return {
        "office": office,
        "targets_diagnostic": targets_diagnostic,
        "target_distances": distances,
        "form": form,
        "is_director": office.member_role == Membership.Role.DIRECTOR,
    }


def _actions(request, office) -> dict[str, str]:
    """The plan's actions, for the part's hole: one query."""
    plan = selectors.office_plan(office, timezone.localdate())
    html = written_part(
        request, "diagnostics/includes/plan_actions.html", {"office": office, "plan": plan}
    )
    return {"actions": html}


def _render_plan(request, office, form, status=200, *, since=None):
    """The page with its form (`form()`). With its form empty (`since`: the view's
    recording, open since before the office was read), below its header as every reader
    of the same role reads it, kept, and its actions kept apart: an action saved by any
    office writes only them again."""
    is_director = office.member_role == Membership.Role.DIRECTOR
    template = "diagnostics/includes/plan_body.html"
    if since is None:
        part = written_part(request, template, _plan_context(office, form()))
        pieces = _actions(request, office)
    else:
        key = f"plan:{office.pk}:{is_director}"
        part = kept_part(
            request,
            "diagnostics:plan",
            key,
            template,
            lambda: _plan_context(office, form()),
            since=since,
        )
        pieces = kept_pieces(
            request,
            "diagnostics:plan",
            key,
            part,
            lambda _names: _actions(request, office),
            since=since,
        )
    return render_with_part(
        request, "diagnostics/plan.html", {"office": office}, filled(part, pieces), status=status
    )


@login_required
def plan(request, slug):
    """The plan page; a POST adds a free action."""
    if request.method != "POST":
        with page_memo.recording(always=()) as reads:
            office = access.office_for_member(request.user, slug)
            # The empty form is drawn only when the part is written (its owners, its axes).
            return _render_plan(request, office, lambda: ActionForm(office=office), since=reads)
    office = access.office_for_member(request.user, slug)
    form = ActionForm(request.POST or None, office=office)
    if not form.is_valid():
        return _render_plan(request, office, lambda: form, status=400)
    try:
        services.action_create(office=office, user=request.user, **_fields(form))
    except services.ServiceError as error:
        form.add_error(None, error)
        return _render_plan(request, office, lambda: form, status=error.status)
    messages.success(request, _("L’action est ajoutée au plan."))
    return redirect("diagnostics:plan", slug=office.slug)


@login_required
@require_POST
def action_from_priority(request, slug):
    """« Ajouter au plan » beside a priority of the results page: one click."""
    office = access.office_for_member(request.user, slug)
    diagnostic = get_object_or_404(
        Diagnostic, pk=access.parse_id(request.POST.get("diagnostic")), organisation=office
    )
    question = get_object_or_404(
        Question,
        pk=access.parse_id(request.POST.get("question")),
        questionnaire=diagnostic.questionnaire_id,
    )
    try:
        action = services.action_create(
            office=office, user=request.user, diagnostic=diagnostic, question=question
        )
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("« %(title)s » est ajoutée au plan d’action : précisez qui s’en charge et quand.")
            % {"title": action.title},
        )
    return redirect(reverse("diagnostics:results", args=[diagnostic.pk]) + f"#q-{question.pk}")


def _action_for_member(request, slug, pk):
    office = access.office_for_member(request.user, slug)
    return office, get_object_or_404(
        Action.objects.select_related("axis", "owner", "question"), pk=pk, office=office
    )


@login_required
def action_edit(request, slug, pk):
    office, action = _action_for_member(request, slug, pk)
    form = ActionForm(request.POST or None, instance=action, office=office)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.action_update(action=action, user=request.user, **_fields(form))
            except services.ServiceError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("L’action est mise à jour."))
                return redirect("diagnostics:plan", slug=office.slug)
        status = 400
    return render(
        request,
        "diagnostics/action_edit.html",
        {
            "office": office,
            "action": action,
            "form": form,
            "is_director": office.member_role == Membership.Role.DIRECTOR,
        },
        status=status,
    )


@login_required
@require_POST
def action_delete(request, slug, pk):
    office, action = _action_for_member(request, slug, pk)
    try:
        services.action_delete(action=action, user=request.user)
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("diagnostics:action_edit", slug=office.slug, pk=action.pk)
    messages.success(request, _("L’action est supprimée du plan."))
    return redirect("diagnostics:plan", slug=office.slug)


@login_required
@require_POST
def pooling_opt_in(request, slug):
    """The direction chooses whether neighbours may see the office's name in pooling leads."""
    office = access.office_for_member(request.user, slug)
    opt_in = request.POST.get("opt_in") == "1"
    try:
        services.office_pooling_set(office=office, user=request.user, opt_in=opt_in)
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Votre office apparaît désormais sous son nom dans les pistes de mutualisation.")
            if opt_in
            else _("Votre office n’est plus nommé dans les pistes de mutualisation."),
        )
    return redirect("diagnostics:office", slug=office.slug)
