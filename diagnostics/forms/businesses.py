"""The office's businesses: one business, a spreadsheet to import, a business campaign."""

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from diagnostics.models import (
    Organisation,
)


class WebAddressField(forms.URLField):
    """A website's address: http or https only (Django's field also takes ftp)."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class BusinessForm(forms.Form):
    """A business of the office's territory; duplicates are the service's to refuse."""

    name = forms.CharField(label=_("Nom"), max_length=200)
    segment = forms.ChoiceField(
        label=_("Activité"),
        choices=[("", _("Choisissez une activité"))]
        + [(s.value, s.label) for s in Organisation.BUSINESS_SEGMENTS],
    )
    subtype = forms.CharField(
        label=_("Précision"),
        max_length=80,
        required=False,
        help_text=_("Par exemple : gîte, camping, hôtel, crêperie."),
    )
    commune = forms.CharField(label=_("Commune"), max_length=120)
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        help_text=_("L’invitation au diagnostic est envoyée à cette adresse."),
        error_messages={
            "invalid": _("Saisissez une adresse e-mail valide, par exemple nom@gite.fr.")
        },
    )
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    website = WebAddressField(
        label=_("Site web"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=_("SNUT y relève chaque semaine quelques indicateurs visibles de tous."),
        error_messages={
            "invalid": _("Saisissez une adresse web valide, par exemple https://www.gite.fr.")
        },
    )


class WebsiteForm(forms.Form):
    """A business's own website address, from its personal link."""

    website = WebAddressField(
        label=_("Adresse de votre site web"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=_(
            "Par exemple https://www.gite-des-lilas.fr ; laissez vide si vous n’en avez pas."
        ),
        error_messages={
            "invalid": _("Saisissez une adresse web valide, par exemple https://www.gite.fr.")
        },
    )


class BusinessImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV de vos prestataires"),
        help_text=_(
            "Colonnes « nom ; activité ; commune ; e-mail », et « téléphone » et « site web » si "
            "vous le souhaitez. Séparateur « ; » ou « , », enregistré depuis Excel, LibreOffice ou "
            "un autre tableur."
        ),
    )


class BusinessCampaignForm(forms.Form):
    name = forms.CharField(label=_("Nom de la campagne"), max_length=120)
    opens = forms.DateField(
        label=_("Ouverture"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    closes = forms.DateField(
        label=_("Clôture"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Les liens des prestataires restent valables jusqu’à cette date."),
    )
