"""Names sort in French order, in the database (both engines) and in Python (issue 19,
item 10): accents and case matter only between otherwise equal names."""

from diagnostics import access, selectors
from diagnostics.collation import french_key
from diagnostics.models import Membership
from tests import factories

NAMES = ["Pizzeria du Port", "Pêche et Loisirs", "Épicerie Martin", "Ferme Œuf d’Or", "auberge"]
FRENCH_ORDER = [
    "auberge",
    "Épicerie Martin",
    "Ferme Œuf d’Or",
    "Pêche et Loisirs",
    "Pizzeria du Port",
]


def test_the_python_key_folds_accents_case_and_ligatures():
    assert sorted(NAMES, key=french_key) == FRENCH_ORDER
    assert sorted(["Oeuvre", "Œuf", "Ode"], key=french_key) == ["Ode", "Œuf", "Oeuvre"]
    assert sorted(["cote", "côte", "Cote"], key=french_key) == ["Cote", "cote", "côte"]


def test_the_businesses_list_sorts_in_french_order_in_the_database(office):
    for name in NAMES:
        factories.make_business(office, name, commune=name)
    by_name = selectors.office_businesses(office, order="nom")
    assert [b.name for b in by_name] == FRENCH_ORDER
    by_commune = selectors.office_businesses(office, order="commune")
    assert [b.commune for b in by_commune] == FRENCH_ORDER


def test_a_users_offices_sort_in_french_order(db):
    user = factories.make_user("directrice")
    names = ["Office de tourisme de Pézenas", "Office d’Étretat", "Office de tourisme de Dax"]
    for name in names:
        Membership.objects.create(office=factories.make_office(name), user=user)
    found = [office.name for office in access.offices_for_user(user)]
    # The apostrophe sorts before any letter, as in a French dictionary.
    assert found == [
        "Office d’Étretat",
        "Office de tourisme de Dax",
        "Office de tourisme de Pézenas",
    ]
