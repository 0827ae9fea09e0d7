"""The offices' target levels, as the network staff see them: counts per campaign and axis."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from diagnostics.admin.diagnostics import ReadOnlyAdmin
from diagnostics.models import AxisTarget
from diagnostics.selectors.targets import campaign_target_counts


@admin.register(AxisTarget)
class AxisTargetAdmin(ReadOnlyAdmin):
    """Only the summary page: which office aims at what stays the office's own."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("", view(self.changelist_view), name="diagnostics_axistarget_changelist")]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Niveaux visés des offices"),
            "opts": self.model._meta,
            "campaigns": campaign_target_counts(),
        }
        return TemplateResponse(request, "admin/diagnostics/axistarget/summary.html", context)
