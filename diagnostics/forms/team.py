"""The team's forms: an invitation, a role, the invitee's account."""

from django import forms
from django.contrib.auth.forms import SetPasswordMixin
from django.utils.translation import gettext_lazy as _

from diagnostics.models import (
    Membership,
)
from diagnostics.services import EMAIL_INVALID


class InvitationForm(forms.Form):
    """A director (or the admin) invites someone to the office's team."""

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=150,
        error_messages={"invalid": _(EMAIL_INVALID)},
    )
    role = forms.ChoiceField(
        label=_("Rôle"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Membership.Role.choices)


class InvitationSignupForm(SetPasswordMixin, forms.Form):
    """The invitee's name and password; the service checks the password against the account."""

    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Mot de passe"), label2=_("Confirmation du mot de passe")
    )

    def clean(self):
        self.validate_passwords()
        return super().clean()
