from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from snut.accounts import PasswordResetView
from snut.health import healthz

admin.site.site_header = _("SNUT — administration du réseau")
admin.site.site_title = _("SNUT")
admin.site.index_title = _("Questionnaires, campagnes et offices")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("comptes/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("comptes/", include("django.contrib.auth.urls")),
    path("", include("diagnostics.urls")),
]
