"""The project's admin site: Django's, with SNUT's names and the staff's landing page."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from diagnostics.network import staff_landing_url


class SnutAdminSite(admin.AdminSite):
    site_header = _("SNUT — administration du réseau")
    site_title = _("SNUT")
    index_title = _("Questionnaires, campagnes et offices")
    site_url = None  # « Voir le site »: the public home sends staff back to their dashboard

    def each_context(self, request):
        """Django's, with the apps' list built only if a page shows it (the navigation
        sidebar, which the widest lists turn off): it was a tenth of the office list's time."""
        script_name = request.META["SCRIPT_NAME"]
        return {
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": script_name if self.site_url == "/" and script_name else self.site_url,
            "has_permission": self.has_permission(request),
            "available_apps": SimpleLazyObject(lambda: self.get_app_list(request)),
            "is_popup": False,
            "is_nav_sidebar_enabled": self.enable_nav_sidebar,
            "log_entries": self.get_log_entries(request),
        }

    def login(self, request, extra_context=None):
        """A login that would land on the index (/admin/ asked, or nothing) lands on the
        dashboard instead; a deeper page asked for (?next=…) is kept."""
        response = super().login(request, extra_context)
        index = reverse("admin:index", current_app=self.name)
        if (
            request.method == "POST"
            and request.user.is_authenticated
            and isinstance(response, HttpResponseRedirect)
            and response.url == index
        ):
            return HttpResponseRedirect(staff_landing_url(request.user))
        return response
