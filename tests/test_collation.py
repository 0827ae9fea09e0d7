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


def test_the_territory_s_businesses_and_each_workshop_s_sort_in_french_order(office):
    """« Mon territoire »'s list (territory.respondents) and each proposed workshop's named
    businesses: the same French order as the part's lists are put in when it is filled
    (selectors/territory_rows.py)."""
    from diagnostics.models import Audience, Business
    from diagnostics.needs import workshop_programme
    from diagnostics.selectors import territory
    from tests.territory_data import network_workshop, submit_businesses

    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    campaign = factories.open_campaign(questionnaire, organiser=office)
    submitted = submit_businesses(office, campaign, len(NAMES), pick=lambda c: c[0])
    for diagnostic, name in zip(submitted, reversed(NAMES), strict=True):
        Business.objects.filter(pk=diagnostic.organisation_id).update(name=name)
    network_workshop(questionnaire)
    assert [r.name for r in territory.respondents(office, campaign)] == FRENCH_ORDER
    (proposed,) = workshop_programme(office, campaign).proposed
    assert [r.name for r in proposed.named] == FRENCH_ORDER
