"""Businesses of an office that answered its campaign: the territory pages' test data."""

from diagnostics import services
from diagnostics.models import Business, Diagnostic, Training
from tests import factories
from tests.loaded import loaddata

SEGMENTS = [
    Business.Segment.ACCOMMODATION,
    Business.Segment.FOOD,
    Business.Segment.ACTIVITIES,
]


def submit_businesses(
    office,
    campaign,
    count: int,
    *,
    segments=SEGMENTS,
    pick=lambda choices: choices[0],
    share_details=True,
    invited=True,
) -> list[Diagnostic]:
    """`count` businesses of the office, invited to the campaign, that submitted with pick()."""
    submitted = []
    for i in range(count):
        business = factories.make_business(office, segment=segments[i % len(segments)])
        if invited:
            services.business_link_issue(business=business, campaign=campaign)
        diagnostic = services.diagnostic_start(organisation=business, campaign=campaign)
        factories.answer_all(diagnostic, pick=pick)
        submitted.append(
            services.diagnostic_submit(diagnostic=diagnostic, share_details=share_details)
        )
    return submitted


def network_workshop(questionnaire, title="Revendiquer sa fiche Google", codes=None) -> Training:
    """A workshop of the network's catalogue for businesses on these questions (by code)."""
    training = Training.objects.create(
        title=title, format=Training.Format.WORKSHOP, audience="businesses"
    )
    questions = questionnaire.questions.all()
    training.questions.set(questions.filter(code__in=codes) if codes else questions[:1])
    return training


def seed_office_territory(office) -> None:
    """The business questionnaire and the network's workshops (fixtures), a business campaign
    of the office with seven varied submissions across activities (one without consent),
    and a workshop of the office's own with a session: what the territory pages show."""

    from diagnostics.models import Audience, Questionnaire

    loaddata("questionnaire_prestataires", "ateliers_prestataires")
    questionnaire = Questionnaire.objects.latest(Audience.BUSINESSES).get()
    campaign = factories.open_campaign(
        questionnaire, name="Diagnostic des prestataires 2026", organiser=office
    )
    names = [
        ("Gîte des Trois Chênes", Business.Segment.ACCOMMODATION),
        ("Hôtel du Lac", Business.Segment.ACCOMMODATION),
        ("Camping Les Pins", Business.Segment.ACCOMMODATION),
        ("Auberge de la Place", Business.Segment.FOOD),
        ("Crêperie du Port", Business.Segment.FOOD),
        ("Canoë Vallée Verte", Business.Segment.ACTIVITIES),
        ("Musée de la Tonnellerie", Business.Segment.SITES),
    ]
    for i, (name, segment) in enumerate(names):
        business = factories.make_business(office, name, segment=segment, phone=f"05 56 00 00 0{i}")
        services.business_link_issue(business=business, campaign=campaign)
        diagnostic = services.diagnostic_start(organisation=business, campaign=campaign)
        factories.answer_all(
            diagnostic,
            pick=lambda choices, i=i: choices[min(i % 3, len(choices) - 1)],
        )
        services.diagnostic_submit(diagnostic=diagnostic, share_details=i != 2)
    waiting = factories.make_business(
        office, "Boulangerie Au Bon Pain", segment=Business.Segment.SHOPS
    )
    services.business_link_issue(business=waiting, campaign=campaign)
    own = Training.objects.create(
        title="Café numérique : photos de votre établissement",
        format=Training.Format.WORKSHOP,
        duration="1 h 30",
        audience=Audience.BUSINESSES,
        organiser=office,
    )
    own.questions.set(questionnaire.questions.all()[:3])
    factories.make_session(own, days=14, place="Office de tourisme")


def seed_office_sessions(office) -> dict[str, str]:
    """After seed_office_territory: the office's own workshop with its session to come
    (one seat, taken, and a business waiting), a past one with who came and their answers,
    and two businesses' session links. The session pages' URLs, by name."""
    from django.utils import timezone

    from diagnostics.models import SessionLink, SessionRegistration
    from diagnostics.tokens import token_hash

    own = Training.objects.get(organiser=office)
    upcoming = own.sessions.get()
    upcoming.capacity = 1
    upcoming.save(update_fields=["capacity"])
    first, second, third = Business.objects.filter(parent=office).order_by("pk")[:3]
    services.registration_sign_up(session=upcoming, business=first, source="page")
    services.registration_sign_up(session=upcoming, business=second, source="invitation")
    past = factories.make_session(own, days=-3, capacity=10)
    for business in (first, second, third):
        SessionRegistration.objects.create(
            session=past,
            business=business,
            status="registered",
            source="invitation",
            attended=business != third,
            useful="yes" if business == first else "",
            next_step="further" if business == first else "",
            answered_at=timezone.now() if business == first else None,
        )
    past.attendance_marked_at = timezone.now()
    past.save(update_fields=["attendance_marked_at"])
    links = {"session-link-survey": (past, first), "session-link-invitation": (upcoming, third)}
    urls = {}
    for name, (session, business) in links.items():
        SessionLink.objects.create(
            session=session,
            business=business,
            purpose="survey" if session == past else "invitation",
            token_hash=token_hash(name),
            expires_at=SessionLink.expiry(session),
        )
        urls[name] = f"/atelier/{name}/"
    slug = office.slug
    return {
        **urls,
        "session": f"/offices/{slug}/sessions/{upcoming.pk}/",
        "session-past": f"/offices/{slug}/sessions/{past.pk}/",
        "session-attendance": f"/offices/{slug}/sessions/{past.pk}/presences/",
        "session-schedule": f"/offices/{slug}/territoire/ateliers/{own.pk}/programmer/",
        "workshop-figures": f"/offices/{slug}/territoire/ateliers/{own.pk}/",
    }
