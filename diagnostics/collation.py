"""French order for names: « Épicerie » between « Distillerie » and « Ferme », « Pêche »
before « Pizzeria » — accents and case matter only between otherwise equal names.

The database sorts with the collation FRENCH: ICU's French on PostgreSQL (created by
migration 0020), and on SQLite the same rule in Python, registered on each new
connection (DiagnosticsConfig.ready). `french_key` is that rule for sorts in Python.
"""

import unicodedata
from functools import lru_cache

from django.db.models import F
from django.db.models.functions import Collate

FRENCH = "snut_fr"
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'"})


@lru_cache(maxsize=16384)  # names come back page after page: each folded once a process
def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def french_key(text: str | None) -> tuple[str, str]:
    """Sort key: the name with accents and case folded, then as written (a tie-break)."""
    text = text or ""
    return _folded(text), text


def french(field: str) -> Collate:
    """The field in French order, for order_by()."""
    return Collate(F(field), FRENCH)


def _compare(left: str, right: str) -> int:
    a, b = french_key(left), french_key(right)
    return (a > b) - (a < b)


def sqlite_register(sender, connection, **kwargs) -> None:
    """connection_created's receiver: SQLite learns the collation FRENCH."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(FRENCH, _compare)
