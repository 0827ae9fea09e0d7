"""Who the regional network is, for e-mails and pages, read in one place.

Today from settings (SNUT_NETWORK_NAME, SNUT_NETWORK_CONTACT, SNUT_NETWORK_REGIONS);
callers only see these helpers, so the source can move to the database without
touching them.
"""

from typing import NamedTuple

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from diagnostics.models import Department, Region
from snut import page_memo


def network_info() -> dict[str, str]:
    return {"name": settings.SNUT_NETWORK_NAME, "contact": settings.SNUT_NETWORK_CONTACT}


def network_departments() -> QuerySet[Department]:
    """The departments the network covers (SNUT_NETWORK_REGIONS; all of France if unset)."""
    departments = Department.objects.select_related("region")
    if settings.SNUT_NETWORK_REGIONS:
        departments = departments.filter(region__code__in=settings.SNUT_NETWORK_REGIONS)
    return departments


class NetworkRegion(NamedTuple):
    """A region as the staff's pages name it: plain values, cheap to keep and read back."""

    code: str
    name: str

    __str__ = Region.__str__


class NetworkDepartment(NamedTuple):
    """A department as the staff's pages name it and group it by region: plain values,
    which the shared cache stores and reads back in a tenth of the time model instances
    take (the training needs' and pooling pages read a hundred of them each time)."""

    code: str
    name: str
    region: NetworkRegion

    __str__ = Department.__str__


def department_records(departments: QuerySet[Department]) -> list[NetworkDepartment]:
    """These departments as NetworkDepartment, one NetworkRegion per region: one query."""
    regions: dict[str, NetworkRegion] = {}
    return [
        NetworkDepartment(code, name, regions.setdefault(region, NetworkRegion(region, label)))
        for code, name, region, label in departments.values_list(
            "code", "name", "region__code", "region__name"
        )
    ]


def network_department_list() -> list[NetworkDepartment]:
    """`network_departments()` as records: the same for every reader, so kept in the shared
    cache until a department or a region is written (page_memo.kept). No query when kept."""
    regions = ",".join(settings.SNUT_NETWORK_REGIONS)
    return page_memo.kept(
        f"network-departments-v2:{regions}", lambda: department_records(network_departments())
    )


def departments_named(
    codes: set[str], network: list[NetworkDepartment] | None = None
) -> list[NetworkDepartment]:
    """The departments of these codes, in the order of their codes: from the network's
    (network_department_list, or `network` if the caller has it) when they hold them all,
    as they do but for an office outside the network's regions; else read (one query)."""
    if network is None:
        network = network_department_list()
    found = [d for d in network if d.code in codes]
    if len(found) < len(codes):
        found = department_records(Department.objects.filter(code__in=codes).order_by("code"))
    return found


def context(request) -> dict:
    """Template context processor: {{ network.name }}, {{ network.contact }}."""
    return {"network": network_info()}


def staff_landing_url(user) -> str:
    """Where network staff land after logging in: what they come for, the regional dashboard;
    the admin's index (still at /admin/) for staff who may not read the offices."""
    if user.has_perm("diagnostics.view_office"):
        return reverse("admin:diagnostics_office_dashboard")
    return reverse("admin:index")
