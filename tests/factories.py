"""Small builders for tests: a questionnaire of any size, offices, users, answers."""

from datetime import datetime, time, timedelta
from itertools import count

from django.contrib.auth import get_user_model
from django.test import TestCase, override_settings
from django.utils import timezone

from diagnostics.models import (
    Answer,
    Audience,
    Axis,
    Business,
    Campaign,
    Choice,
    Diagnostic,
    MaturityLevel,
    Membership,
    Office,
    Question,
    Questionnaire,
    TrainingSession,
)
from tests.loaded import loaddata
from tests.snapshot import Snapshot

_seq = count(1)
LEVELS = [(0, "Découverte"), (25, "Structuration"), (50, "Maîtrise"), (75, "Excellence")]


def build_questionnaire(
    *,
    code=None,
    axes=2,
    questions=3,
    points=(0, 1, 2, 3),
    status="published",
    audience=Audience.OFFICES,
) -> Questionnaire:
    """A sound questionnaire; the last question of each axis allows « non concerné ».

    Four bulk inserts rather than a save per part (most tests build one): bulk_create sends
    no post_save, so `revised_at` is moved forward here, as diagnostics/signals.py would."""
    questionnaire = Questionnaire.objects.create(
        code=code or f"q{next(_seq)}",
        name="Questionnaire de test",
        status=status,
        audience=audience,
    )
    MaturityLevel.objects.bulk_create(
        MaturityLevel(questionnaire=questionnaire, lower_bound=bound, name=name)
        for bound, name in LEVELS
    )
    built_axes = Axis.objects.bulk_create(
        Axis(questionnaire=questionnaire, code=f"axe-{a}", name=f"Axe {a}", order=a, weight=a)
        for a in range(1, axes + 1)
    )
    built_questions = Question.objects.bulk_create(
        Question(
            questionnaire=questionnaire,
            axis=axis,
            code=f"axe-{axis.order}-{q:02d}",
            text=f"Question {axis.order}.{q}",
            order=q,
            weight=1 + q % 2,
            allow_not_applicable=q == questions,
        )
        for axis in built_axes
        for q in range(1, questions + 1)
    )
    Choice.objects.bulk_create(
        Choice(
            question=question,
            order=order,
            label=f"Réponse {order}",
            points=value,
            recommendation="" if value == max(points) else f"Faire mieux ({order})",
        )
        for question in built_questions
        for order, value in enumerate(points, start=1)
    )
    Questionnaire.objects.filter(pk=questionnaire.pk).update(revised_at=timezone.now())
    questionnaire.refresh_from_db()
    return questionnaire


# The departments, regions and borders as their fixture first loaded them in this process.
_territories: Snapshot | None = None


def territories_loaded() -> None:
    """Departments come from a data migration, which a transactional test's flush empties:
    loaded from their fixture the first time in a process, then written back from a copy of
    what it loaded (tests/snapshot.py), a few statements rather than Django's loaddata."""
    global _territories
    from django.core.management import call_command

    from diagnostics.models import Department, Region

    if Department.objects.exists():
        return
    fresh = not Region.objects.exists()
    if fresh and _territories is not None:
        _territories.insert()
        return
    call_command("loaddata", "territoires", verbosity=0)
    if fresh and _territories is None:
        tables = (Region, Department, Department.neighbours.through)
        _territories = Snapshot.take([model._meta.db_table for model in tables])


def open_campaign(questionnaire, *, name=None, days_ago=10, organiser=None) -> Campaign:
    """An open campaign: the network's, or with `organiser` an office's for its businesses
    (the questionnaire's audience then says businesses)."""
    today = timezone.localdate()
    return Campaign.objects.create(
        questionnaire=questionnaire,
        name=name or f"Campagne {next(_seq)}",
        opens=today - timedelta(days=days_ago),
        closes=today + timedelta(days=30),
        audience=Audience.BUSINESSES if organiser else Audience.OFFICES,
        organiser=organiser,
    )


def closed_campaign(questionnaire, *, name=None) -> Campaign:
    today = timezone.localdate()
    return Campaign.objects.create(
        questionnaire=questionnaire,
        name=name or f"Campagne close {next(_seq)}",
        opens=today - timedelta(days=400),
        closes=today - timedelta(days=200),
    )


def make_office(name=None, **fields) -> Office:
    n = next(_seq)
    defaults = {
        "name": name or f"Office de tourisme n°{n}",
        "slug": f"office-{n}",
        "department_id": "33",
        "commune": f"Commune {n}",
        "segment": Office.Segment.CAT_2,
        "legal_form": Office.LegalForm.ASSOCIATION,
        "staff_band": Office.StaffBand.S,
    }
    if "department" in fields:  # a department's code, as tests name it
        fields["department_id"] = fields.pop("department")
    return Office.objects.create(**{**defaults, **fields})


def make_business(office: Office, name=None, **fields) -> Business:
    n = next(_seq)
    defaults = {
        "name": name or f"Prestataire n°{n}",
        "slug": f"prestataire-{n}",
        "parent": office,
        "department_id": office.department_id,
        "commune": office.commune,
        "segment": Business.Segment.ACCOMMODATION,
        "email": f"prestataire{n}@example.org",
    }
    return Business.objects.create(**{**defaults, **fields})


def make_user(username=None, *, office=None, role=Membership.Role.DIRECTOR, **fields):
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_seq)}", password="secret-pass", **fields
    )
    if office is not None:
        Membership.objects.create(user=user, office=office, role=role)
    return user


def director_of(office: Office):
    """A director of the office (created when it has none): who submits and abandons."""
    membership = office.memberships.filter(role=Membership.Role.DIRECTOR).first()
    return membership.user if membership else make_user(office=office)


def autosave(draft: Diagnostic, user) -> None:
    """What the autosave writes: one answer of the draft (its first question's first
    choice), through the service."""
    from diagnostics import services

    question = draft.questionnaire.axes.first().questions.first()
    services.answer_save(
        diagnostic=draft,
        question=question,
        choice=question.choices.first(),
        fields=("choice",),
        user=user,
    )


def answer_all(diagnostic: Diagnostic, pick=lambda choices: choices[-1]) -> None:
    """Answers every question of the diagnostic with pick(choices)."""
    questions = Question.objects.filter(questionnaire=diagnostic.questionnaire).prefetch_related(
        "choices"
    )
    Answer.objects.bulk_create(
        Answer(
            diagnostic=diagnostic,
            question=question,
            choice=pick(sorted(question.choices.all(), key=lambda c: c.order)),
        )
        for question in questions
    )


def business_pages(office: Office, base_url: str = "http://testserver") -> dict[str, str]:
    """An office with a business campaign, two pages of businesses, a sent batch and a
    waiting one: the URLs of its business pages, for the accessibility and HTML validity
    tests."""
    from django.urls import reverse

    from diagnostics import services

    loaddata("questionnaire_prestataires")
    today = timezone.localdate()
    campaign = services.business_campaign_current(office) or services.business_campaign_open(
        office=office, name="Prestataires 2026", opens=today, closes=today + timedelta(days=30)
    )
    gite = make_business(office, "Gîte des Trois Chênes", subtype="gîte")
    relais = make_business(office, "Le Relais du Pont", segment=Business.Segment.FOOD)
    make_business(office, "Musée de la Noix", segment=Business.Segment.SITES, email="")
    for number in range(1, 51):  # a second page of the list
        make_business(office, f"Chambre d’hôtes n°{number:02}")
    with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mail leaves once committed
        batch = services.business_invitations_send(
            campaign=campaign, businesses=[gite], base_url=base_url
        )
    # A batch still waiting for the worker: its page reloads itself without JavaScript.
    with (
        override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        waiting = services.business_invitations_send(
            campaign=campaign, businesses=[relais], base_url=base_url
        )
    slug = office.slug
    return {
        "businesses": reverse("diagnostics:businesses", args=[slug]),
        "businesses-page-2": reverse("diagnostics:businesses", args=[slug]) + "?tri=commune&page=2",
        "businesses-waiting": reverse("diagnostics:businesses_progress", args=[slug, waiting]),
        "business-add": reverse("diagnostics:business_add", args=[slug]),
        "business-edit": reverse("diagnostics:business_edit", args=[slug, gite.pk]),
        "business-erase": reverse("diagnostics:office_business_data_erase", args=[slug, gite.pk]),
        "businesses-import": reverse("diagnostics:businesses_import", args=[slug]),
        "businesses-progress": reverse("diagnostics:businesses_progress", args=[slug, batch]),
    }


BUSINESS_CSV = (
    "nom;activité;commune;e-mail;téléphone\n"
    "Camping du Lac;camping;Castelroc;lac@example.org;05 53 00 00 00\n"
    "Gîte des Trois Chênes;gîte;Castelroc;autre@example.org;\n"
    "Boulangerie;boulangerie;Castelroc;pain@example.org;\n"
).encode("utf-8-sig")


def business_journey_pages() -> dict[str, str]:
    """The pages of a business's journey, from the business questionnaire and workshops
    fixtures: a fresh link's start page, a draft's axis and review pages, a submitted
    diagnostic's results (for the HTML and accessibility checks)."""
    from django.urls import reverse

    from diagnostics import services

    loaddata("questionnaire_prestataires", "ateliers_prestataires")
    office = make_office("Office de tourisme du Val de Garonne")
    questionnaire = Questionnaire.objects.latest(Audience.BUSINESSES).get()
    campaign = open_campaign(questionnaire, organiser=office)
    tokens = []
    for name in ("Le Bistrot du Port", "Gîte des Trois Chênes", "Camping de la Plage"):
        business = make_business(office, name)
        tokens.append(services.business_link_issue(business=business, campaign=campaign)[1])
    _fresh, started, done = tokens
    services.diagnostic_start(
        organisation=Business.objects.get(name="Gîte des Trois Chênes"), campaign=campaign
    )
    diagnostic = services.diagnostic_start(
        organisation=Business.objects.get(name="Camping de la Plage"), campaign=campaign
    )
    answer_all(diagnostic, pick=lambda choices: choices[1])
    services.diagnostic_submit(diagnostic=diagnostic)
    first_axis = questionnaire.axes.order_by("order").first().code

    def url(name, token, *args):
        return reverse(f"diagnostics:business_link_{name}", args=[token, *args])

    return {
        "business-start": url("home", tokens[0]),
        "business-resume": url("home", started),
        "business-axis": url("axis", started, first_axis),
        "business-review": url("review", started),
        "business-results": url("results", done),
        "business-data-erase": url("data_erase", done),
    }


def staff_exports(user) -> None:
    """« Mes exports » in each state: one ready (written by the task), one that failed
    after its three attempts, one waiting for the worker."""
    from diagnostics.models import Export
    from diagnostics.services.exports import export_request

    campaign = Campaign.objects.network().order_by("-opens").first()
    office_ids = list(Office.objects.order_by("name").values_list("pk", flat=True))
    export_request(
        user=user,
        kind="scores",
        fmt="xlsx",
        campaign=campaign,
        office_ids=office_ids,
        filters=f"{len(office_ids)} offices",
    )
    for status, error in (
        (Export.Status.FAILED, "OSError: disque plein"),
        (Export.Status.PENDING, ""),
    ):
        Export.objects.create(
            requested_by=user,
            kind="reponses",
            format="csv",
            campaign=campaign,
            office_ids=office_ids,
            filters=f"{len(office_ids)} offices",
            status=status,
            attempts=3 if error else 0,
            error=error,
        )


def opinions_on(diagnostic: Diagnostic, count: int = 3, *, axes: int = 2) -> list:
    """« Avis de l’équipe » on the first `axes` axes of any diagnostic, submitted or not:
    `count` invited people who answered, spread over the choices (rows written directly,
    past the services' checks); returns the people."""
    from diagnostics.models import Opinion, OpinionRound, Respondent
    from diagnostics.tokens import unusable_hash

    found, _created = OpinionRound.objects.get_or_create(diagnostic=diagnostic)
    asked = list(
        Axis.objects.filter(questionnaire=diagnostic.questionnaire).order_by("order")[:axes]
    )
    found.axes.set(asked)
    now = timezone.now()
    people = Respondent.objects.bulk_create(
        Respondent(
            round=found,
            role=Respondent.Role.BOARD,
            name=f"Personne invitée {n}",
            email=f"invitee{n}-{found.pk}@example.org",
            token_hash=unusable_hash(),
            expires_at=now + timedelta(days=30),
            answered_at=now,
        )
        for n in range(count)
    )
    questions = Question.objects.filter(axis__in=asked).prefetch_related("choices")
    Opinion.objects.bulk_create(
        Opinion(respondent=person, question=question, choice=choices[n % len(choices)])
        for n, person in enumerate(people)
        for question in questions
        for choices in [sorted(question.choices.all(), key=lambda c: c.order)]
    )
    return people


def make_session(training, *, days=14, hour=9, hours=2, office=None, **fields) -> TrainingSession:
    """A session of `training` in `days` days at `hour` (Paris time), `hours` long; run by
    `office` (default: the workshop's organiser, none for the network's)."""
    day = timezone.localdate() + timedelta(days=days)
    starts = timezone.make_aware(datetime.combine(day, time(hour)))
    fields.setdefault("place", "Salle des fêtes")
    return TrainingSession.objects.create(
        training=training,
        office=office or training.organiser,
        starts=starts,
        ends=starts + timedelta(hours=hours),
        **fields,
    )


def build_express(full: Questionnaire, *, per_axis=2, below=10, above=12, shrinkage=20):
    """An express questionnaire abbreviating `full`: the first `per_axis` questions of each
    axis, same codes and choices, each axis with these margins and shrinkage."""
    express = Questionnaire.objects.create(
        code=f"{full.code}-express",
        version=full.version,
        name="Diagnostic express de test",
        status="published",
        audience=full.audience,
        abbreviates=full,
    )
    MaturityLevel.objects.bulk_create(
        MaturityLevel(questionnaire=express, lower_bound=lv.lower_bound, name=lv.name)
        for lv in full.levels.all()
    )
    for axis in full.axes.order_by("order"):
        own = Axis.objects.create(
            questionnaire=express,
            code=axis.code,
            name=axis.name,
            order=axis.order,
            weight=axis.weight,
            margin_below=below,
            margin_above=above,
            shrinkage=shrinkage,
        )
        for question in axis.questions.order_by("order")[:per_axis]:
            copy = Question.objects.create(
                questionnaire=express,
                axis=own,
                code=question.code,
                text=question.text,
                order=question.order,
                weight=question.weight,
                allow_not_applicable=question.allow_not_applicable,
            )
            Choice.objects.bulk_create(
                Choice(
                    question=copy,
                    order=c.order,
                    label=c.label,
                    points=c.points,
                    recommendation=c.recommendation,
                )
                for c in question.choices.all()
            )
    return express


def submitted_express(office: Office, campaign: Campaign, pick=lambda choices: choices[-1]):
    """The office's express diagnostic of `campaign`, every question answered, submitted."""
    from diagnostics import services

    user = director_of(office)
    diagnostic = services.diagnostic_start(organisation=office, campaign=campaign, user=user)
    answer_all(diagnostic, pick=pick)
    with services.reports_printed_on_demand():
        return services.diagnostic_submit(diagnostic=diagnostic, user=user)
