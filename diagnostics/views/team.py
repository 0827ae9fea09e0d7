"""The office's team (members, roles, invitations) and the invitation link's page.

Members read the team; only a director invites, changes roles or removes
someone (403 for a plain member). Network staff are never members: 404, as
for another office.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from diagnostics import access, selectors, services
from diagnostics.forms import InvitationForm, InvitationSignupForm, RoleForm
from diagnostics.models import Invitation, Membership
from snut import permissions

# What the invitation page answers when a link is refused.
REFUSAL_STATUS = {"invalid": 400, "other_account": 403, "used": 410, "expired": 410, "revoked": 410}


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _team_page(request, office, *, form=None, status=200):
    team = selectors.office_team(office)
    is_director = any(
        m.user_id == request.user.pk and m.role == Membership.Role.DIRECTOR for m in team
    )
    context = {
        "office": office,
        "team": team,
        "is_director": is_director,
        "directors": sum(m.role == Membership.Role.DIRECTOR for m in team),
        "invitations": selectors.office_open_invitations(office) if is_director else [],
        "form": form or InvitationForm(),
        "roles": Membership.Role.choices,
        "invitation_days": settings.INVITATION_MAX_AGE_DAYS,
    }
    return render(request, "diagnostics/team.html", context, status=status)


@login_required
def team(request, slug):
    return _team_page(request, access.office_for_member(request.user, slug))


@login_required
@require_POST
def team_invite(request, slug):
    office = access.office_for_director(request.user, slug)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _team_page(request, office, form=form, status=400)
    try:
        invitation = services.invitation_create(
            office=office,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            invited_by=request.user,
            base_url=_base_url(request),
        )
    except services.ServiceError as error:
        form.add_error("email", error)
        return _team_page(request, office, form=form, status=error.status)
    messages.success(
        request,
        ngettext(
            "Invitation envoyée à %(email)s : le lien est valable %(days)s jour.",
            "Invitation envoyée à %(email)s : le lien est valable %(days)s jours.",
            settings.INVITATION_MAX_AGE_DAYS,
        )
        % {"email": invitation.email, "days": settings.INVITATION_MAX_AGE_DAYS},
    )
    return redirect("diagnostics:team", slug=office.slug)


@login_required
@require_POST
def member_role(request, slug, pk):
    office = access.office_for_director(request.user, slug)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk, office=office)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un rôle : direction ou membre de l’équipe."))
        return redirect("diagnostics:team", slug=office.slug)
    try:
        services.membership_role_change(membership=membership, role=form.cleaned_data["role"])
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s : rôle « %(role)s ».")
            % {
                "name": membership.user.get_full_name() or membership.user.email,
                "role": Membership.Role(form.cleaned_data["role"]).label,
            },
        )
    return redirect("diagnostics:team", slug=office.slug)


@login_required
@require_POST
def member_businesses(request, slug, pk):
    """The director lets a member manage the office's businesses, or stops it."""
    office = access.office_for_director(request.user, slug)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk, office=office)
    allowed = request.POST.get("allowed") == "1"
    services.membership_businesses_allow(membership=membership, allowed=allowed)
    name = membership.user.get_full_name() or membership.user.email or membership.user.username
    if allowed:
        messages.success(request, _("%(name)s peut gérer les prestataires.") % {"name": name})
    else:
        messages.success(request, _("%(name)s ne gère plus les prestataires.") % {"name": name})
    return redirect("diagnostics:team", slug=office.slug)


@login_required
def member_remove(request, slug, pk):
    """GET asks for confirmation; POST removes."""
    office = access.office_for_director(request.user, slug)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk, office=office)
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership)
        except services.ServiceError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("diagnostics:team", slug=office.slug)
        if membership.user_id == request.user.pk:
            messages.success(
                request,
                _("Vous avez quitté l’équipe de l’office « %(office)s ».")
                % {"office": office.name},
            )
            return redirect("diagnostics:home")
        messages.success(
            request,
            _("%(name)s ne fait plus partie de l’équipe.")
            % {"name": membership.user.get_full_name() or membership.user.email},
        )
        return redirect("diagnostics:team", slug=office.slug)
    return render(
        request,
        "diagnostics/team_remove.html",
        {
            "office": office,
            "membership": membership,
            "is_self": membership.user_id == request.user.pk,
        },
    )


def _open_invitation(request, slug, pk):
    office = access.office_for_director(request.user, slug)
    return office, get_object_or_404(Invitation, pk=pk, office=office)


@login_required
@require_POST
def invitation_resend(request, slug, pk):
    office, invitation = _open_invitation(request, slug, pk)
    try:
        services.invitation_resend(invitation=invitation, base_url=_base_url(request))
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Invitation renvoyée à %(email)s : l’ancien lien ne fonctionne plus.")
            % {"email": invitation.email},
        )
    return redirect("diagnostics:team", slug=office.slug)


@login_required
@require_POST
def invitation_revoke(request, slug, pk):
    office, invitation = _open_invitation(request, slug, pk)
    try:
        services.invitation_revoke(invitation=invitation)
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Invitation de %(email)s révoquée.") % {"email": invitation.email}
        )
    return redirect("diagnostics:team", slug=office.slug)


def _refused(request, error: ValidationError):
    status = REFUSAL_STATUS.get(error.code, 400)
    return render(
        request,
        "diagnostics/invitation_refused.html",
        {"message": " ".join(error.messages), "code": error.code},
        status=status,
    )


def invitation_accept(request, slug, token):
    """The link of an invitation e-mail: set a name and a password, or log in and join."""
    try:
        invitation = services.invitation_for_link(slug=slug, token=token)
    except services.ServiceError as error:
        return _refused(request, error)
    account = services.invitation_account(invitation)
    user = request.user if request.user.is_authenticated else None
    if user is not None and (account is None or account.pk != user.pk):
        return _refused(
            request,
            ValidationError(
                _(services.INVITATION_OTHER_ACCOUNT).format(email=invitation.email),
                code="other_account",
            ),
        )
    context = {"invitation": invitation, "office": invitation.office}
    if account is not None and user is None:
        return render(request, "diagnostics/invitation_login.html", context)
    form = InvitationSignupForm(request.POST or None) if account is None else None
    if request.method == "POST" and (form is None or form.is_valid()):
        fields = form.cleaned_data if form else {}
        try:
            membership = services.invitation_accept(
                slug=slug,
                token=token,
                user=user,
                first_name=fields.get("first_name", ""),
                last_name=fields.get("last_name", ""),
                password=fields.get("password1", ""),
            )
        except services.ServiceError as error:
            if getattr(error, "code", None) in REFUSAL_STATUS or form is None:
                return _refused(request, error)
            form.add_error("password1", error)
        else:
            if user is None:
                login(request, membership.user, backend=permissions.PATH)
            messages.success(
                request,
                _("Bienvenue dans l’équipe de l’office « %(office)s ».")
                % {"office": invitation.office.name},
            )
            return redirect("diagnostics:office", slug=invitation.office.slug)
    return render(request, "diagnostics/invitation_accept.html", {**context, "form": form})
