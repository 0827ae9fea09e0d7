"""The office's businesses as a kept part of « Mon territoire » or the workshop programme
depends on them (views/territory.py): read on every view, in one query.

What the parts draw from the businesses' rows (activities, how many, whether each is
due…) is in the part's key: a new business or a change of activity or of website writes
the part again. Their names and contact details (`HOLE_COLUMNS`) are not: the parts never
draw from the contact details, and show the name and the commune only in holes
(`{% hole "name" pk %}`), filled from this very query, in lists the view puts in the
French order of the names (`{% in_order %}`, `order`). Renaming a business or correcting
its commune, e-mail or phone, the office's most frequent work on its businesses, then
leaves the part as it is.
"""

import hashlib
from dataclasses import dataclass

from django.db.models import Q
from django.utils.html import escape

from diagnostics.collation import french_key
from diagnostics.models import Office, Organisation

ORGANISATIONS = Organisation._meta.db_table  # the table the key holds (`Reads.scope(keyed=…)`)
# Of a business, never drawn from by the parts; the name and commune are shown in holes.
HOLES = ("name", "commune", "email", "phone")
HOLE_COLUMNS = frozenset(HOLES)
COLUMNS = tuple(
    field.attname
    for field in Organisation._meta.concrete_fields
    if field.attname not in HOLE_COLUMNS and field.attname != "id"
)


@dataclass(frozen=True)
class TerritoryRows:
    key: str  # a digest of the office's row and of its businesses' but for HOLE_COLUMNS
    pieces: dict[str, str]  # the holes' HTML: "name:<pk>", "commune:<pk>" → escaped
    order: dict[str, tuple]  # "business:<pk>" → its place in a list: the name in French order


def business_order(name: str, pk: int) -> tuple:
    """Where a business goes in the parts' lists: by name in French order, then by id."""
    return (*french_key(name), pk)


def territory_rows(office: Office) -> TerritoryRows:
    """The office's businesses, and its own row (written outside an office's work on its
    businesses today, so already followed by `@all`: held whole too, should that change):
    what the kept parts' key holds, their holes' pieces and their lists' order."""
    rows = (
        Organisation.objects.filter(Q(parent=office) | Q(pk=office.pk))
        .order_by("pk")
        .values_list("id", *HOLES, *COLUMNS)
    )
    facts, pieces, order = [], {}, {}
    for pk, name, commune, email, phone, *columns in rows:
        if pk == office.pk:
            facts.append((pk, name, commune, email, phone, *columns))
            continue
        facts.append((pk, *columns))
        pieces[f"name:{pk}"] = str(escape(name))
        pieces[f"commune:{pk}"] = str(escape(commune))
        order[f"business:{pk}"] = business_order(name, pk)
    return TerritoryRows(hashlib.sha256(repr(facts).encode()).hexdigest(), pieces, order)
