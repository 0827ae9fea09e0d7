"""An office's copy, its businesses: their campaigns, contact data and links, the state of
their diagnostics, and the scores and answers of those that agreed to share them."""

from diagnostics.models import Audience, Business, BusinessLink, Campaign, Diagnostic, Office
from diagnostics.personal_data.business import (
    ANSWER_HEADERS,
    BUSINESS_DIAGNOSTIC_HEADERS,
    answer_row,
    answers_of,
)
from diagnostics.personal_data.office_diagnostics import axis_score_table
from diagnostics.personal_data.tables import Table, when_text, yes_no
from diagnostics.visibility import office_reads


def business_tables(office: Office) -> list[Table]:
    """The office's businesses, their campaigns, links and diagnostics, and the scores and
    answers of those that agreed to share them: six queries."""
    businesses = Business.objects.filter(parent=office).order_by("name", "pk")
    campaigns = Campaign.objects.filter(organiser=office, audience=Audience.BUSINESSES)
    links = (
        BusinessLink.objects.filter(business__parent=office)
        .select_related("business", "campaign")
        .order_by("business__name", "created_at", "pk")
    )
    diagnostics = list(
        Diagnostic.objects.filter(organisation__parent=office)
        .select_related("organisation", "campaign", "overall_level")
        .order_by("organisation__name", "created_at", "pk")
    )
    # The office reads a business's scores and answers only once it agreed.
    shared = [d for d in diagnostics if office_reads(d)]
    names = {d.pk: f"{d.organisation.name} — {d.campaign.name}" for d in shared}
    shared_ids = [d.pk for d in shared]
    answers = answers_of(shared_ids)
    return [
        Table(
            "campagnes_prestataires",
            ["campagne", "ouverture", "clôture"],
            [
                [c.name, when_text(c.opens), when_text(c.closes)]
                for c in campaigns.order_by("opens", "pk")
            ],
        ),
        Table(
            "prestataires",
            ["nom", "activité", "précision", "commune", "adresse e-mail", "téléphone", "site web"],
            [
                [b.name, b.get_segment_display(), b.subtype, b.commune, b.email, b.phone, b.website]
                for b in businesses
            ],
        ),
        Table(
            "liens_prestataires",
            [
                "prestataire",
                "campagne",
                "créé le",
                "expire le",
                "dernier envoi",
                "envois",
                "première ouverture",
                "désactivé le",
            ],
            [
                [
                    link.business.name,
                    link.campaign.name,
                    when_text(link.created_at),
                    when_text(link.expires_at),
                    when_text(link.last_sent_at),
                    link.sent_count,
                    when_text(link.opened_at),
                    when_text(link.revoked_at),
                ]
                for link in links
            ],
        ),
        Table(
            "diagnostics_prestataires",
            ["prestataire", *BUSINESS_DIAGNOSTIC_HEADERS],
            [
                [
                    d.organisation.name,
                    d.campaign.name,
                    d.get_status_display(),
                    when_text(d.submitted_at),
                    yes_no(d.share_details) if d.is_submitted else "",
                    d.overall_score if d.pk in names else None,
                    d.overall_level.name if d.pk in names and d.overall_level_id else "",
                ]
                for d in diagnostics
            ],
        ),
        axis_score_table("scores_par_axe_prestataires", shared_ids, names),
        Table(
            "reponses_prestataires",
            ["prestataire et campagne", *ANSWER_HEADERS],
            [[names[a.diagnostic_id], *answer_row(a)] for a in answers],
        ),
    ]
