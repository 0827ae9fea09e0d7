"""Who the regional network is, for e-mails and pages, read in one place.

Today from settings (SNUT_NETWORK_NAME, SNUT_NETWORK_CONTACT, SNUT_NETWORK_REGIONS);
callers only see these helpers, so the source can move to the database without
touching them.
"""

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from diagnostics.models import Department
from snut import page_memo


def network_info() -> dict[str, str]:
    return {"name": settings.SNUT_NETWORK_NAME, "contact": settings.SNUT_NETWORK_CONTACT}


def network_departments() -> QuerySet[Department]:
    """The departments the network covers (SNUT_NETWORK_REGIONS; all of France if unset)."""
    departments = Department.objects.select_related("region")
    if settings.SNUT_NETWORK_REGIONS:
        departments = departments.filter(region__code__in=settings.SNUT_NETWORK_REGIONS)
    return departments


def network_department_list() -> list[Department]:
    """`network_departments()`, each with its region: the same for every reader, so kept in
    the shared cache until a department or a region is written (page_memo.kept). No query
    when kept."""

    def compute() -> list[Department]:
        departments = list(network_departments())
        regions: dict[str, object] = {}
        for department in departments:  # one object per region: kept once, read once
            department.region = regions.setdefault(department.region.code, department.region)
        return departments

    regions = ",".join(settings.SNUT_NETWORK_REGIONS)
    return page_memo.kept(f"network-departments:{regions}", compute)


def context(request) -> dict:
    """Template context processor: {{ network.name }}, {{ network.contact }}."""
    return {"network": network_info()}


def staff_landing_url(user) -> str:
    """Where network staff land after logging in: what they come for, the regional dashboard;
    the admin's index (still at /admin/) for staff who may not read the offices."""
    if user.has_perm("diagnostics.view_office"):
        return reverse("admin:diagnostics_office_dashboard")
    return reverse("admin:index")
