"""Small rules of French spelling (diagnostics/french.py)."""

from diagnostics.french import counted, of, with_article


def test_a_count_takes_its_words_in_the_right_number():
    forms = ("%(count)s office créé", "%(count)s offices créés")
    assert counted(1, *forms) == "1 office créé"
    assert counted(4, *forms) == "4 offices créés"


def test_an_office_s_name_takes_its_article():
    assert with_article("Office de tourisme de Castelroc") == "l’Office de tourisme de Castelroc"
    assert with_article("office intercommunal du Val") == "l’office intercommunal du Val"
    assert with_article("Destination Castelroc") == "Destination Castelroc"


def test_an_organisation_s_name_after_de_takes_its_article_or_elides():
    assert of("Office de tourisme de Castelroc") == "de l’Office de tourisme de Castelroc"
    assert of("Arcachère Tourisme") == "d’Arcachère Tourisme"
    assert of("Destination Castelroc") == "de Destination Castelroc"
