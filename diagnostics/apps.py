from django.apps import AppConfig
from django.core import checks
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_network_group(sender, **kwargs):
    # Permissions exist only once every app has migrated: the group follows them.
    from diagnostics.services import network_group_sync

    network_group_sync()


class DiagnosticsConfig(AppConfig):
    name = "diagnostics"
    verbose_name = _("Diagnostics numériques")

    def ready(self):
        from diagnostics import collation, legal, signals

        connection_created.connect(collation.sqlite_register)

        post_migrate.connect(_sync_network_group, sender=self)
        checks.register(legal.legal_facts_check)
        signals.connect()
