from django.contrib import admin
from django.urls import include, path

from snut.accounts import PasswordResetView
from snut.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("comptes/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("comptes/", include("django.contrib.auth.urls")),
    path("", include("diagnostics.urls")),
]
