"""Workshop sessions (issue 24, items 1–3): scheduled from the programme, businesses invited
with the session's .ics, signing up or cancelling from their link, the waiting list, the
reminder, a cancelled session, who came and the two questions after it."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from diagnostics import ics, services
from diagnostics.display import when
from diagnostics.models import (
    Audience,
    Membership,
    SessionLink,
    SessionRegistration,
    Training,
    TrainingSession,
)
from diagnostics.tokens import token_hash
from tests import factories
from tests.territory_data import network_workshop, submit_businesses

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
WEAKEST = lambda choices: choices[0]  # noqa: E731
Status = SessionRegistration.Status


@pytest.fixture
def office():
    return factories.make_office("Office de tourisme de Castelroc")


@pytest.fixture
def director(office):
    return factories.make_user("directrice", office=office)


@pytest.fixture
def questionnaire():
    return factories.build_questionnaire(audience=Audience.BUSINESSES)


@pytest.fixture
def campaign(office, questionnaire):
    return factories.open_campaign(questionnaire, organiser=office)


@pytest.fixture
def workshop(questionnaire):
    return network_workshop(questionnaire)


@pytest.fixture
def needy(office, campaign):
    """Three businesses whose weakest answers the workshop addresses, and who consented."""
    return [d.organisation for d in submit_businesses(office, campaign, 3, pick=WEAKEST)]


@pytest.fixture
def logged(client, director):
    client.force_login(director)
    return client


def schedule(office, workshop, *, days=21, capacity=None, **fields):
    starts = timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=days), datetime.min.time())
    ) + timedelta(hours=9, minutes=30)
    return services.session_schedule(
        office=office,
        training=workshop,
        starts=starts,
        ends=starts + timedelta(hours=2),
        place=fields.pop("place", "Salle des fêtes"),
        capacity=capacity,
        base_url="http://testserver/",
        **fields,
    )


def token_in(message) -> str:
    return re.search(r"/atelier/([^/\s]+)/", message.body).group(1)


def by_recipient(messages) -> dict[str, object]:
    return {m.to[0]: m for m in messages}


def test_the_director_schedules_a_session_from_the_programme_in_two_clicks(
    logged, office, workshop, needy
):
    programme = logged.get(reverse("diagnostics:workshops", args=[office.slug])).text
    add = reverse("diagnostics:session_add", args=[office.slug, workshop.pk])
    assert add in programme and "Programmer une session" in programme
    page = logged.get(add)  # click 1: a form filled in from the businesses' preferences
    initial = page.context["form"].initial
    data = {
        "day": initial["day"].isoformat(),
        "start": initial["start"].strftime("%H:%M"),
        "end": initial["end"].strftime("%H:%M"),
        "place": initial["place"],
        "capacity": initial["capacity"],
        "facilitator": "Claire",
    }
    response = logged.post(add, data)  # click 2
    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("diagnostics:session", args=[office.slug, session.pk])
    assert (session.office, session.training, session.capacity) == (office, workshop, 12)
    assert timezone.localtime(session.starts).weekday() == 1  # a Tuesday, Paris time
    assert session.place == office.name
    programme = logged.get(reverse("diagnostics:workshops", args=[office.slug])).text
    assert "0 inscrits / 12" in programme


@pytest.mark.parametrize(
    "changes",
    [
        {"day": "2020-01-07"},  # past
        {"end": "08:00"},  # ends before it starts
        {"place": "", "video_link": ""},  # nowhere
        {"capacity": "0"},
        {"place": "Salle\x00"},
        {"day": "pas une date"},
    ],
)
def test_bad_input_is_refused_in_french_and_changes_nothing(logged, office, workshop, changes):
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    data = {"day": day, "start": "09:30", "end": "11:30", "place": "Mairie", **changes}
    response = logged.post(
        reverse("diagnostics:session_add", args=[office.slug, workshop.pk]), data
    )
    assert response.status_code == 400
    assert "La session n’a pas été programmée" in response.text
    assert not TrainingSession.objects.exists()


def test_other_offices_workshops_and_sessions_are_out_of_reach(
    client, logged, office, director, questionnaire, workshop
):
    other = factories.make_office("Office voisin")
    foreign = Training.objects.create(
        title="Autre", format="workshop", audience="businesses", organiser=other
    )
    theirs = schedule(other, workshop)
    assert (
        logged.get(reverse("diagnostics:session_add", args=[office.slug, foreign.pk])).status_code
        == 404
    )
    assert (
        logged.get(reverse("diagnostics:session", args=[office.slug, theirs.pk])).status_code == 404
    )
    assert (
        logged.post(
            reverse("diagnostics:session_cancel", args=[office.slug, theirs.pk])
        ).status_code
        == 404
    )
    with pytest.raises(services.ServiceError):
        services.session_cancel(office=office, session=theirs, base_url="http://testserver/")
    member = factories.make_user(office=office, role=Membership.Role.MEMBER)
    client.force_login(member)
    mine = schedule(office, workshop)
    assert (
        client.get(reverse("diagnostics:session", args=[office.slug, mine.pk])).status_code == 403
    )
    assert (
        client.get(reverse("diagnostics:workshop", args=[office.slug, workshop.pk])).status_code
        == 200
    )
    assert not theirs.registrations.exists() and theirs.cancelled_at is None


def test_one_action_invites_who_needs_it_with_the_ics_and_hashed_tokens(
    logged, office, workshop, needy, django_capture_on_commit_callbacks
):
    session = schedule(office, workshop)
    url = reverse("diagnostics:session_invite", args=[office.slug, session.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = logged.post(url)
    assert response.status_code == 302 and "envoi=sessions-" in response.url
    assert sorted(m.to[0] for m in mail.outbox) == sorted(b.email for b in needy)
    message = mail.outbox[0]
    assert "inscrivez-vous" in message.subject
    (name, content, mimetype) = message.attachments[0]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    assert "BEGIN:VTIMEZONE" in content and "TZID:Europe/Paris" in content
    token = token_in(message)
    link = SessionLink.objects.get(token_hash=token_hash(token))
    assert link.purpose == "invitation" and token not in link.token_hash
    page = logged.get(response.url)
    assert "Envoi des invitations" in page.text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = logged.post(url, follow=True)
    assert "Aucun prestataire à inviter" in again.text and not mail.outbox


def test_a_business_signs_up_and_cancels_in_one_click_and_a_freed_seat_goes_to_the_waiting_list(
    client, office, workshop, needy, django_capture_on_commit_callbacks
):
    session = schedule(office, workshop, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_invite(
            office=office,
            session=session,
            business_ids=[b.pk for b in needy],
            base_url="http://testserver/",
        )
    tokens = {m.to[0]: token_in(m) for m in mail.outbox}
    first, second = (tokens[b.email] for b in needy[:2])
    page = client.get(reverse("diagnostics:session_link", args=[first]))
    assert page.status_code == 200 and "Je m’inscris" in page.text
    client.post(reverse("diagnostics:session_link_sign_up", args=[first]))
    waiting = client.post(reverse("diagnostics:session_link_sign_up", args=[second]), follow=True)
    assert "liste d’attente" in waiting.text
    assert dict(session.registrations.values_list("business", "status")) == {
        needy[0].pk: Status.REGISTERED,
        needy[1].pk: Status.WAITING,
    }
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("diagnostics:session_link_cancel", args=[first]))
    assert dict(session.registrations.values_list("business", "status")) == {
        needy[0].pk: Status.CANCELLED,
        needy[1].pk: Status.REGISTERED,
    }
    [promotion] = mail.outbox
    assert promotion.to == [needy[1].email] and "place s’est libérée" in promotion.subject
    # A link opens its own business's registration only; a tampered or old one, nothing.
    mine = client.get(reverse("diagnostics:session_link", args=[second])).text
    assert needy[1].name in mine and needy[0].name not in mine
    assert client.get(reverse("diagnostics:session_link", args=[first + "x"])).status_code == 400
    SessionLink.objects.update(expires_at=timezone.now())
    assert client.post(reverse("diagnostics:session_link_sign_up", args=[first])).status_code == 410
    assert session.registrations.get(business=needy[0]).status == Status.CANCELLED


def test_a_business_signs_up_from_its_personal_page(client, office, campaign, workshop, needy):
    session = schedule(office, workshop)
    theirs = schedule(factories.make_office("Office voisin"), workshop)
    business = needy[0]
    _link, token = services.business_link_issue(business=business, campaign=campaign)
    results = client.get(reverse("diagnostics:business_link_results", args=[token])).text
    sign_up = reverse("diagnostics:business_link_session_sign_up", args=[token, session.pk])
    assert sign_up in results
    assert client.post(sign_up).status_code == 302
    registration = session.registrations.get()
    assert (registration.business, registration.source) == (business, "page")
    assert (
        "Me désinscrire"
        in client.get(reverse("diagnostics:business_link_results", args=[token])).text
    )
    data = client.get(reverse("diagnostics:business_link_data_download", args=[token, "json"]))
    [kept] = data.json()["inscriptions aux ateliers"]
    assert (kept["atelier"], kept["statut"]) == (workshop.title, "Inscrit")
    foreign = reverse("diagnostics:business_link_session_sign_up", args=[token, theirs.pk])
    assert client.post(foreign).status_code == 404 and not theirs.registrations.exists()


def test_the_office_adds_a_business_that_phoned_and_sees_registrations_live(
    logged, office, workshop, needy, django_capture_on_commit_callbacks
):
    session = schedule(office, workshop)
    url = reverse("diagnostics:session_add_business", args=[office.slug, session.pk])
    with django_capture_on_commit_callbacks(execute=True):
        logged.post(url, {"business": needy[2].pk})
    registration = session.registrations.get()
    assert (registration.source, registration.status) == ("office", Status.REGISTERED)
    [confirmation] = mail.outbox
    assert "Inscription confirmée" in confirmation.subject
    live = logged.get(reverse("diagnostics:session_registrations", args=[office.slug, session.pk]))
    assert needy[2].name in live.text and "Ajouté par l’office" in live.text
    stranger = factories.make_business(factories.make_office("Office voisin"))
    for bad in [stranger.pk, "abc", "1\x00"]:
        logged.post(url, {"business": bad})
    assert session.registrations.count() == 1


def test_a_cancelled_session_tells_its_businesses(
    logged, office, workshop, needy, django_capture_on_commit_callbacks
):
    session = schedule(office, workshop, capacity=1)
    for business in needy[:2]:
        services.registration_sign_up(session=session, business=business, source="invitation")
    with django_capture_on_commit_callbacks(execute=True):
        logged.post(
            reverse("diagnostics:session_cancel", args=[office.slug, session.pk]),
            {"note": "La salle est indisponible."},
        )
    session.refresh_from_db()
    assert session.is_cancelled and session.cancellation_note == "La salle est indisponible."
    assert sorted(m.to[0] for m in mail.outbox) == sorted(b.email for b in needy[:2])
    content = mail.outbox[0].attachments[0][1]
    assert "METHOD:CANCEL" in content and "STATUS:CANCELLED" in content
    assert "La salle est indisponible." in mail.outbox[0].body
    with pytest.raises(services.ServiceError):
        services.registration_sign_up(session=session, business=needy[2], source="page")


def test_the_reminder_is_deferred_to_two_days_before_and_sent_once(
    office, workshop, needy, django_capture_on_commit_callbacks
):
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        from django_tasks import default_task_backend

        with django_capture_on_commit_callbacks(execute=True):
            session = schedule(office, workshop)
        [queued] = default_task_backend.results
    assert queued.task.name == "session_reminder_task"
    assert queued.task.run_after == session.starts - timedelta(days=2)
    assert queued.kwargs == {"session_id": session.pk, "base_url": "http://testserver/"}
    services.registration_sign_up(session=session, business=needy[0], source="page")
    services.registration_sign_up(session=session, business=needy[1], source="page")
    services.registration_cancel(session=session, business=needy[1], base_url="")
    early = session.starts - timedelta(days=5)
    assert services.session_reminder_send(session_id=session.pk, base_url="", now=early) == 0
    due = session.starts - timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.session_reminder_send(
            session_id=session.pk, base_url="http://testserver/", now=due
        )
    assert sent == 1 and [m.to for m in mail.outbox] == [[needy[0].email]]
    assert "Rappel" in mail.outbox[0].subject
    assert services.session_reminder_send(session_id=session.pk, base_url="", now=due) == 0


def _past_session(office, workshop, businesses):
    session = factories.make_session(workshop, office=office, days=-1, capacity=10)
    SessionRegistration.objects.bulk_create(
        SessionRegistration(session=session, business=b, status=Status.REGISTERED, source="page")
        for b in businesses
    )
    return session


def test_the_office_marks_who_came_and_attendees_answer_two_questions(
    client, logged, office, workshop, needy, django_capture_on_commit_callbacks
):
    session = _past_session(office, workshop, needy)
    came, absent, late = session.registrations.order_by("pk")
    url = reverse("diagnostics:session_attendance", args=[office.slug, session.pk])
    page = logged.get(url).text
    assert 'type="checkbox" name="present"' in page
    for bad in [["abc"], [str(came.pk), "99999"], ["1\x00"]]:
        assert logged.post(url, {"present": bad}).status_code == 400
    assert not session.registrations.filter(attended__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):
        logged.post(url, {"present": [came.pk, late.pk]})
    assert dict(session.registrations.values_list("pk", "attended")) == {
        came.pk: True,
        absent.pk: False,
        late.pk: True,
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [came.business.email, late.business.email]
    )
    token = token_in(by_recipient(mail.outbox)[came.business.email])
    assert not mail.outbox[0].attachments  # the two questions carry no calendar file
    survey = reverse("diagnostics:session_link_survey", args=[token])
    assert client.post(survey, {"useful": "maybe", "next_step": "further"}).status_code == 302
    came.refresh_from_db()
    assert came.answered_at is None
    client.post(survey, {"useful": "yes", "next_step": "appointment", "comment": "Merci"})
    came.refresh_from_db()
    assert (came.useful, came.next_step, came.comment) == ("yes", "appointment", "Merci")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        logged.post(url, {"present": [came.pk, late.pk]})  # marking again asks nobody twice
    assert not mail.outbox
    figures = logged.get(reverse("diagnostics:workshop", args=[office.slug, workshop.pk])).text
    assert "Sessions tenues" in figures and "Oui, tout à fait" in figures
    assert re.search(r"Présents</dt><dd[^>]*>2 \(67", figures)


def test_the_calendar_file_keeps_paris_time_across_the_change_to_summer_time(office, workshop):
    # Summer time starts on Sunday 28 March 2027: 9:30 is 8:30 UTC before, 7:30 UTC after.
    before, after = (
        TrainingSession.objects.create(
            training=workshop,
            office=office,
            starts=datetime(2027, 3, day, 9, 30, tzinfo=PARIS),
            ends=datetime(2027, 3, day, 11, 30, tzinfo=PARIS),
            place="Mairie",
        )
        for day in (26, 30)
    )
    for session, utc_hour in ((before, 8), (after, 7)):
        text = ics.session_calendar(session, organiser_name=office.name).decode()
        assert f"DTSTART;TZID=Europe/Paris:202703{session.starts.day:02d}T093000" in text
        assert "BEGIN:VTIMEZONE" in text and "TZOFFSETTO:+0200" in text
        event = next(iter(Calendar.from_ical(text).walk("VEVENT")))
        assert event.decoded("dtstart").astimezone(ZoneInfo("UTC")).hour == utc_hour
        assert when(session.starts, session.ends).endswith("9\u00a0h\u00a030 – 11\u00a0h\u00a030")


def _grow(office, workshop, session, past, count):
    """`count` more businesses registered to both sessions, and `count` more sessions (the
    programme's needs growing with the diagnostics is test_territory's)."""
    businesses = [factories.make_business(office) for _ in range(count)]
    for business in businesses:
        services.registration_sign_up(session=session, business=business, source="page")
    SessionRegistration.objects.bulk_create(
        SessionRegistration(session=past, business=b, status=Status.REGISTERED, source="page")
        for b in businesses
    )
    for _ in range(count):
        schedule(office, workshop, capacity=2)


@pytest.mark.usefixtures("page_memo_off")
def test_pages_run_a_constant_number_of_queries(
    logged, office, campaign, workshop, needy, django_assert_num_queries, settings
):
    """The programme, a session, its registrations, its attendance list and the workshop's
    page: the same queries for 2 registrations and sessions as for 8, computed whole (what
    is kept for every reader: tests/views/test_territory_kept.py)."""
    settings.PAGE_PARTS_KEPT = False
    session = schedule(office, workshop, capacity=3)
    past = _past_session(office, workshop, [])
    urls = [
        reverse("diagnostics:workshops", args=[office.slug]),
        reverse("diagnostics:session", args=[office.slug, session.pk]),
        reverse("diagnostics:session_registrations", args=[office.slug, session.pk]),
        reverse("diagnostics:session_attendance", args=[office.slug, past.pk]),
        reverse("diagnostics:workshop", args=[office.slug, workshop.pk]),
    ]
    _grow(office, workshop, session, past, 2)
    few = {}
    for url in urls:
        logged.get(url)  # warms the frozen questionnaire's structure
        with CaptureQueriesContext(connection) as queries:
            assert logged.get(url).status_code == 200
        few[url] = len(queries.captured_queries)
    _grow(office, workshop, session, past, 6)
    for url in urls:
        with django_assert_num_queries(few[url]):
            assert logged.get(url).status_code == 200
    assert session.registrations.filter(status=Status.WAITING).count() == 5
