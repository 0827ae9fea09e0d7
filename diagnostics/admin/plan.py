"""The offices' action plans, as the network staff see them: counts per axis, no content."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from diagnostics import selectors
from diagnostics.models import Action


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    """Only the summary page: an action's content stays the office's own."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view(self.changelist_view)
        return [path("", view, name="diagnostics_action_changelist")]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Plans d’action des offices"),
            "opts": self.model._meta,
            "rows": selectors.action_counts_by_axis(),
        }
        return TemplateResponse(request, "admin/diagnostics/action/summary.html", context)
