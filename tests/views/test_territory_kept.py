"""« Mon territoire » and the workshop programme below the navigation, kept for every member
of the office with the same rights (diagnostics/views/kept_parts.py): written again after a
write to a table they were drawn from, never given to a member with other rights, each
reader's own CSRF token in the programme's forms. The page memo is off: what is kept here
is shared between readers."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diagnostics import services
from diagnostics.collation import french_key
from diagnostics.models import Audience, Business, Membership, Training
from tests import factories
from tests.territory_data import network_workshop, submit_businesses

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_memo_off")]

WEAKEST = lambda choices: choices[0]  # noqa: E731
ADD_WORKSHOP = "Ajouter un atelier"


@pytest.fixture
def campaign(office):
    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    campaign = factories.open_campaign(questionnaire, organiser=office)
    submit_businesses(office, campaign, 6, pick=WEAKEST)
    network_workshop(questionnaire)
    return campaign


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def masked(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.parametrize("name", ["territory", "workshops"])
def test_the_part_is_kept_then_written_again_after_a_write_it_read(
    office, director, campaign, name
):
    client = signed_in(director)
    url = reverse(f"diagnostics:{name}", args=[office.slug])
    first, page = queries(client, url)
    kept, again = queries(client, url)
    # The session, the user, the office with the reader's role, the campaign and its
    # businesses (the part's key, their communes): the rest kept.
    assert kept <= 5 < first
    assert masked(again) == masked(page)
    # A business renamed (a table the part read): the next view writes the part again.
    business = Business.objects.filter(parent=office).order_by("pk").first()
    Business.objects.filter(pk=business.pk).update(name="Gîte du Vieux Moulin")
    written, page = queries(client, url)
    assert written == first
    if name == "territory":
        assert "Gîte du Vieux Moulin" in page
    # An office's own workshop added: the programme's tables.
    Training.objects.create(
        title="Notre atelier photo", format="workshop", audience="businesses", organiser=office
    )
    assert ("Notre atelier photo" in queries(client, url)[1]) == (name == "workshops")


def business_fields(business, **changes) -> dict:
    return {name: getattr(business, name) for name in services.BUSINESS_FIELDS} | changes


@pytest.mark.parametrize("name", ["territory", "workshops"])
def test_another_office_s_work_on_its_businesses_leaves_the_part_kept(
    office, director, campaign, staff, name
):
    """Another office's team changing, creating or importing its businesses writes only that
    office's rows (table_stamps.office_writes): this office's part stays kept, that office's
    own and the staff's list of every business follow it."""
    other = factories.make_office(name="Office de tourisme de Nérac")
    theirs_campaign = factories.open_campaign(campaign.questionnaire, organiser=other)
    submit_businesses(other, theirs_campaign, 2, pick=WEAKEST)
    theirs = Business.objects.filter(parent=other).order_by("pk").first()
    Business.objects.filter(pk=theirs.pk).update(name="Moulin de Barbaste")
    theirs.refresh_from_db()
    other_director = factories.make_user(office=other)
    other_client = signed_in(other_director)
    other_url = reverse("diagnostics:territory", args=[other.slug])
    assert "Moulin de Barbaste" in queries(other_client, other_url)[1]
    staff = signed_in(staff)
    listed = reverse("admin:diagnostics_business_changelist")
    assert "Moulin de Barbaste" in staff.get(listed).content.decode()
    client = signed_in(director)
    url = reverse(f"diagnostics:{name}", args=[office.slug])
    first, page = queries(client, url)

    services.business_update(business=theirs, **business_fields(theirs, name="Moulin de Lavardac"))
    services.business_create(
        office=other, **business_fields(theirs, name="Ferme de Xaintrailles", email="")
    )
    services.businesses_import(
        office=other,
        rows=[{"line": 2, "name": "Gîte de Feugarolles", "commune": "Feugarolles",
               "segment": theirs.segment}],
    )  # fmt: skip
    kept, again = queries(client, url)
    assert kept <= 5 < first and masked(again) == masked(page)
    # That office's part and the staff's list show the change.
    assert "Moulin de Lavardac" in queries(other_client, other_url)[1]
    listed_now = staff.get(listed).content.decode()
    assert "Ferme de Xaintrailles" in listed_now and "Gîte de Feugarolles" in listed_now
    # This office's own business changed by its team: its part is written again.
    own = Business.objects.filter(parent=office).order_by("pk").first()
    services.business_update(
        business=own, **business_fields(own, segment=Business.Segment.ACTIVITIES)
    )
    written, page = queries(client, url)
    assert written == first


@pytest.mark.parametrize("name", ["territory", "workshops"])
def test_a_business_s_contact_details_corrected_leave_the_part_kept_and_show(
    office, director, campaign, settings, name
):
    """The office's team corrects one of its businesses' commune, e-mail and phone (the part
    draws nothing from them, and shows the commune in holes): the part stays kept, the new
    commune shows, and the page is the one written whole."""
    client = signed_in(director)
    url = reverse(f"diagnostics:{name}", args=[office.slug])
    first, _page = queries(client, url)
    kept, _again = queries(client, url)
    own = Business.objects.filter(parent=office).order_by("name").first()
    fields = business_fields(
        own, commune="Saint-Martin-d’Oydes", email="accueil@moulin.example", phone="05 61 00 00 00"
    )
    services.business_update(business=own, **fields)
    after, page = queries(client, url)
    assert after == kept < first
    assert page.count("Saint-Martin-d’Oydes") == 1
    settings.PAGE_PARTS_KEPT = False
    assert masked(page) == masked(client.get(url).text)


@pytest.mark.parametrize("name", ["territory", "workshops"])
def test_a_business_renamed_by_its_office_leaves_the_part_kept_in_the_new_order(
    office, director, campaign, settings, name
):
    """The office's team renames two of its businesses: the part shows names in holes and
    puts its lists in order when it fills them (`{% in_order %}`), so it stays kept, and
    each renamed business moves to its place among the others, in French order
    (« Écurie » first, where a binary order puts it last): the page is the one written
    whole."""
    client = signed_in(director)
    url = reverse(f"diagnostics:{name}", args=[office.slug])
    first, _page = queries(client, url)
    kept, _again = queries(client, url)
    names = sorted(Business.objects.filter(parent=office).values_list("name", flat=True))
    renamed = {names[0]: "Relais & fils <b>", names[1]: "Écurie du Moulin"}
    for old, new in renamed.items():
        own = Business.objects.get(parent=office, name=old)
        services.business_update(business=own, **business_fields(own, name=new))
    after, page = queries(client, url)
    assert after == kept < first
    assert "Relais &amp; fils &lt;b&gt;" in page
    settings.PAGE_PARTS_KEPT = False
    assert masked(page) == masked(client.get(url).text)
    settings.PAGE_PARTS_KEPT = True
    # Where the names now go: the first place where each is shown (each listed business is
    # named once in the territory's table, in each of its workshops in the programme).
    listed = [n for n in [*names[2:], *renamed.values()] if html.escape(n, quote=False) in page]
    order = sorted(listed, key=french_key)
    assert order[0] == "Écurie du Moulin" and order[-1] == "Relais & fils <b>"
    assert sorted(listed, key=lambda n: page.index(html.escape(n, quote=False))) == order


@pytest.mark.parametrize(
    "change",
    [
        {"segment": Business.Segment.ACTIVITIES},
        {"website": "https://moulin.example/"},
    ],
)
def test_what_the_part_draws_from_a_business_changed_by_its_office_writes_it_again(
    office, director, campaign, settings, change
):
    """Through the office's own services (office_writes, which leave the office's
    timestamp to the key): a change to a column the key holds, or a new business,
    writes the part again, the same as written whole."""
    client = signed_in(director)
    url = reverse("diagnostics:territory", args=[office.slug])
    first, _page = queries(client, url)
    own = Business.objects.filter(parent=office).order_by("name").first()
    services.business_update(business=own, **business_fields(own, **change))
    written, page = queries(client, url)
    assert written > 5
    settings.PAGE_PARTS_KEPT = False
    assert masked(page) == masked(client.get(url).text)
    settings.PAGE_PARTS_KEPT = True
    services.business_create(
        office=office, **business_fields(own, name="Ferme de Xaintrailles", email="")
    )
    assert queries(client, url)[0] > 5


@pytest.mark.parametrize("name", ["territory", "workshops"])
def test_another_office_inviting_its_businesses_leaves_the_part_kept(
    office, director, campaign, settings, django_capture_on_commit_callbacks, mailoutbox, name
):
    """Another office invites its businesses (the e-mails' task keys each link), one opens
    its link and starts its diagnostic: all written for that office alone
    (table_stamps.office_writes), so this office's part stays kept, and that office's
    counts follow."""
    other = factories.make_office(name="Office de tourisme de Nérac")
    theirs = factories.open_campaign(campaign.questionnaire, organiser=other)
    business = factories.make_business(other, segment=Business.Segment.FOOD)
    client = signed_in(director)
    url = reverse(f"diagnostics:{name}", args=[office.slug])
    first, _page = queries(client, url)
    kept, _again = queries(client, url)
    with django_capture_on_commit_callbacks(execute=True):  # the e-mails' task runs
        services.business_invitations_send(
            campaign=theirs, businesses=[business], base_url="http://testserver/"
        )
    assert len(mailoutbox) == 1
    _link, token = services.business_link_issue(business=business, campaign=theirs)
    services.business_link_open(token=token)
    services.diagnostic_start(organisation=business, campaign=theirs)
    after, page = queries(client, url)
    assert after == kept < first
    settings.PAGE_PARTS_KEPT = False
    assert masked(page) == masked(client.get(url).text)
    other_client = signed_in(factories.make_user("directrice-nerac", office=other))
    other_page = other_client.get(reverse("diagnostics:territory", args=[other.slug])).text
    assert 'Invités</dt><dd class="h4 mb-0">1<' in other_page
    assert 'Commencés</dt><dd class="h4 mb-0">1 ' in other_page


def test_a_part_drawn_while_its_businesses_change_is_shown_but_not_kept(
    office, director, campaign, monkeypatch
):
    """Another process writes the office's businesses while the part is drawn (this view's
    recording sees none of its writes): the part may show the rows of before or after and
    its key is of before, so it is shown but not kept (`kept_part(still=…)`)."""
    from dataclasses import replace

    from diagnostics.views import territory as views

    client = signed_in(director)
    url = reverse("diagnostics:territory", args=[office.slug])
    read = views.territory_rows
    calls = []

    def written_meanwhile(office):
        calls.append(office)
        rows = read(office)
        return replace(rows, key="written by another process") if len(calls) == 2 else rows

    monkeypatch.setattr(views, "territory_rows", written_meanwhile)
    first, page = queries(client, url)
    assert len(calls) == 2  # before the part is drawn, and after
    again, page_again = queries(client, url)
    assert again == first and masked(page_again) == masked(page)
    assert queries(client, url)[0] < first


def test_members_with_other_rights_never_receive_each_other_s_part(office, director, campaign):
    """A member who does not manage the businesses reads the programme without its forms nor
    its sessions' links, whoever came first; one the director allowed reads the director's
    page, written for their own rights."""
    member = factories.make_user("membre", office=office, role=Membership.Role.MEMBER)
    manager = factories.make_user("gestionnaire", office=office, role=Membership.Role.MEMBER)
    Membership.objects.filter(user=manager).update(can_manage_businesses=True)
    url = reverse("diagnostics:workshops", args=[office.slug])
    team, direction, managing = signed_in(member), signed_in(director), signed_in(manager)

    assert ADD_WORKSHOP not in team.get(url).text
    assert ADD_WORKSHOP in direction.get(url).text
    kept, page = queries(direction, url)
    assert kept <= 5 and ADD_WORKSHOP in page
    assert ADD_WORKSHOP not in queries(team, url)[1]
    # The manager's first view is their own part, with the manager's forms.
    first, managed = queries(managing, url)
    assert first > kept and ADD_WORKSHOP in managed
    # The member loses nothing they may read and gains nothing: the same as a manager's
    # page but the forms; a member's right granted is a write that makes it written again.
    Membership.objects.filter(user=member).update(can_manage_businesses=True)
    assert ADD_WORKSHOP in team.get(url).text


def test_each_reader_s_forms_hold_their_own_csrf_token(office, director, campaign):
    Training.objects.create(
        title="Notre atelier photo", format="workshop", audience="businesses", organiser=office
    )
    url = reverse("diagnostics:workshops", args=[office.slug])
    colleague = factories.make_user("collegue", office=office, role=Membership.Role.MEMBER)
    Membership.objects.filter(user=colleague).update(can_manage_businesses=True)
    for user in (director, colleague, colleague):
        page = signed_in(user).get(url).text
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
        assert len(tokens) == 1 and "kept-part" not in page


def test_a_session_page_reads_the_programme_kept_then_computed_again_after_a_write(
    office, director, campaign
):
    """Who needs the workshop, on a session's page, is the office's programme, kept for all
    who read it: a business submitted since is among those to invite on the next view."""
    workshop = Training.objects.filter(organiser=None).first()
    starts = timezone.now() + timedelta(days=21)
    session = services.session_schedule(
        office=office,
        training=workshop,
        starts=starts,
        ends=starts + timedelta(hours=2),
        place="Salle des fêtes",
        capacity=None,
        base_url="http://testserver/",
    )
    client = signed_in(director)
    url = reverse("diagnostics:session", args=[office.slug, session.pk])
    first, page = queries(client, url)
    kept, again = queries(client, url)
    assert kept < first and masked(again) == masked(page)
    (late,) = submit_businesses(office, campaign, 1, pick=WEAKEST)
    Business.objects.filter(pk=late.organisation_id).update(name="Camping des Tilleuls")
    assert "Camping des Tilleuls" not in again
    assert "Camping des Tilleuls" in queries(client, url)[1]
