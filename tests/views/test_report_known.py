"""The PDF report found without writing its HTML (report.known_pdf): served only while what
its HTML is written from is unchanged. Each change below alters the HTML; the PDF served
after it must be the new HTML's, never the one kept before."""

import hashlib
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from diagnostics import report, services
from diagnostics.models import Action, Axis, AxisTarget, Diagnostic, MaturityLevel
from diagnostics.visibility import OpinionReader
from tests import factories


@pytest.fixture
def printing(monkeypatch, settings):
    """WeasyPrint replaced by the HTML's hash; counts the HTML written."""
    settings.PAGE_MEMO = ()  # the view's own work, every time
    monkeypatch.setattr(report, "print_html", lambda html: _pdf(html))
    written = []
    real = report.render_html
    monkeypatch.setattr(report, "render_html", lambda *a, **k: written.append(1) or real(*a, **k))
    return written


def _pdf(html: str) -> bytes:
    return b"%PDF " + hashlib.sha256(html.encode()).hexdigest().encode()


@pytest.fixture
def submitted(db):
    office = factories.make_office(name="Office de tourisme de Brantôme")
    director = factories.make_user(office=office)
    questionnaire = factories.build_questionnaire(axes=2, questions=2)
    campaign = factories.open_campaign(questionnaire)
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=campaign, questionnaire=questionnaire
    )
    factories.answer_all(diagnostic, pick=lambda choices: choices[0])
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    return diagnostic, director


def test_the_pdf_kept_is_served_only_while_its_html_would_be_the_same(printing, submitted, client):
    diagnostic, director = submitted
    url = reverse("diagnostics:report_pdf", args=[diagnostic.pk])
    seen = set()

    def download(reader):
        served = client.get(url).content
        fresh = Diagnostic.objects.get(pk=diagnostic.pk)
        html = report.diagnostic_html(fresh, reader=reader)
        assert served == _pdf(html)
        return html

    # A login writes the account: both readers sign in before the first download.
    staff = factories.make_user(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename="view_diagnostic"))
    staff_client = Client()
    staff_client.force_login(staff)
    client.force_login(director)
    html = download(OpinionReader.DIRECTOR)
    seen.add(html)
    printing.clear()
    assert download(OpinionReader.DIRECTOR) == html
    assert len(printing) == 1  # the test's own HTML: the view found the PDF without it

    first_axis = Axis.objects.filter(questionnaire=diagnostic.questionnaire).order_by("order")[0]
    top = MaturityLevel.objects.filter(questionnaire=diagnostic.questionnaire).last()
    changes = {
        "a target": lambda: AxisTarget.objects.create(
            office=diagnostic.organisation,
            diagnostic=diagnostic,
            axis=first_axis,
            level=top,
            due_date=date.today() + timedelta(days=300),
        ),
        "an action of the plan": lambda: Action.objects.create(
            office=diagnostic.organisation,
            diagnostic=diagnostic,
            axis=first_axis,
            title="Refaire la page d’accueil",
            due_date=date.today() - timedelta(days=3),
        ),
        "the team's opinions": lambda: factories.opinions_on(diagnostic),
        "the office's name": lambda: (
            type(diagnostic.organisation)
            .objects.filter(pk=diagnostic.organisation_id)
            .update(name="Office de tourisme du Périgord vert")
        ),
    }
    for change, make in changes.items():
        make()
        html = download(OpinionReader.DIRECTOR)
        assert html not in seen, change  # the change shows: the test tests something
        seen.add(html)

    # Another reader, right after the director's download: network staff, who read no
    # opinion of an office's team.
    html = staff_client.get(url).content
    fresh = Diagnostic.objects.get(pk=diagnostic.pk)
    assert html == _pdf(report.diagnostic_html(fresh, reader=OpinionReader.STAFF))
    assert html not in {_pdf(each) for each in seen}
