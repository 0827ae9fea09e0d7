"""The demo's offices and accounts: an office per commune of the demo's data, the demo
accounts (password DEMO_PASSWORD, the demo only), a director for every other office and one
pending invitation. Called by seed_demo; idempotent (looked up by slug, username, e-mail)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from diagnostics import services
from diagnostics.french import de
from diagnostics.management.demo_businesses import demo_data
from diagnostics.models import Invitation, Membership, Office

DEMO_PASSWORD = "snut-demo"
DEMO_DIRECTOR = "directeur"
DEMO_COLLEAGUE = "collegue"
DEMO_STAFF = "mopa"
DEMO_OFFICE = "Office de tourisme de Brumevieille-sur-Dronne"
DEMO_FILLER = "directrice"  # director of the second demo office, half-way through this year's
DEMO_FILLING_OFFICE = "Office de tourisme de Castelroc"

# The demo's communes (and its businesses) are data: diagnostics/management/demo_data/.
COMMUNES = {d["code"]: d["communes"] for d in demo_data("communes")["department"]}


def seed_offices() -> list[Office]:
    categories = [Office.Segment.CAT_1, Office.Segment.CAT_2, Office.Segment.CAT_2]
    legal_forms = list(Office.LegalForm)
    bands = list(Office.StaffBand)
    offices = []
    for d_index, (department, communes) in enumerate(COMMUNES.items()):
        for c_index, commune in enumerate(communes):
            i = d_index * len(communes) + c_index
            office, _ = Office.objects.update_or_create(
                slug=slugify(commune),
                defaults={"name": f"Office de tourisme {de(commune)}"},
                create_defaults={
                    "name": f"Office de tourisme {de(commune)}",
                    "department_id": department,
                    "commune": commune,
                    "segment": categories[i % 3],
                    "legal_form": legal_forms[i % len(legal_forms)],
                    "staff_band": bands[(i * 2) % len(bands)],
                    # Some neighbours agreed to be named in pooling suggestions.
                    "pooling_opt_in": i % 3 == 1,
                    # The demo office offers individual appointments to its businesses.
                    "offers_appointments": commune == "Brumevieille-sur-Dronne",
                },
            )
            offices.append(office)
    return offices


def seed_users(demo_office: Office, filling_office: Office):
    User = get_user_model()

    def user(username, first, last, **extra):
        obj, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@snut.localhost",
                **extra,
            },
        )
        if created:
            obj.set_password(DEMO_PASSWORD)
            obj.save()
        return obj

    director = user(DEMO_DIRECTOR, "Camille", "Dufau")
    colleague = user(DEMO_COLLEAGUE, "Lucas", "Etcheverry")
    filler = user(DEMO_FILLER, "Inès", "Larrieu")
    staff = user(DEMO_STAFF, "Nadia", "Laborde", is_staff=True)
    Membership.objects.get_or_create(
        user=director, office=demo_office, defaults={"role": Membership.Role.DIRECTOR}
    )
    Membership.objects.get_or_create(
        user=filler, office=filling_office, defaults={"role": Membership.Role.DIRECTOR}
    )
    Membership.objects.get_or_create(
        user=colleague, office=demo_office, defaults={"role": Membership.Role.MEMBER}
    )
    staff.groups.add(services.network_group_sync())
    return director, colleague, filler, staff


def office_director(office: Office):
    """The director of a demo office without a demo account: no password."""
    user, created = get_user_model().objects.get_or_create(
        username=f"direction-{office.slug}"[:150],
        defaults={"first_name": "Direction", "last_name": office.commune},
    )
    if created:
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(
        user=user, office=office, defaults={"role": Membership.Role.DIRECTOR}
    )
    return user


DEMO_INVITEE = "nouvelle.recrue@snut.localhost"


def seed_invitation(office: Office, director) -> None:
    """One pending invitation on the demo office's team page (its link was never sent:
    « Renvoyer » prints a working one on the console)."""
    if not Invitation.objects.filter(office=office, email=DEMO_INVITEE).exists():
        Invitation.objects.create(
            office=office,
            email=DEMO_INVITEE,
            role=Membership.Role.MEMBER,
            invited_by=director,
            token_hash=secrets.token_hex(32),
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
        )
