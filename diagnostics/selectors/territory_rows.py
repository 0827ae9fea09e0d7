"""The office's businesses as a kept part of « Mon territoire » or the workshop programme
depends on them (views/territory.py): read on every view, in one query.

What the parts draw from the businesses' rows (names, activities, how many, whether each
is due…) is in the part's key: a new business, a rename or a change of activity writes
the part again. Their contact details (`HOLE_COLUMNS`) are not: the parts never draw from
them, and show only the commune, in holes (`{% hole "commune" pk %}`) filled from this
very query. Correcting a business's commune, e-mail or phone, the office's most frequent
work on its businesses, then leaves the part as it is.
"""

import hashlib
from dataclasses import dataclass

from django.db.models import Q
from django.utils.html import escape

from diagnostics.models import Office, Organisation

ORGANISATIONS = Organisation._meta.db_table  # the table the key holds (`Reads.scope(keyed=…)`)
# Never drawn from by the parts; the commune is shown through holes only.
HOLE_COLUMNS = frozenset({"commune", "email", "phone"})
COLUMNS = tuple(
    field.attname
    for field in Organisation._meta.concrete_fields
    if field.attname not in HOLE_COLUMNS and field.attname != "id"
)


@dataclass(frozen=True)
class TerritoryRows:
    key: str  # a digest of every column but HOLE_COLUMNS, of the office and its businesses
    pieces: dict[str, str]  # the holes' HTML: "commune:<pk>" → the escaped commune


def territory_rows(office: Office) -> TerritoryRows:
    """The office's businesses, and its own row (written outside an office's work on its
    businesses today, so already followed by `@all`: held too, should that change): what
    the kept parts' key holds, and their holes' pieces."""
    rows = (
        Organisation.objects.filter(Q(parent=office) | Q(pk=office.pk))
        .order_by("pk")
        .values_list("id", "commune", *COLUMNS)
    )
    facts, pieces = [], {}
    for pk, commune, *columns in rows:
        facts.append((pk, *columns))
        pieces[f"commune:{pk}"] = str(escape(commune))
    return TerritoryRows(hashlib.sha256(repr(facts).encode()).hexdigest(), pieces)
