"""The project's admin site: Django's, with SNUT's names and the staff's landing page."""

from types import SimpleNamespace

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from diagnostics.network import staff_landing_url


class SnutAdminSite(admin.AdminSite):
    site_header = _("SNUT — administration du réseau")
    site_title = _("SNUT")
    index_title = _("Questionnaires, campagnes et offices")
    site_url = None  # « Voir le site »: the public home sends staff back to their dashboard

    def __init__(self, name="admin"):
        super().__init__(name)
        self._sidebars: dict = {}  # see _sidebar

    def each_context(self, request):
        """Django's, with the apps' list built only if a page shows it (the navigation
        sidebar, which the widest lists turn off): it was a tenth of the office list's time."""
        script_name = request.META["SCRIPT_NAME"]
        return {
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": script_name if self.site_url == "/" and script_name else self.site_url,
            "has_permission": self.has_permission(request),
            "available_apps": SimpleLazyObject(lambda: self.sidebar_app_list(request)),
            "is_popup": False,
            "is_nav_sidebar_enabled": self.enable_nav_sidebar,
            "log_entries": self.get_log_entries(request),
        }

    def _sidebar(self, request) -> SimpleNamespace:
        """The navigation sidebar's apps and models, built once per set of permissions (and
        language, script prefix and URLconf) in this process, with the sidebar's HTML by
        page path. Every ModelAdmin here decides what it shows from the user's permissions
        alone, so the list depends on nothing else (no names nor data: users with the same
        permissions share it). Building it (30 ModelAdmins' permissions, URLs and sorting)
        was a tenth of a diagnostic's page, and writing it 1.5 ms of every page with it."""
        user = request.user
        key = (
            user.is_active,
            user.is_staff,
            user.is_superuser,
            # A superuser has every permission (and reading them all would cost two queries).
            None if user.is_superuser else frozenset(user.get_all_permissions()),
            get_language(),
            get_script_prefix(),
            get_urlconf(),
        )
        sidebar = self._sidebars.get(key)
        if sidebar is None:
            if len(self._sidebars) >= 256:
                self._sidebars.clear()
            sidebar = self._sidebars[key] = SimpleNamespace(
                app_list=self.get_app_list(request), html={}
            )
        return sidebar

    def sidebar_app_list(self, request) -> list[dict]:
        return self._sidebar(request).app_list

    def sidebar_html(self, request, render) -> str:
        """The sidebar as `render` writes it (Django's admin/nav_sidebar.html), once per page
        path for each app list: it shows that list and marks the current page by its path."""
        written = self._sidebar(request).html
        html = written.get(request.path)
        if html is None:
            if len(written) >= 1024:
                written.clear()
            html = written[request.path] = render()
        return html

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
