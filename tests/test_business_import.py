"""Importing an office's businesses from a CSV: the parser, the preview, the confirmation,
and a fuzz of malformed files (never a 500, nothing written until confirmed)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnostics.business_import import ImportRefused, activity_segment, parse_businesses
from diagnostics.models import Business, Membership
from diagnostics.spreadsheets import _csv_cell
from tests import factories

LIMITS = {"max_bytes": 1024 * 1024, "max_lines": 2000}
HEADER = "nom;activité;commune;e-mail;téléphone\r\n"


def parse(text: str | bytes, **limits):
    content = text.encode("utf-8") if isinstance(text, str) else text
    return parse_businesses(content, **{**LIMITS, **limits})


# --- the parser ---------------------------------------------------------------------


def test_french_excel_csv_with_bom_and_semicolons():
    rows = parse(
        "\ufeff"
        + HEADER
        + "Gîte des Trois Chênes;Gîte;Castelroc;Gite@TroisChenes.fr;05 53 00 00 00\r\n"
        + '"Le Relais; du Pont";Restaurant;Castelroc;relais@example.org;\r\n'
    )
    assert [(r.line, r.name, r.segment, r.subtype, r.email) for r in rows] == [
        (2, "Gîte des Trois Chênes", "hebergement", "gîte", "gite@troischenes.fr"),
        (3, "Le Relais; du Pont", "restauration", "restaurant", "relais@example.org"),
    ]
    assert rows[0].phone == "05 53 00 00 00" and all(r.is_valid for r in rows)


def test_windows_1252_commas_and_tolerant_headers():
    text = "NOM,Activite,Ville,Courriel\nCrêperie de l’Église,crêperie,Sarlat,c@example.org\n"
    (row,) = parse(text.encode("cp1252"))
    assert (row.name, row.segment, row.subtype, row.commune) == (
        "Crêperie de l’Église",
        "restauration",
        "crêperie",
        "Sarlat",
    )


@pytest.mark.parametrize(
    "written, expected",
    [
        ("Chambre d'hôtes", ("hebergement", "chambre d’hôtes")),
        ("CHAMBRES D’HÔTES", ("hebergement", "chambre d’hôtes")),
        ("Hôtel-restaurant", ("hebergement", "hôtel")),
        ("camping 3 étoiles", ("hebergement", "camping")),
        ("Hébergement", ("hebergement", "")),
        ("Activités et loisirs", ("activites", "")),
        ("Musée", ("sites", "musée")),
        ("Sites de visite et culture", ("sites", "")),
        ("commerce", ("commerces", "")),
        ("boulangerie", None),
    ],
)
def test_activities_are_read_from_french_words(written, expected):
    assert activity_segment(written) == expected


def test_invalid_lines_carry_a_line_numbered_french_error():
    rows = parse(
        HEADER
        + "Gîte;gîte;Castelroc;pas-une-adresse;\n"
        + ";restaurant;Castelroc;a@example.org;\n"
        + "Boulangerie Martin;boulangerie;Castelroc;b@example.org;\n"
        + "Camping;camping;Castelroc;c@example.org;=1+1\n"
    )
    assert [r.errors for r in rows] == [
        ["Ligne 2 : l’adresse e-mail « pas-une-adresse » n’est pas valide."],
        ["Ligne 3 : nom manquant."],
        [
            "Ligne 4 : activité « boulangerie » non reconnue (hébergement, gîte, hôtel, "
            "camping, chambre d’hôtes, restaurant, activités et loisirs, site de visite, "
            "musée, commerce…)."
        ],
        ["Ligne 5 : le téléphone « =1+1 » n’est pas valide."],
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "Le fichier est vide"),
        (b"\n\n", "Le fichier est vide"),
        ("nom;commune\nGîte;Castelroc\n".encode(), "Colonnes manquantes"),
        (b"\x00\x01\x02binary", "ni UTF-8, ni Windows-1252"),
        (b"nom;activit\x81;commune;e-mail\n", "ni UTF-8, ni Windows-1252"),
        # Decodable as Windows-1252, into garbled names: « ƒzƒeƒ‹“Œ‹ž »
        (
            "nom;activite;commune;e-mail\nホテル東京;hotel;Tokyo;a@b.jp\n".encode("shift_jis"),
            "ni UTF-8, ni Windows-1252",
        ),
        ("nom;activite;commune;e-mail\nГостиница;hotel;Москва;a@b.ru\n".encode("koi8_r"), "ni"),
    ],
)
def test_unusable_files_are_refused_whole(content, message):
    with pytest.raises(ImportRefused, match=message):
        parse(content)


def test_size_and_line_limits():
    with pytest.raises(ImportRefused, match="dépasse 1 Ko"):
        parse(HEADER + "x;gîte;y;z@example.org;\n" * 100, max_bytes=1024)
    with pytest.raises(ImportRefused, match="plus de 10 lignes"):
        parse(HEADER + "".join(f"G{n};gîte;y;g{n}@example.org;\n" for n in range(11)), max_lines=10)


def test_formula_cells_are_kept_as_text_and_never_exported_as_formulas():
    (row,) = parse(HEADER + '"=HYPERLINK(""http://x"")";gîte;@SUM(1);g@example.org;\n')
    assert row.name == '=HYPERLINK("http://x")' and row.commune == "@SUM(1)"
    assert _csv_cell(row.name) == "'" + row.name


# --- the pages -------------------------------------------------------------------------


@pytest.fixture
def existing(office):
    return factories.make_business(
        office, "Camping du Lac", email="lac@example.org", commune="Castelroc"
    )


def upload(client, office, content: bytes, name="prestataires.csv"):
    return client.post(
        reverse("diagnostics:businesses_import", args=[office.slug]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def confirm(client, office, key):
    return client.post(
        reverse("diagnostics:businesses_import_confirm", args=[office.slug]), {"key": key}
    )


def preview_key(response) -> str:
    return re.search(r'name="key" value="([0-9a-f]+)"', response.text).group(1)


CSV = (
    HEADER
    + "Gîte des Trois Chênes;gîte;Castelroc;gite@troischenes.fr;\n"
    + "Le Relais du Pont;restaurant;Castelroc;relais@example.org;05 53 00 00 00\n"
    + "Camping du lac;camping;CASTELROC;autre@example.org;\n"
    + "Gîte bis;gîte;Castelroc;GITE@troischenes.fr;\n"
    + "Boulangerie;boulangerie;Castelroc;pain@example.org;\n"
).encode("utf-8-sig")


@pytest.mark.django_db
def test_the_preview_writes_nothing_and_the_confirmation_creates_the_valid_lines(
    client, office, director, existing
):
    client.force_login(director)
    response = upload(client, office, CSV)
    assert response.status_code == 200
    page = response.text
    assert "2 prestataires seront créés" in page
    assert "Ligne 4 : « Camping du Lac » figure déjà parmi vos prestataires." in page
    assert "Ligne 5 : doublon de la ligne 2 du fichier." in page
    assert "Ligne 6 : activité « boulangerie » non reconnue" in page
    assert Business.objects.filter(parent=office).count() == 1
    key = preview_key(response)
    response = confirm(client, office, key)
    assert response.status_code == 302
    names = set(Business.objects.filter(parent=office).values_list("name", flat=True))
    assert names == {"Camping du Lac", "Gîte des Trois Chênes", "Le Relais du Pont"}
    relais = Business.objects.get(name="Le Relais du Pont")
    assert (relais.segment, relais.subtype, relais.phone) == (
        "restauration",
        "restaurant",
        "05 53 00 00 00",
    )
    # single use: confirming again creates nothing
    response = confirm(client, office, key)
    assert response.status_code == 302 and response.url.endswith("/importer/")
    assert Business.objects.filter(parent=office).count() == 3


@pytest.mark.django_db
def test_a_preview_is_bound_to_its_office(client, office, director):
    other = factories.make_office("Office de tourisme de Port-Voisin")
    Membership.objects.create(user=director, office=other, role=Membership.Role.DIRECTOR)
    client.force_login(director)
    key = preview_key(upload(client, office, CSV))
    response = confirm(client, other, key)
    assert response.status_code == 302
    assert not Business.objects.exists()


@pytest.mark.django_db
def test_a_line_that_became_a_duplicate_is_not_created_twice(client, office, director):
    client.force_login(director)
    key = preview_key(upload(client, office, CSV))
    factories.make_business(office, "Autre", email="relais@example.org")
    confirm(client, office, key)
    assert Business.objects.filter(email="relais@example.org").count() == 1


@pytest.mark.django_db
def test_a_malformed_file_is_refused_with_a_french_message(client, office, director):
    client.force_login(director)
    response = upload(client, office, b"nom;commune\nGite;Castelroc\n")
    assert response.status_code == 400
    assert "Colonnes manquantes dans la première ligne : activité, e-mail." in response.text
    assert 'name="key"' not in response.text


@pytest.mark.django_db
def test_a_file_too_big_is_refused(client, office, director, settings):
    settings.BUSINESS_IMPORT_MAX_BYTES = 2048
    client.force_login(director)
    response = upload(client, office, CSV * 40)
    assert response.status_code == 400
    assert "Le fichier dépasse 2 Ko" in response.text
    assert not Business.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "stranger", "anonymous"])
def test_only_managers_import(client, office, director, who):
    people = {
        "member": factories.make_user(office=office, role=Membership.Role.MEMBER),
        "stranger": factories.make_user(office=factories.make_office()),
    }
    client.force_login(director)
    key = preview_key(upload(client, office, CSV))
    client.logout()
    if who != "anonymous":
        client.force_login(people[who])
    assert upload(client, office, CSV).status_code in (302, 403, 404)
    assert confirm(client, office, key).status_code in (302, 403, 404)
    assert not Business.objects.exists()


@pytest.mark.django_db
def test_other_pages_still_refuse_files(client, office, director):
    """Only the import page takes a file: elsewhere a file part is refused."""
    client.force_login(director)
    response = client.post(
        reverse("diagnostics:business_add", args=[office.slug]),
        {"file": SimpleUploadedFile("x.csv", b"x")},
    )
    assert response.status_code == 400


# --- fuzz ------------------------------------------------------------------------------

cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["gîte", "restaurant", "=1+1", "+33 5", "-x", "@a", "a@example.org", ""]),
)
lines = st.lists(st.lists(cells, min_size=0, max_size=7), max_size=30)
headers = st.one_of(
    st.just(["nom", "activité", "commune", "e-mail", "téléphone"]),
    st.lists(
        st.sampled_from(["Nom", "ACTIVITE", "commune", "courriel", "tel", "x", ""]), max_size=6
    ),
)


@st.composite
def csv_files(draw):
    kind = draw(st.sampled_from(["csv", "csv", "csv", "bytes", "huge"]))
    if kind == "bytes":
        return draw(st.binary(max_size=2000))
    if kind == "huge":
        return HEADER.encode() + b"Gite;gite;Castelroc;a@example.org;\n" * 200
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    rows = [draw(headers), *draw(lines)]
    text = "\n".join(delimiter.join(row) for row in rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=csv_files())
@pytest.mark.django_db
def test_any_file_gets_a_page_never_a_500_and_writes_nothing_before_confirmation(
    client, office, director, content, settings
):
    settings.BUSINESS_IMPORT_MAX_BYTES = 4096
    settings.BUSINESS_IMPORT_MAX_LINES = 50
    client.force_login(director)
    before = Business.objects.count()
    response = upload(client, office, content)
    assert response.status_code in (200, 400)
    assert Business.objects.count() == before
    if response.status_code == 200 and 'name="key"' in response.text:
        created = int(re.search(r"(\d+) prestataires? (?:sera|seront) créés?", response.text)[1])
        confirm(client, office, preview_key(response))
        assert Business.objects.count() == before + created
        Business.objects.filter(parent=office).delete()
