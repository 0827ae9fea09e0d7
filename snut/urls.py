from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path

from snut.accounts import LoginForm, PasswordResetView
from snut.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("comptes/login/", LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("comptes/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("comptes/", include("django.contrib.auth.urls")),
    path("", include("diagnostics.urls")),
]
