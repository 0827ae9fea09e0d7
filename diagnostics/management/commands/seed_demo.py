"""Fictional offices, users and diagnostics so that every page has something to show.

Idempotent: offices, users and campaigns are looked up by name, and an office
that already has diagnostics in a campaign is left alone.
"""

import random
import secrets
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from diagnostics import selectors, services
from diagnostics.models import (
    Answer,
    Campaign,
    Diagnostic,
    Invitation,
    Membership,
    Office,
    Questionnaire,
)

DEMO_PASSWORD = "snut-demo"
DEMO_DIRECTOR = "directeur"
DEMO_COLLEAGUE = "collegue"
DEMO_STAFF = "mopa"
DEMO_OFFICE = "Office de tourisme de Brumevieille-sur-Dronne"

# Invented communes, six per Aquitaine department.
COMMUNES = {
    "24": [
        "Brumevieille-sur-Dronne",
        "Castelroc",
        "Saint-Aulaire-des-Combes",
        "Vézelle-la-Forêt",
        "Montravel-les-Truffiers",
        "Lasgrottes",
    ],
    "33": [
        "Port-Ardent",
        "Saint-Émilien-des-Vignes",
        "Lacanau-la-Dune",
        "Blayeville",
        "Sauvetat-en-Médoc",
        "Arcachère",
    ],
    "40": [
        "Mimizanne-Océan",
        "Sabres-les-Pins",
        "Airelle-sur-l’Adour",
        "Hossegor-la-Vague",
        "Pissos-en-Lande",
        "Dax-les-Sources",
    ],
    "47": [
        "Nérac-la-Baïse",
        "Villeréal-des-Bastides",
        "Pujols-le-Haut",
        "Casseneuil-sur-Lot",
        "Marmandelle",
        "Tournon-d’Agenais-le-Vieux",
    ],
    "64": [
        "Saint-Pée-des-Collines",
        "Oloron-la-Haute",
        "Bidart-Plage",
        "Sare-en-Rhune",
        "Navarrenx-les-Remparts",
        "Laruns-en-Ossau",
    ],
}


class Command(BaseCommand):
    help = "Crée des offices fictifs, des comptes et des diagnostics de démonstration (DEBUG uniquement)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuse de tourner quand DEBUG est désactivé : ce sont des données fictives."
            )
        questionnaire = (
            Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED)
            .order_by("-version")
            .first()
        )
        if questionnaire is None:
            raise CommandError(
                "Aucun questionnaire publié : chargez-le d’abord avec "
                "« python manage.py loaddata questionnaire_snut »."
            )
        with transaction.atomic():
            summary = seed(questionnaire)
        self.stdout.write(self.style.SUCCESS(summary))


def seed(questionnaire: Questionnaire, today: date | None = None) -> str:
    today = today or timezone.localdate()
    previous, current = _campaigns(questionnaire, today)
    offices = _offices()
    director, colleague, staff = _users(offices[0])
    _pending_invitation(offices[0], director)
    axes = selectors.questionnaire_axes(questionnaire)
    created = 0
    for index, office in enumerate(offices):
        rng = random.Random(office.slug)
        maturity = rng.uniform(0.15, 0.85)
        axis_bias = {axis.pk: rng.uniform(-0.25, 0.25) for axis in axes}
        # Every office took part last year; this year most have submitted, some are
        # still filling it in and a few have not started, as in a real campaign.
        plan = [(previous, maturity, True)]
        if index == 0 or index % 6 not in (4, 5):
            plan.append((current, min(0.95, maturity + rng.uniform(0.0, 0.15)), True))
        elif index % 6 == 4:
            plan.append((current, maturity, False))
        for campaign, level, submit in plan:
            if office.diagnostics.filter(campaign=campaign).exists():
                continue
            _diagnostic(office, campaign, axes, level, axis_bias, rng, director, submit)
            created += 1
    return (
        f"Démo prête : {len(offices)} offices, {created} diagnostic(s) créé(s), "
        f"campagnes « {previous.name} » et « {current.name} ».\n"
        f"Comptes (mot de passe « {DEMO_PASSWORD} », démo uniquement) : "
        f"{director.username} et {colleague.username} ({offices[0].name}), {staff.username} (réseau, admin)."
    )


def _campaigns(questionnaire: Questionnaire, today: date) -> tuple[Campaign, Campaign]:
    current_opens = today - timedelta(days=60)
    previous_opens = current_opens.replace(year=current_opens.year - 1)
    previous, _ = Campaign.objects.get_or_create(
        name=f"Campagne {previous_opens.year}",
        defaults={
            "questionnaire": questionnaire,
            "opens": previous_opens,
            "closes": previous_opens + timedelta(days=150),
        },
    )
    current, _ = Campaign.objects.get_or_create(
        name=f"Campagne {current_opens.year}",
        defaults={
            "questionnaire": questionnaire,
            "opens": current_opens,
            "closes": today + timedelta(days=120),
        },
    )
    return previous, current


def _offices() -> list[Office]:
    categories = [Office.Category.CAT_1, Office.Category.CAT_2, Office.Category.CAT_2]
    legal_forms = list(Office.LegalForm)
    bands = list(Office.StaffBand)
    offices = []
    for d_index, (department, communes) in enumerate(COMMUNES.items()):
        for c_index, commune in enumerate(communes):
            i = d_index * len(communes) + c_index
            office, _ = Office.objects.get_or_create(
                slug=slugify(commune),
                defaults={
                    "name": f"Office de tourisme de {commune}",
                    "department": department,
                    "commune": commune,
                    "category": categories[i % 3],
                    "legal_form": legal_forms[i % len(legal_forms)],
                    "staff_band": bands[(i * 2) % len(bands)],
                },
            )
            offices.append(office)
    return offices


def _users(demo_office: Office):
    User = get_user_model()

    def user(username, first, last, **extra):
        obj, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@snut.localhost",
                **extra,
            },
        )
        if created:
            obj.set_password(DEMO_PASSWORD)
            obj.save()
        return obj

    director = user(DEMO_DIRECTOR, "Camille", "Dufau")
    colleague = user(DEMO_COLLEAGUE, "Lucas", "Etcheverry")
    staff = user(DEMO_STAFF, "Nadia", "Laborde", is_staff=True)
    Membership.objects.get_or_create(
        user=director, office=demo_office, defaults={"role": Membership.Role.DIRECTOR}
    )
    Membership.objects.get_or_create(
        user=colleague, office=demo_office, defaults={"role": Membership.Role.MEMBER}
    )
    staff.groups.add(services.network_group_sync())
    return director, colleague, staff


def _diagnostic(office, campaign, axes, maturity, axis_bias, rng, user, submit) -> Diagnostic:
    moment = timezone.make_aware(
        datetime.combine(campaign.opens + timedelta(days=rng.randint(5, 40)), time(10))
    )
    diagnostic = Diagnostic.objects.create(
        office=office,
        campaign=campaign,
        questionnaire_id=campaign.questionnaire_id,
        created_by=user,
    )
    answers = []
    for axis in axes:
        questions = list(axis.questions.all())
        if not submit:
            questions = questions[: len(questions) // 2]
        for question in questions:
            if question.allow_not_applicable and rng.random() < 0.1:
                answers.append(
                    Answer(diagnostic=diagnostic, question=question, not_applicable=True)
                )
                continue
            choices = list(question.choices.all())
            p = min(0.98, max(0.0, rng.gauss(maturity + axis_bias[axis.pk], 0.2)))
            answers.append(
                Answer(
                    diagnostic=diagnostic,
                    question=question,
                    choice=choices[round(p * (len(choices) - 1))],
                )
            )
    Answer.objects.bulk_create(answers)
    if submit:
        return services.diagnostic_submit(diagnostic=diagnostic, user=user, now=moment)
    return diagnostic


DEMO_INVITEE = "nouvelle.recrue@snut.localhost"


def _pending_invitation(office: Office, director) -> None:
    """One pending invitation on the demo office's team page (its link was never sent:
    « Renvoyer » prints a working one on the console)."""
    if not Invitation.objects.filter(office=office, email=DEMO_INVITEE).exists():
        Invitation.objects.create(
            office=office,
            email=DEMO_INVITEE,
            role=Membership.Role.MEMBER,
            invited_by=director,
            token_hash=secrets.token_hex(32),
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
        )
