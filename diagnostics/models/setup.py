"""What the setup command (`manage.py snut_setup`) has installed, so that it installs nothing twice."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SetupRecord(models.Model):
    """One starter entry the setup command installed (or found already there): its key
    stays when the network renames or deletes the entry, so a later run neither
    duplicates it nor brings it back."""

    key = models.CharField(_("clé"), max_length=200, unique=True)
    object_id = models.PositiveIntegerField(_("identifiant de l’objet"), null=True, blank=True)
    installed_at = models.DateTimeField(_("installé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("contenu de départ installé")
        verbose_name_plural = _("contenus de départ installés")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key
