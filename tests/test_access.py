"""diagnostics.access: every « X for this user » lookup and role test, and the one error
type that services raise (issue 21)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from diagnostics import access, services
from diagnostics.models import Audience, Membership, Training
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_office_is_found_only_for_its_members(office, director, stranger):
    found = access.office_for_member(director, office.slug)
    assert found == office and found.member_role == Membership.Role.DIRECTOR
    with pytest.raises(Http404):
        access.office_for_member(stranger, office.slug)


def test_only_the_director_and_allowed_members_manage_businesses(office, director):
    member = factories.make_user("membre", office=office, role=Membership.Role.MEMBER)
    assert access.office_for_business_manager(director, office.slug) == office
    with pytest.raises(PermissionDenied, match="Seules la direction"):
        access.office_for_business_manager(member, office.slug)
    Membership.objects.filter(user=member).update(can_manage_businesses=True)
    assert access.manages_businesses(access.office_for_member(member, office.slug))


def test_the_team_pages_are_the_directors(office, director):
    member = factories.make_user("membre", office=office, role=Membership.Role.MEMBER)
    assert access.is_director(director, office) and not access.is_director(member, office)
    assert access.office_for_director(director, office.slug) == office
    with pytest.raises(PermissionDenied, match="Seule la direction"):
        access.office_for_director(member, office.slug)


def test_services_refuse_with_one_error_type_that_carries_its_status(office, other_office):
    theirs = Training.objects.create(
        title="Atelier voisin", organiser=other_office, audience=Audience.BUSINESSES
    )
    with pytest.raises(services.ServiceForbidden) as refused:
        services.workshop_delete(office=office, workshop=theirs)
    assert refused.value.status == 403 and isinstance(refused.value, PermissionDenied)
    assert refused.value.messages == [services.WORKSHOP_NOT_OURS]
    with pytest.raises(services.ServiceError) as invalid:
        services.invitation_check(office=office, email="pas-une-adresse")
    assert invalid.value.status == 400 and isinstance(invalid.value, ValidationError)
    assert invalid.value.messages == [services.EMAIL_INVALID]
