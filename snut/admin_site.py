"""The project's admin site: Django's, with SNUT's names and the staff's landing page."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from diagnostics.network import staff_landing_url
from snut.accounts import AdminLoginForm

# Kept in each process: app lists (one per set of permissions, a few kB each) and written
# sidebars (one per set of permissions and page path, about 10 kB each).
APP_LISTS_KEPT = 32
SIDEBARS_KEPT = 512


class SnutAdminSite(admin.AdminSite):
    site_header = _("SNUT — administration du réseau")
    site_title = _("SNUT")
    index_title = _("Questionnaires, campagnes et offices")
    login_form = AdminLoginForm  # the user name's length checked (snut.accounts)
    site_url = None  # « Voir le site »: the public home sends staff back to their dashboard

    def __init__(self, name="admin"):
        super().__init__(name)
        self._app_lists: dict = {}  # see sidebar_app_list
        self._sidebars: dict = {}  # see sidebar_html

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

    def _sidebar_key(self, request) -> tuple:
        """What the navigation sidebar's apps and models depend on: the user's permissions
        (every ModelAdmin here decides what it shows from them alone: no names nor data, so
        users with the same permissions share it), the language, script prefix and URLconf."""
        key = getattr(request, "_snut_sidebar_key", None)
        if key is None:
            user = request.user
            key = request._snut_sidebar_key = (
                user.is_active,
                user.is_staff,
                user.is_superuser,
                # A superuser has every permission (reading them all would cost two queries).
                None if user.is_superuser else frozenset(user.get_all_permissions()),
                get_language(),
                get_script_prefix(),
                get_urlconf(),
            )
        return key

    def sidebar_app_list(self, request) -> list[dict]:
        """The sidebar's apps and models, built once per key in this process: building them
        (30 ModelAdmins' permissions, URLs and sorting) was a tenth of a diagnostic's page."""
        key = self._sidebar_key(request)
        app_list = self._app_lists.get(key)
        if app_list is None:
            if len(self._app_lists) >= APP_LISTS_KEPT:
                self._app_lists.clear()
            app_list = self._app_lists[key] = self.get_app_list(request)
        return app_list

    def sidebar_html(self, request, render) -> str:
        """The sidebar as `render` writes it (Django's admin/nav_sidebar.html), once per key
        and page path: it shows the app list and marks the current page by its path. Writing
        it was about 4 ms of every admin page that shows it."""
        key = (self._sidebar_key(request), request.path)
        html = self._sidebars.get(key)
        if html is None:
            if len(self._sidebars) >= SIDEBARS_KEPT:
                self._sidebars.clear()
            html = self._sidebars[key] = render()
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
