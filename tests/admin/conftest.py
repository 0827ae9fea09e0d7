from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from diagnostics.models import Axis, AxisScore, Diagnostic, Export, MaturityLevel, Office
from diagnostics.services import network_group_sync
from tests import factories


@pytest.fixture
def superuser(db):
    return factories.make_user("admin", is_staff=True, is_superuser=True)


@pytest.fixture
def network_staff(db):
    user = factories.make_user("reseau", is_staff=True)
    user.groups.add(network_group_sync())
    return user


def bulk_region(
    campaign, count, *, start=0, segment=Office.Segment.CAT_2, department="33", score=None
):
    """`count` offices with a submitted diagnostic in `campaign` and stored scores, in a few queries.

    Scores climb with the office's index (or are all `score`), so tests know who is best.
    """
    offices = Office.objects.bulk_create(
        Office(
            name=f"Office {start + i:04d}",
            slug=f"office-{campaign.pk}-{start + i}",
            department_id=department,
            commune=f"Commune {start + i}",
            segment=segment,
            legal_form=Office.LegalForm.ASSOCIATION,
            staff_band=Office.StaffBand.S,
        )
        for i in range(count)
    )
    levels = list(
        MaturityLevel.objects.filter(questionnaire=campaign.questionnaire).order_by("lower_bound")
    )
    axes = list(Axis.objects.filter(questionnaire=campaign.questionnaire).order_by("order"))
    moment = timezone.make_aware(
        timezone.datetime.combine(campaign.opens + timedelta(days=1), timezone.datetime.min.time())
    )

    def value(i, shift=0):
        return Decimal(score if score is not None else min(100, (i * 7 + shift) % 101))

    def level(v):
        return [lv for lv in levels if lv.lower_bound <= v][-1]

    diagnostics = Diagnostic.objects.bulk_create(
        Diagnostic(
            organisation=office,
            campaign=campaign,
            questionnaire=campaign.questionnaire,
            status=Diagnostic.Status.SUBMITTED,
            submitted_at=moment,
            overall_score=value(i),
            overall_level=level(value(i)),
        )
        for i, office in enumerate(offices)
    )
    AxisScore.objects.bulk_create(
        AxisScore(
            diagnostic=d,
            axis=axis,
            score=value(i, a * 3),
            level=level(value(i, a * 3)),
            answered=1,
            total=1,
        )
        for i, d in enumerate(diagnostics)
        for a, axis in enumerate(axes)
    )
    return offices


def exported(client, kind, fmt, query=None):
    """Asks for an export as the office list's buttons do and downloads it: with the
    immediate backend of the tests, the task has written it when the redirect lands."""
    url = reverse("admin:diagnostics_office_export", args=[kind, fmt])
    response = client.post(f"{url}?{urlencode(query or {})}")
    assert response.status_code == 302, response
    assert response.url == reverse("admin:diagnostics_office_exports")
    export = Export.objects.latest("pk")
    assert export.status == Export.Status.READY, export.error
    return client.get(reverse("admin:diagnostics_office_export_download", args=[export.pk]))


def assert_rows_as_django_writes(response) -> None:
    """The list's rows written by QuickRowsMixin (admin/rows.py) are, cell for cell, what
    Django's items_for_result writes, its filters byte for byte what Django's
    admin/filter.html writes (quick_list_filter), and the page shows them."""
    from django.contrib.admin.templatetags.admin_list import admin_list_filter, items_for_result

    from diagnostics.templatetags.snut_admin import quick_list_filter

    cl = response.context["cl"]
    assert cl.result_list
    page = response.content.decode()
    for obj in cl.result_list:
        quick = cl.model_admin.quick_cells(cl, obj)
        assert quick == list(items_for_result(cl, obj, None))
        assert "".join(quick) in page
    for spec in cl.filter_specs:
        quick = quick_list_filter(cl, spec)
        assert quick == admin_list_filter(cl, spec)
        assert quick in page
