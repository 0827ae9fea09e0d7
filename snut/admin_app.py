"""Django's admin app with the project's site (snut/admin_site.py): a module of its own, as
INSTALLED_APPS imports it before the models exist."""

from django.contrib.admin.apps import AdminConfig


class SnutAdminConfig(AdminConfig):
    default_site = "snut.admin_site.SnutAdminSite"
