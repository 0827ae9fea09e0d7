"""Fictional offices, users and diagnostics so that every page has something to show.

Idempotent: offices, users and campaigns are looked up by name, and an office
that already has diagnostics in a campaign is left alone. The latest campaign runs
on the newest published version of the questionnaire, the earlier one on the
version before (version 2 when version 3 is loaded): the evolution crosses a revision.
"""

import random
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from diagnostics import selectors
from diagnostics.french import counted
from diagnostics.management.demo_businesses import seed_businesses
from diagnostics.management.demo_catalogue import seed_catalogue_sessions
from diagnostics.management.demo_diagnostics import (
    carried_over,
    demo_campaigns,
    demo_diagnostic,
    seed_express,
)
from diagnostics.management.demo_impact import seed_impact
from diagnostics.management.demo_offices import (
    DEMO_PASSWORD,
    office_director,
    seed_invitation,
    seed_offices,
    seed_users,
)
from diagnostics.management.demo_opinions import seed_opinions
from diagnostics.management.demo_plans import seed_plan, seed_targets
from diagnostics.management.demo_sessions import seed_sessions
from diagnostics.management.demo_websites import seed_websites
from diagnostics.models import Audience, Questionnaire


class Command(BaseCommand):
    help = (
        "Crée des offices fictifs, des comptes et des diagnostics de démonstration "
        "(DEBUG uniquement), après snut_setup --all-versions."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuse de tourner quand DEBUG est désactivé : ce sont des données fictives."
            )
        questionnaire = Questionnaire.objects.latest(Audience.OFFICES).first()
        if questionnaire is None:
            raise CommandError(
                "Aucun questionnaire publié : installez d’abord le contenu de départ avec "
                "« python manage.py snut_setup --all-versions »."
            )
        published = Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED)
        # The version before the newest: the evolution and the carry-over cross one revision.
        earliest = (
            published.filter(code=questionnaire.code, version__lt=questionnaire.version)
            .order_by("-version")
            .first()
            or questionnaire
        )
        with transaction.atomic():
            summary = seed(questionnaire, previous_questionnaire=earliest)
        self.stdout.write(self.style.SUCCESS(summary))


def seed(
    questionnaire: Questionnaire,
    today: date | None = None,
    previous_questionnaire: Questionnaire | None = None,
) -> str:
    """Demo offices and diagnostics; the earlier campaign on `previous_questionnaire` if given."""
    today = today or timezone.localdate()
    previous, current = demo_campaigns(
        questionnaire, previous_questionnaire or questionnaire, today
    )
    offices = seed_offices()
    director, colleague, filler, staff = seed_users(offices[0], offices[1])
    seed_invitation(offices[0], director)
    # Axes keep their codes across versions: an office's profile carries over.
    codes = [axis.code for axis in selectors.questionnaire_axes(questionnaire)]
    created = 0
    for index, office in enumerate(offices):
        rng = random.Random(office.slug)
        maturity = rng.uniform(0.15, 0.85)
        axis_bias = {code: rng.uniform(-0.25, 0.25) for code in codes}
        # Every office took part last year; this year most have submitted, some are
        # still filling it in and a few have not started, as in a real campaign.
        # The second demo office is half-way through this year's, started from last
        # year's answers: a newcomer confirms, finishes, submits and sees the evolution.
        plan = [(previous, maturity, True)]
        if index == 1:
            plan.append((current, None, "carry_over"))
        elif index == 0 or index % 6 not in (4, 5):
            plan.append((current, min(0.95, maturity + rng.uniform(0.0, 0.15)), True))
        elif index % 6 == 4:
            plan.append((current, maturity, False))
        for campaign, level, submit in plan:
            if office.diagnostics.filter(campaign=campaign).exists():
                continue
            submitter = {0: director, 1: filler}.get(index) or office_director(office)
            if submit == "carry_over":
                carried_over(office, campaign, submitter)
            else:
                demo = index == 0 and campaign == current
                demo_diagnostic(
                    office, campaign, level, axis_bias, rng, submitter, submit, demo=demo
                )
            created += 1
    created += seed_express(offices, today)
    seed_plan(offices[0], previous, director, colleague)
    seed_opinions(offices[1], current, filler, DEMO_PASSWORD)
    seed_targets(offices[0], previous, current, director, colleague, today)
    seed_catalogue_sessions(today)
    # The demo office, its neighbour and one in Gironde: the staff see two departments.
    business_diagnostics = seed_businesses([offices[0], offices[1], offices[6]], today)
    # « Observé »: checks « made earlier » (the demo has no internet), labelled as such.
    seed_websites([offices[0], offices[1], offices[6]])
    # Its workshops held and to come, from the programme its businesses' answers make.
    seed_sessions(offices[0], today, director)
    # Last year's diagnostics and past workshop sessions: the attendees' evolution, the bilan.
    business_diagnostics += seed_impact(offices[0], today)
    return (
        f"Démo prête : {len(offices)} offices, "
        + counted(created, "%(count)s diagnostic créé", "%(count)s diagnostics créés")
        + ", "
        + counted(
            business_diagnostics,
            "%(count)s diagnostic de prestataires créé",
            "%(count)s diagnostics de prestataires créés",
        )
        + ", "
        f"campagnes « {previous.name} » et « {current.name} ».\n"
        f"Comptes (mot de passe « {DEMO_PASSWORD} », démo uniquement) : "
        f"{director.username} et {colleague.username} ({offices[0].name}), "
        f"{filler.username} ({offices[1].name}, diagnostic en cours), {staff.username} (réseau, admin)."
    )
