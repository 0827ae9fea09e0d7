"""Onboarding in the admin: invitations of an office's people, reminders of a campaign, accounts.

Network staff create an office and invite its director in the same form; they
resend or revoke invitations from the invitation list, and remind the offices
that have not submitted in a campaign (with a preview, one SMTP connection).
Every write goes through diagnostics.services.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db.models import OuterRef, Subquery
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from diagnostics import selectors, services
from diagnostics.admin.diagnostics import CampaignAdmin
from diagnostics.admin.inlines import LabelledTabularInline
from diagnostics.models import MEMBER_NEVER_STAFF, Campaign, Invitation, Membership, Reminder


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


class InvitationStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("statut")
    parameter_name = "statut"

    def lookups(self, request, model_admin):
        return Invitation.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Invitation.Status.values:
            return queryset.filter(status=self.value())
        return queryset


def _status_badge(invitation) -> str:
    return format_html(
        '<span class="snut-invitation {}">{}</span>',
        invitation.status,
        Invitation.Status(invitation.status).label,
    )


class InvitationInlineForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role"]

    def clean_email(self):
        office = self.instance.office if self.instance.office_id else None
        return services.invitation_check(office=office, email=self.cleaned_data["email"])


class InvitationInline(LabelledTabularInline):
    """Existing invitations read-only; a new row sends an invitation on save."""

    model = Invitation
    form = InvitationInlineForm
    fields = ["email", "role", "status", "expires_at", "last_sent_at", "manage"]
    readonly_fields = ["status", "expires_at", "last_sent_at", "manage"]
    can_delete = False
    verbose_name = gettext_lazy("invitation")
    verbose_name_plural = gettext_lazy(
        "invitations (une nouvelle ligne envoie l’invitation à l’enregistrement)"
    )

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj else 1  # a new office: invite its director right away

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("office")
        return selectors.invitations_with_status(queryset).order_by("-created_at")

    def has_change_permission(self, request, obj=None):
        return False  # resend and revoke are actions of the invitation list

    @admin.display(description=gettext_lazy("statut"))
    def status(self, obj):
        return _status_badge(obj) if obj.pk else "—"

    @admin.display(description="")
    def manage(self, obj):
        if not obj.pk:
            return ""
        url = reverse("admin:diagnostics_invitation_changelist")
        return format_html(
            '<a href="{}?office__id__exact={}">{}</a>',
            url,
            obj.office_id,
            _("Renvoyer ou révoquer"),
        )


class OfficeInvitationsMixin:
    """For OfficeAdmin: the invitations inline, whose new rows go through the service."""

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), InvitationInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Invitation:
            return super().save_formset(request, form, formset, change)
        for row in formset.extra_forms:
            if not row.has_changed() or not row.is_valid():
                continue
            try:
                invitation = services.invitation_create(
                    office=form.instance,
                    email=row.cleaned_data["email"],
                    role=row.cleaned_data["role"],
                    invited_by=request.user,
                    base_url=_base_url(request),
                )
            except services.ServiceError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
            else:
                self.message_user(
                    request,
                    _("Invitation envoyée à %(email)s.") % {"email": invitation.email},
                    messages.SUCCESS,
                )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "office", "role", "expires_at", "last_sent_at"]
    list_filter = [InvitationStatusFilter, "role"]
    list_select_related = ["office", "invited_by"]
    search_fields = ["email", "office__name"]
    actions = ["resend", "revoke"]
    readonly_fields = [
        "office",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "last_sent_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        return selectors.invitations_with_status(super().get_queryset(request))

    def has_add_permission(self, request):
        return False  # invitations are sent from the office's page in the admin

    def has_change_permission(self, request, obj=None):
        return False  # resend and revoke are actions; nothing else changes

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the history stays

    def has_manage_permission(self, request):
        return request.user.has_perm("diagnostics.change_invitation")

    @admin.display(description=gettext_lazy("statut"), ordering="status")
    def status(self, obj):
        return _status_badge(obj)

    def _each(self, request, queryset, service, done):
        count = 0
        for invitation in queryset.select_related("office", "invited_by"):
            try:
                service(invitation)
            except services.ServiceError as error:
                self.message_user(
                    request, f"{invitation.email} : {' '.join(error.messages)}", messages.ERROR
                )
            else:
                count += 1
        if count:
            self.message_user(request, done(count), messages.SUCCESS)

    @admin.action(
        description=gettext_lazy("Renvoyer les invitations sélectionnées"),
        permissions=["manage"],
    )
    def resend(self, request, queryset):
        base_url = _base_url(request)
        self._each(
            request,
            queryset,
            lambda i: services.invitation_resend(invitation=i, base_url=base_url),
            lambda n: (
                ngettext(
                    "%(count)s invitation renvoyée avec un nouveau lien.",
                    "%(count)s invitations renvoyées avec un nouveau lien.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(
        description=gettext_lazy("Révoquer les invitations sélectionnées"),
        permissions=["manage"],
    )
    def revoke(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda i: services.invitation_revoke(invitation=i),
            lambda n: (
                ngettext("%(count)s invitation révoquée.", "%(count)s invitations révoquées.", n)
                % {"count": n}
            ),
        )


admin.site.unregister(Campaign)


@admin.register(Campaign)
class CampaignRemindersAdmin(CampaignAdmin):
    """The campaigns' admin plus the reminder action and the date of the last reminder."""

    actions = ["remind"]

    def get_queryset(self, request):
        last = Reminder.objects.filter(campaign=OuterRef("pk")).order_by("-sent_at")
        return (
            super()
            .get_queryset(request)
            .annotate(last_reminder_at=Subquery(last.values("sent_at")[:1]))
        )

    def get_list_display(self, request):
        return [*super().get_list_display(request), "last_reminder"]

    @admin.display(description=gettext_lazy("dernière relance"), ordering="last_reminder_at")
    def last_reminder(self, obj):
        return obj.last_reminder_at or "—"

    @admin.action(
        description=gettext_lazy("Relancer les offices qui n’ont pas soumis"),
        permissions=["change"],
    )
    def remind(self, request, queryset):
        campaigns = list(queryset[:2])
        if len(campaigns) != 1:
            self.message_user(
                request, _("Choisissez une seule campagne à relancer."), messages.ERROR
            )
            return None
        campaign = campaigns[0]
        base_url = _base_url(request)
        if request.POST.get("post") == "yes":
            try:
                reminder = services.campaign_remind(
                    campaign=campaign, sent_by=request.user, base_url=base_url
                )
            except services.ServiceError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "Relance en cours d’envoi à la direction de %(count)s office.",
                        "Relance en cours d’envoi aux directions de %(count)s offices.",
                        reminder.recipients,
                    )
                    % {"count": reminder.recipients},
                    messages.SUCCESS,
                )
            return None
        messages_ = services.campaign_reminder_messages(campaign=campaign, base_url=base_url)
        offices = selectors.reminder_offices(campaign)
        return TemplateResponse(
            request,
            "admin/diagnostics/campaign/remind.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Relancer les offices qui n’ont pas soumis"),
                "campaign": campaign,
                "is_open": campaign.is_open(),
                "messages_": messages_,
                "sample": messages_[0][1] if messages_ else None,
                "unreachable": [
                    (o, bool(o.directors)) for o in offices if not selectors.reminder_recipients(o)
                ],
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


class UserChangeWithoutMembersAsStaffForm(UserChangeForm):
    """Refuses, with the reason, to make an office's member network staff (the database
    and a signal refuse it too; the form says why instead of failing)."""

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("is_staff")
            and self.instance.pk
            and Membership.objects.filter(user=self.instance.pk).exists()
        ):
            self.add_error("is_staff", MEMBER_NEVER_STAFF)
        return cleaned


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class SnutUserAdmin(UserAdmin):
    form = UserChangeWithoutMembersAsStaffForm
