"""Fictional offices, users and diagnostics so that every page has something to show.

Idempotent: offices, users and campaigns are looked up by name, and an office
that already has diagnostics in a campaign is left alone. The latest campaign runs
on the newest published version of the questionnaire, the earlier one on the
version before (version 2 when version 3 is loaded): the evolution crosses a revision.
"""

import random
import secrets
from datetime import date, datetime, time, timedelta

import holidays
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from diagnostics import scoring, selectors, services
from diagnostics.formatting import shown
from diagnostics.french import counted, de
from diagnostics.management.demo_businesses import demo_answers, demo_data, seed_businesses
from diagnostics.management.demo_impact import seed_impact
from diagnostics.management.demo_opinions import seed_opinions
from diagnostics.management.demo_sessions import seed_sessions
from diagnostics.management.demo_websites import seed_websites
from diagnostics.models import (
    Answer,
    Audience,
    AxisScore,
    AxisTarget,
    Campaign,
    Diagnostic,
    Invitation,
    Membership,
    Office,
    Questionnaire,
    TrainingSession,
)
from diagnostics.services.setup import starter_trainings
from diagnostics.services.targets import TargetChoice, axis_targets_save

DEMO_PASSWORD = "snut-demo"
DEMO_DIRECTOR = "directeur"
DEMO_COLLEAGUE = "collegue"
DEMO_STAFF = "mopa"
DEMO_OFFICE = "Office de tourisme de Brumevieille-sur-Dronne"
DEMO_FILLER = "directrice"  # director of the second demo office, half-way through this year's
DEMO_FILLING_OFFICE = "Office de tourisme de Castelroc"

# The demo's communes (and its businesses) are data: diagnostics/management/demo_data/.
COMMUNES = {d["code"]: d["communes"] for d in demo_data("communes")["department"]}


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


# The demo director says what matters for a rural inland destination.
DEMO_IMPORTANCE = {"web": "essential", "accueil": "essential", "mobilite": "secondary"}
DEMO_COMMENT = "Notre chargée de communication s’en occupe dès ce mois-ci."


def seed(
    questionnaire: Questionnaire,
    today: date | None = None,
    previous_questionnaire: Questionnaire | None = None,
) -> str:
    """Demo offices and diagnostics; the earlier campaign on `previous_questionnaire` if given."""
    today = today or timezone.localdate()
    previous, current = _campaigns(questionnaire, previous_questionnaire or questionnaire, today)
    offices = _offices()
    director, colleague, filler, staff = _users(offices[0], offices[1])
    _pending_invitation(offices[0], director)
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
            submitter = {0: director, 1: filler}.get(index) or _office_director(office)
            if submit == "carry_over":
                _carried_over(office, campaign, submitter)
            else:
                demo = index == 0 and campaign == current
                _diagnostic(office, campaign, level, axis_bias, rng, submitter, submit, demo=demo)
            created += 1
    created += _express(offices, today)
    _demo_plan(offices[0], previous, director, colleague)
    seed_opinions(offices[1], current, filler, DEMO_PASSWORD)
    _demo_targets(offices[0], previous, current, director, colleague, today)
    _demo_sessions(today)
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


def _campaigns(
    questionnaire: Questionnaire, previous_questionnaire: Questionnaire, today: date
) -> tuple[Campaign, Campaign]:
    current_opens = today - timedelta(days=60)
    previous_opens = current_opens.replace(year=current_opens.year - 1)
    previous, _ = Campaign.objects.get_or_create(
        name=f"Campagne {previous_opens.year}",
        defaults={
            "questionnaire": previous_questionnaire,
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
    categories = [Office.Segment.CAT_1, Office.Segment.CAT_2, Office.Segment.CAT_2]
    legal_forms = list(Office.LegalForm)
    bands = list(Office.StaffBand)
    offices = []
    for d_index, (department, communes) in enumerate(COMMUNES.items()):
        for c_index, commune in enumerate(communes):
            i = d_index * len(communes) + c_index
            office, _ = Office.objects.update_or_create(
                slug=slugify(commune),
                defaults={"name": f"Office de tourisme {de(commune)}"},
                create_defaults={
                    "name": f"Office de tourisme {de(commune)}",
                    "department_id": department,
                    "commune": commune,
                    "segment": categories[i % 3],
                    "legal_form": legal_forms[i % len(legal_forms)],
                    "staff_band": bands[(i * 2) % len(bands)],
                    # Some neighbours agreed to be named in pooling suggestions.
                    "pooling_opt_in": i % 3 == 1,
                    # The demo office offers individual appointments to its businesses.
                    "offers_appointments": commune == "Brumevieille-sur-Dronne",
                },
            )
            offices.append(office)
    return offices


def _users(demo_office: Office, filling_office: Office):
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
    filler = user(DEMO_FILLER, "Inès", "Larrieu")
    staff = user(DEMO_STAFF, "Nadia", "Laborde", is_staff=True)
    Membership.objects.get_or_create(
        user=director, office=demo_office, defaults={"role": Membership.Role.DIRECTOR}
    )
    Membership.objects.get_or_create(
        user=filler, office=filling_office, defaults={"role": Membership.Role.DIRECTOR}
    )
    Membership.objects.get_or_create(
        user=colleague, office=demo_office, defaults={"role": Membership.Role.MEMBER}
    )
    staff.groups.add(services.network_group_sync())
    return director, colleague, filler, staff


def _office_director(office: Office):
    """The director of a demo office without a demo account: no password."""
    user, created = get_user_model().objects.get_or_create(
        username=f"direction-{office.slug}"[:150],
        defaults={"first_name": "Direction", "last_name": office.commune},
    )
    if created:
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(
        user=user, office=office, defaults={"role": Membership.Role.DIRECTOR}
    )
    return user


def _carried_over(office: Office, campaign: Campaign, user) -> Diagnostic:
    """This year's draft from last year's answers, the first axes already confirmed."""
    diagnostic = services.diagnostic_start(
        organisation=office, campaign=campaign, user=user, carry_over=True
    )
    Answer.objects.filter(diagnostic=diagnostic, question__axis__order__lte=2).update(
        carried_over=False
    )
    return diagnostic


def _diagnostic(
    office, campaign, maturity, axis_bias, rng, user, submit, *, demo=False
) -> Diagnostic:
    moment = timezone.make_aware(
        datetime.combine(campaign.opens + timedelta(days=rng.randint(5, 40)), time(10))
    )
    diagnostic = Diagnostic.objects.create(
        organisation=office,
        campaign=campaign,
        questionnaire_id=campaign.questionnaire_id,
        created_by=user,
    )
    axes = selectors.questionnaire_axes(campaign.questionnaire)
    answers = demo_answers(
        diagnostic,
        axes,
        rng=rng,
        maturity=maturity,
        bias=axis_bias,
        spread=0.2,
        submit=submit,
        not_applicable=lambda _question: rng.random() < 0.1,
    )
    if demo:
        _demo_progress(diagnostic, axes, answers)
        importance = {a.pk: DEMO_IMPORTANCE[a.code] for a in axes if a.code in DEMO_IMPORTANCE}
        services.axis_importance_save(
            diagnostic=diagnostic, importances=importance, user=user, now=moment
        )
        # The team's comment beside the first action of its plan.
        profile = scoring.score_diagnostic(
            selectors.scoring_axes(axes),
            selectors.scoring_levels(campaign.questionnaire),
            selectors.scoring_answers(answers),
            importance=importance,
        )
        if profile.plan:
            diagnostic.answers.filter(question_id=profile.plan[0].question.id).update(
                comment=DEMO_COMMENT
            )
    if submit:
        # Dozens of demo reports: each is printed on its first download instead.
        with services.reports_printed_on_demand():
            return services.diagnostic_submit(diagnostic=diagnostic, user=user, now=moment)
    return diagnostic


def _demo_progress(diagnostic: Diagnostic, axes, answers: list[Answer]) -> None:
    """The demo office worked on one axis since last year: unless an axis already crossed
    the level above last year's score, the first one that can does, its weakest answers
    raised to their best one at a time (so one target set then reads « Objectif atteint »)."""
    previous = selectors.previous_scores(diagnostic)
    if previous.diagnostic is None:
        return
    bounds = sorted(lv.lower_bound for lv in previous.diagnostic.questionnaire.levels.all())
    levels = selectors.scoring_levels(diagnostic.questionnaire)
    by_question = {a.question_id: a for a in answers}
    specs = dict(zip([a.pk for a in axes], selectors.scoring_axes(axes), strict=True))

    def score(axis):
        given = {
            q: scoring.AnswerSpec(q, a.choice_id, a.not_applicable) for q, a in by_question.items()
        }
        return scoring.score_axis(specs[axis.pk], given, levels).score

    aims = []
    for axis in axes:
        before = previous.axes.get(axis.code)
        above = [b for b in bounds if before is not None and b > shown(before)]
        now = score(axis)
        if above and now is not None:
            if shown(now) >= above[0]:
                return  # progress already shows
            aims.append((axis, above[0]))
    for axis, bound in aims[:1]:
        questions = sorted(
            (
                q
                for q in axis.questions.all()
                if by_question.get(q.pk) and by_question[q.pk].choice_id
            ),
            key=lambda q: by_question[q.pk].choice.points,
        )
        for question in questions:
            best = max(question.choices.all(), key=lambda c: c.points)
            answer = by_question[question.pk]
            answer.choice = best
            Answer.objects.filter(pk=answer.pk).update(choice=best)
            if shown(score(axis)) >= bound:
                break


def _express(offices: list[Office], today: date) -> int:
    """The network's express campaign, open: the offices that have not started this year's
    full diagnostic took the express one (the staff see their profiles apart); the demo
    offices may start theirs. Nothing without the express questionnaire."""
    questionnaire = (
        Questionnaire.objects.express()
        .filter(status=Questionnaire.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if questionnaire is None:
        return 0
    campaign, _ = Campaign.objects.get_or_create(
        name=f"Diagnostic express {today.year}",
        defaults={
            "questionnaire": questionnaire,
            "opens": today - timedelta(days=30),
            "closes": today + timedelta(days=120),
        },
    )
    created = 0
    for index, office in enumerate(offices):
        if index % 6 != 5 or office.diagnostics.filter(campaign=campaign).exists():
            continue
        rng = random.Random(f"express-{office.slug}")
        maturity = random.Random(office.slug).uniform(0.15, 0.85)
        _diagnostic(office, campaign, maturity, {}, rng, _office_director(office), True)
        created += 1
    return created


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


def _demo_plan(office: Office, campaign: Campaign, director, colleague) -> None:
    """Last year's plan of the demo office, followed: this year's results say what
    became of it (« Ce que vous aviez prévu »)."""
    diagnostic = office.diagnostics.filter(campaign=campaign, status="submitted").first()
    if diagnostic is None or office.actions.exists():
        return
    axes = selectors.questionnaire_axes(diagnostic.questionnaire)
    profile = scoring.score_diagnostic(
        selectors.scoring_axes(axes),
        selectors.scoring_levels(diagnostic.questionnaire),
        selectors.scoring_answers(diagnostic.answers.all()),
    )
    questions = {q.pk: q for a in axes for q in a.questions.all()}
    statuses = ["done", "done", "doing", "dropped"]
    for priority, status in zip(profile.plan, statuses, strict=False):
        action = services.action_create(
            office=office,
            user=director,
            diagnostic=diagnostic,
            question=questions[priority.question.id],
            owner=colleague if status == "doing" else director,
            due_date=campaign.closes + timedelta(days=90),
        )
        services.action_update(action=action, user=director, status=status)
    services.action_create(
        office=office,
        user=director,
        title="Présenter le diagnostic numérique au conseil d’administration",
        owner_name="La présidente de l’office",
        due_date=timezone.localdate() + timedelta(days=30),
    )


def _demo_targets(
    office: Office, previous: Campaign, current: Campaign, director, colleague, today
):
    """« Niveaux visés »: set after last year's results, one reached and one missed by this
    year's (the director set them, the colleague changed one); two for the next period."""
    before = office.diagnostics.filter(campaign=previous, status="submitted").first()
    after = office.diagnostics.filter(campaign=current, status="submitted").first()
    if before is None or after is None or office.axis_targets.exists():
        return

    def scores(diagnostic):
        return {
            s.axis.code: (s.axis, shown(float(s.score)))
            for s in AxisScore.objects.filter(diagnostic=diagnostic, score__isnull=False)
            .select_related("axis")
            .order_by("axis__order")
        }

    then, now = scores(before), scores(after)
    levels = list(before.questionnaire.levels.order_by("lower_bound"))
    reached = missed = None
    for code, (axis, score) in then.items():
        above = [lv for lv in levels if lv.lower_bound > score]
        if not above or code not in now:
            continue
        if reached is None and above[0].lower_bound <= now[code][1]:
            reached = (axis, above[0])
        elif missed is None and above[0].lower_bound > now[code][1]:
            missed = (axis, above[0])
    due = date(current.opens.year, 6, 30)
    for chosen, changed_by in ((reached, director), (missed, colleague)):
        if chosen is not None:
            AxisTarget.objects.create(
                office=office,
                diagnostic=before,
                axis=chosen[0],
                level=chosen[1],
                due_date=due,
                created_by=director,
                updated_by=changed_by,
            )
    # The next period: the two weakest axes, each one level up, by next December and the June after.
    current_levels = list(after.questionnaire.levels.order_by("lower_bound"))
    weakest = sorted(now.values(), key=lambda pair: pair[1])[:2]
    dues = (date(today.year + 1, 12, 31), date(today.year + 2, 6, 30))
    targets = {}
    for (axis, score), due_date in zip(weakest, dues, strict=False):
        above = [lv for lv in current_levels if lv.lower_bound > score]
        if above:
            targets[axis.pk] = TargetChoice(above[0].pk, due_date)
    axis_targets_save(diagnostic=after, targets=targets, user=director, today=today)


# Example sessions of the starter catalogue (fixtures/formations_offices.json, installed by
# snut_setup), by the entry's key: (days from today, length in days, place). Each moves to
# the next working days (no weekend, no French public holiday).
DEMO_SESSIONS = {
    2001: [(35, 2, "Bordeaux, maison du tourisme"), (63, 2, "Bordeaux, maison du tourisme")],
    2002: [(16, 1, "Bordeaux"), (52, 1, "Pau")],
    2003: [(45, 1, "Périgueux")],
    2004: [(30, 1, "Pau")],
    2006: [(21, 1, "Périgueux"), (49, 1, "Pau")],
    2008: [(14, 1, "Agen")],
    2009: [(28, 1, "Mont-de-Marsan")],
    2010: [(42, 1, "Bordeaux")],
    2011: [(10, 1, "en ligne")],
    2012: [(56, 1, "Bordeaux")],
    2014: [(7, 1, "en ligne")],
    2015: [(77, 2, "Bordeaux, maison du tourisme")],
    2016: [(18, 1, "Agen"), (60, 1, "Mont-de-Marsan")],
    2017: [(24, 1, "en ligne")],
    2018: [(12, 1, "Bordeaux"), (40, 1, "Pau")],
    2021: [(70, 2, "Périgueux")],
}


def _demo_sessions(today: date) -> None:
    """Example sessions for the network's starter catalogue (once per training), so that
    priorities and « Besoins de formation » show dates; the catalogue itself is snut_setup's."""
    trainings = starter_trainings()
    for key, sessions in DEMO_SESSIONS.items():
        training = trainings.get(key)
        if training is None or training.sessions.exists():
            continue
        TrainingSession.objects.bulk_create(
            TrainingSession(
                training=training,
                starts=timezone.make_aware(datetime.combine(first, time(9))),
                ends=timezone.make_aware(datetime.combine(last or first, time(17))),
                place=place,
            )
            for first, last, place in (
                (*session_days(today + timedelta(days=days), length), place)
                for days, length, place in sessions
            )
        )


def session_days(day: date, length: int) -> tuple[date, date | None]:
    """A session of `length` days on the first run of working days from `day` on: no
    weekend, no French public holiday (no training on 25 December or 1 January)."""
    public_holidays = holidays.country_holidays("FR")
    while any(
        d.weekday() >= 5 or d in public_holidays
        for d in (day + timedelta(days=i) for i in range(length))
    ):
        day += timedelta(days=1)
    return day, day + timedelta(days=length - 1) if length > 1 else None
