"""An office's copy, its first tables: the office itself, its team and its invitations."""

from django.contrib.auth import get_user_model

from diagnostics.models import Invitation, Membership, Office
from diagnostics.personal_data.tables import Table, user_name, when_text, yes_no


def team_tables(office: Office) -> list[Table]:
    """The office's own record, its members and the invitations it sent: two queries."""
    users = get_user_model()
    tables = [
        Table(
            "office",
            [
                "nom",
                "identifiant",
                "département",
                "commune",
                "catégorie",
                "forme juridique",
                "effectif",
                "adresse e-mail",
                "téléphone",
                "site web",
                "apparaît dans les pistes de mutualisation",
                "propose des rendez-vous individuels aux prestataires",
                "re-diagnostic des participants (mois après l’atelier)",
            ],
            [
                [
                    office.name,
                    office.slug,
                    str(office.department),
                    office.commune,
                    office.get_segment_display(),
                    office.get_legal_form_display(),
                    office.get_staff_band_display(),
                    office.email,
                    office.phone,
                    office.website,
                    yes_no(office.pooling_opt_in),
                    yes_no(office.offers_appointments),
                    office.rediagnosis_months,
                ]
            ],
        )
    ]
    memberships = Membership.objects.filter(office=office).select_related("user")
    tables.append(
        Table(
            "membres",
            [
                "prénom",
                "nom",
                "adresse e-mail",
                "identifiant",
                "rôle",
                "gère les prestataires",
                "inscrit le",
                "dernière connexion",
            ],
            [
                [
                    m.user.first_name,
                    m.user.last_name,
                    m.user.email,
                    m.user.get_username(),
                    m.get_role_display(),
                    yes_no(m.role == Membership.Role.DIRECTOR or m.can_manage_businesses),
                    when_text(m.user.date_joined),
                    when_text(m.user.last_login),
                ]
                for m in memberships.order_by(f"user__{users.USERNAME_FIELD}")
            ],
        )
    )
    invitations = Invitation.objects.filter(office=office).select_related(
        "invited_by", "accepted_by"
    )
    tables.append(
        Table(
            "invitations",
            [
                "adresse e-mail",
                "rôle",
                "invitée par",
                "créée le",
                "expire le",
                "dernier envoi",
                "acceptée le",
                "acceptée par",
                "révoquée le",
            ],
            [
                [
                    i.email,
                    i.get_role_display(),
                    user_name(i.invited_by),
                    when_text(i.created_at),
                    when_text(i.expires_at),
                    when_text(i.last_sent_at),
                    when_text(i.accepted_at),
                    user_name(i.accepted_by),
                    when_text(i.revoked_at),
                ]
                for i in invitations.order_by("created_at", "pk")
            ],
        )
    )
    return tables
