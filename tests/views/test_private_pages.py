"""`Cache-Control: private, no-store` on every page and file that holds an office's data."""

from django.urls import reverse

from diagnostics.models import Diagnostic, Export
from tests import factories


def _private(response):
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def test_office_pages_are_never_cached(client, director, office, submitted, diagnostic):
    client.force_login(director)
    draft = factories.open_campaign(diagnostic.questionnaire)
    open_one = Diagnostic.objects.create(
        organisation=office, campaign=draft, questionnaire=draft.questionnaire
    )
    axis = diagnostic.questionnaire.axes.first()
    for url in (
        reverse("diagnostics:office", args=[office.slug]),
        reverse("diagnostics:axis", args=[open_one.pk, axis.code]),
        reverse("diagnostics:review", args=[open_one.pk]),
        reverse("diagnostics:results", args=[submitted.pk]),
        reverse("diagnostics:report_pdf", args=[submitted.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _private(response), url


def test_staff_exports_are_never_cached(client, staff, submitted):
    client.force_login(staff)
    client.post(reverse("admin:diagnostics_office_export", args=["scores", "csv"]))
    export = Export.objects.get()
    for url in (
        reverse("admin:diagnostics_office_exports"),
        reverse("admin:diagnostics_office_export_download", args=[export.pk]),
        reverse("admin:diagnostics_office_dashboard"),
        reverse("diagnostics:report_pdf", args=[submitted.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _private(response), url


def test_anonymous_pages_stay_cacheable(client, db):
    assert "no-store" not in client.get("/").get("Cache-Control", "")
