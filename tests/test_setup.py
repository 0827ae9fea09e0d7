"""`manage.py snut_setup`: a fresh production gets its starter content once, and every later
run creates only what is missing, changes nothing and deletes nothing."""

import io
import json
import shutil

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from diagnostics.models import (
    Audience,
    Axis,
    AxisNarrative,
    Choice,
    Department,
    MaturityLevel,
    Question,
    Questionnaire,
    Region,
    SetupRecord,
    Training,
    TrainingSession,
)
from diagnostics.services import setup
from diagnostics.services.fixture_records import records_install
from diagnostics.services.setup import fixture_records, questionnaire_fixtures
from tests import loaded

# What snut_setup decides (versions, an operator's edits, a hand-loaded database, the demo):
# seconds each, the same on both databases; CI runs them on SQLite only. On PostgreSQL it
# runs a first install, a second run, a missing department and a faulty fixture.
SQLITE_ONLY = pytest.mark.slow


def setup_command(*args) -> str:
    out = io.StringIO()
    call_command("snut_setup", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (Region, Department, Questionnaire, Question, Choice, Training, TrainingSession)
    return {model.__name__: model.objects.count() for model in models} | {
        "records": SetupRecord.objects.count()
    }


def catalogue_size(name: str) -> int:
    return len(fixture_records(name))


def embedded_workshops(*, all_versions: bool = False) -> int:
    """The workshops that the installed questionnaires' fixtures carry."""
    return sum(
        record["model"] == "diagnostics.training"
        for name, _code, _version in questionnaire_fixtures(all_versions=all_versions)
        for record in fixture_records(name)
    )


def test_on_an_empty_migrated_database_it_installs_everything(db):
    assert not Questionnaire.objects.exists() and not Training.objects.exists()
    output = setup_command()

    assert (Region.objects.count(), Department.objects.count()) == (18, 101)
    # The latest version of each official questionnaire, published, and only that one.
    latest = {code: version for _name, code, version in questionnaire_fixtures()}
    assert set(latest) == {"snut-ot", "snut-ot-express", "snut-prestataires"}
    installed = {q.code: q for q in Questionnaire.objects.all()}
    assert {code: q.version for code, q in installed.items()} == latest
    assert {q.status for q in installed.values()} == {Questionnaire.Status.PUBLISHED}
    assert Questionnaire.objects.latest(Audience.OFFICES).get().code == "snut-ot"
    express = installed["snut-ot-express"]
    assert express.abbreviates == installed["snut-ot"] and express.is_express
    assert Questionnaire.objects.latest(Audience.BUSINESSES).get().code == "snut-prestataires"

    offices = Training.objects.filter(audience=Audience.OFFICES, organiser=None)
    businesses = Training.objects.filter(audience=Audience.BUSINESSES, organiser=None)
    assert offices.count() == catalogue_size("formations_offices") >= 20
    assert businesses.count() == catalogue_size("ateliers_prestataires") + embedded_workshops()
    assert SetupRecord.objects.count() == Training.objects.count()
    assert not TrainingSession.objects.exists()  # no dated session in the starter catalogue
    management = offices.get(title="Management numérique de destination")
    assert management.format == Training.Format.COURSE and "4 jours" in management.duration
    # Every entry is linked to questions of the installed versions (matched by codes).
    for training in Training.objects.prefetch_related("questions"):
        assert training.questions.exists(), training.title
        assert {q.questionnaire.version for q in training.questions.all()} <= set(latest.values())
    # The office catalogue names only codes of the latest office questionnaire.
    name = next(n for n, code, _v in questionnaire_fixtures() if code == "snut-ot")
    codes = {r["fields"]["code"] for r in fixture_records(name) if "code" in r["fields"]}
    for record in fixture_records("formations_offices"):
        refs = record["fields"]["axes"] + record["fields"]["questions"]
        assert {ref[2] for ref in refs} <= codes, record["fields"]["title"]
    assert "Contenu de départ en place." in output

    out = io.StringIO()
    call_command("validate_questionnaire", stdout=out)
    assert out.getvalue().count("structure valide") == 3  # offices, express, businesses


@SQLITE_ONLY
def test_every_version_for_the_demo(db):
    loaded.command("snut_setup", "--all-versions")
    versions = set(Questionnaire.objects.values_list("code", "version"))
    assert versions == {
        (code, version) for _n, code, version in questionnaire_fixtures(all_versions=True)
    }
    assert ("snut-ot", 1) in versions and ("snut-ot", 2) in versions
    # The catalogue points at the newest version of each code.
    newest = Questionnaire.objects.filter(code="snut-ot").order_by("-version").first()
    links = Training.questions.through.objects.filter(training__audience=Audience.OFFICES)
    assert set(links.values_list("question__questionnaire", flat=True)) == {newest.pk}


def test_running_twice_duplicates_nothing(db):
    loaded.command("snut_setup")
    before = counts()
    output = setup_command()
    assert counts() == before
    assert "aucune entrée ajoutée" in output and "déjà là, laissé tel quel" in output


@SQLITE_ONLY
def test_an_operators_edits_and_deletions_are_kept(db):
    loaded.command("snut_setup")
    renamed = Training.objects.get(title="E-réputation : veiller et répondre aux avis")
    renamed.title = "Avis en ligne : la méthode du réseau"
    renamed.description = "Notre version."
    renamed.save()
    Training.objects.get(title="Communication de crise en ligne").delete()
    # A published questionnaire is never reloaded over, whatever changed in it.
    question = Question.objects.get(questionnaire__code="snut-ot", code="web-01")
    Question.objects.filter(pk=question.pk).update(text="Texte revu par le réseau")
    own = Training.objects.create(title="Formation maison", format="webinar")
    before = counts()

    setup_command()

    assert counts() == before
    renamed.refresh_from_db()
    assert (renamed.title, renamed.description) == (
        "Avis en ligne : la méthode du réseau",
        "Notre version.",
    )
    assert not Training.objects.filter(title="Communication de crise en ligne").exists()
    assert not Training.objects.filter(title__startswith="E-réputation").exists()
    assert Question.objects.get(pk=question.pk).text == "Texte revu par le réseau"
    assert Training.objects.filter(pk=own.pk).exists()


@SQLITE_ONLY
def test_a_database_loaded_by_hand_is_completed_without_duplicates(db):
    """What the README said before this command: loaddata of the questionnaires (and the
    old demo loaded the workshops): the entries already there are recognised by title."""
    call_command("loaddata", "questionnaire_snut", "questionnaire_snut_v2", verbosity=0)
    call_command("loaddata", "questionnaire_prestataires", "ateliers_prestataires", verbosity=0)
    workshops = set(Training.objects.values_list("pk", flat=True))

    setup_command()

    # Nothing reloaded; the latest versions added beside those loaded by hand.
    assert set(Questionnaire.objects.values_list("code", "version")) == {
        ("snut-ot", 1),
        ("snut-ot", 2),
        ("snut-prestataires", 1),
    } | {(code, version) for _name, code, version in questionnaire_fixtures()}
    businesses = Training.objects.filter(audience=Audience.BUSINESSES)
    assert workshops <= set(businesses.values_list("pk", flat=True))
    assert businesses.count() == len(workshops) + embedded_workshops()
    assert Training.objects.filter(audience=Audience.OFFICES).count() == catalogue_size(
        "formations_offices"
    )
    before = counts()
    setup_command()
    assert counts() == before


@SQLITE_ONLY
@override_settings(DEBUG=True)
def test_after_make_demo_it_refuses_nothing_and_adds_nothing(db):
    loaded.command("snut_setup", "--all-versions")
    loaded.command("seed_demo")
    # The demo gives example sessions to the starter catalogue instead of its own trainings.
    assert Training.objects.filter(organiser=None).count() == SetupRecord.objects.count()
    sessions = TrainingSession.objects.all()
    assert sessions.exists()
    assert all(
        timezone.localdate(s.starts).weekday() < 5
        and (timezone.localdate(s.starts).month, timezone.localdate(s.starts).day) != (12, 25)
        for s in sessions
    )
    before = counts()

    setup_command()
    call_command("seed_demo", verbosity=0)

    assert counts() == before


def test_a_missing_department_comes_back_with_its_neighbours(db):
    Department.objects.get(code="24").delete()
    output = setup_command()
    department = Department.objects.get(code="24")
    assert department.region.code == "75" and department.name == "Dordogne"
    assert {"33", "47", "16", "87", "19", "46"} <= set(
        department.neighbours.values_list("code", flat=True)
    )
    assert "1 département ajouté" in output


def businesses_fixture_replaced(records: list, tmp_path, monkeypatch) -> None:
    """The setup reads the offices' version 2 and the businesses' version 1, these records."""
    for name in (*setup.CATALOGUE_FIXTURES, "territoires", "questionnaire_snut_v2"):
        shutil.copy(setup.FIXTURES / f"{name}.json", tmp_path)
    (tmp_path / "questionnaire_prestataires.json").write_text(json.dumps(records), "utf-8")
    monkeypatch.setattr(setup, "FIXTURES", tmp_path)
    monkeypatch.setattr(
        setup, "QUESTIONNAIRE_FIXTURES", ["questionnaire_snut_v2", "questionnaire_prestataires"]
    )


def test_a_faulty_questionnaire_fixture_installs_nothing(db, tmp_path, monkeypatch):
    broken = json.loads((setup.FIXTURES / "questionnaire_prestataires.json").read_text("utf-8"))
    for record in broken:
        if record["model"] == "diagnostics.choice" and record["fields"].get("recommendation"):
            record["fields"]["recommendation"] = ""
    businesses_fixture_replaced(broken, tmp_path, monkeypatch)

    with pytest.raises(
        CommandError, match="snut-prestataires v1 .*n’est pas valide.*Rien n’a été installé"
    ):
        setup_command()
    assert not Questionnaire.objects.exists() and not Training.objects.exists()
    assert not SetupRecord.objects.exists()


def test_a_missing_fixture_is_a_clear_error(db, monkeypatch):
    monkeypatch.setattr(setup, "QUESTIONNAIRE_FIXTURES", ["questionnaire_snut_v9"])
    with pytest.raises(CommandError, match="fixtures/questionnaire_snut_v9.json est illisible"):
        setup_command()


def test_every_catalogue_entry_has_its_own_key_and_real_content():
    assert setup.unique_catalogue_keys() == {}
    for record in fixture_records("formations_offices"):
        fields = record["fields"]
        assert record["model"] == "diagnostics.training"
        assert fields["audience"] == "offices" and fields["questions"], fields["title"]
        assert len(fields["description"]) >= 150, fields["title"]
        assert fields["format"] != "workshop" or fields["duration"] in ("", "2 h"), fields["title"]


@SQLITE_ONLY
def test_adding_a_questionnaire_version_is_one_line(db, tmp_path, monkeypatch):
    """A new fixture in the list becomes the latest version: installed on the next run."""
    name, code, version = next(f for f in questionnaire_fixtures() if f[1] == "snut-ot")
    following = []
    for record in fixture_records(name):
        if record["model"] == "diagnostics.training":
            continue
        fields = record["fields"]
        if record["model"] == "diagnostics.questionnaire":
            fields["version"] = version + 1
        for key in ("questionnaire", "question", "axis", "level"):
            if isinstance(fields.get(key), list) and fields[key][:2] == [code, version]:
                fields[key] = [code, version + 1, *fields[key][2:]]
        following.append(record)
    for path in setup.FIXTURES.glob("*.json"):
        shutil.copy(path, tmp_path)
    (tmp_path / "questionnaire_snut_next.json").write_text(json.dumps(following), "utf-8")
    setup_command()
    monkeypatch.setattr(setup, "FIXTURES", tmp_path)
    monkeypatch.setattr(
        setup, "QUESTIONNAIRE_FIXTURES", [*setup.QUESTIONNAIRE_FIXTURES, "questionnaire_snut_next"]
    )

    output = setup_command()

    assert f"snut-ot v{version + 1} : installé (publié)" in output
    assert Questionnaire.objects.latest(Audience.OFFICES).get().version == version + 1
    assert Questionnaire.objects.filter(code="snut-ot", version=version).exists()  # kept


def structure_records() -> list:
    """Every row of the questionnaires' tables as their fixtures write them (natural keys, no
    pk), but the revision date, which is when each was written."""
    records = []
    for model in (Questionnaire, MaturityLevel, Axis, AxisNarrative, Question, Choice):
        for record in serializers.serialize(
            "python",
            model.objects.all(),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        ):
            record["fields"].pop("revised_at", None)
            records.append(record)
    return sorted(records, key=repr)


def test_a_version_is_written_row_for_row_as_loaddata_wrote_it(db, tmp_path):
    """Every model of a questionnaire and every kind of reference: narratives before or after
    the questions, version 1's version left to its default, the express version's reference
    to the version it abbreviates, found among the rows written in the same call."""
    names = [
        "questionnaire_snut",
        "questionnaire_snut_v3",
        "questionnaire_snut_express",
        "questionnaire_prestataires_v2",
    ]
    structure = {
        name: [r for r in fixture_records(name) if r["model"] != "diagnostics.training"]
        for name in names
    }
    with transaction.atomic():
        for name in names:
            (tmp_path / f"{name}.json").write_text(json.dumps(structure[name]), "utf-8")
            call_command("loaddata", str(tmp_path / f"{name}.json"), verbosity=0)
        by_loaddata = structure_records()
        transaction.set_rollback(True)
    assert not Questionnaire.objects.exists()

    records_install(structure["questionnaire_snut"])
    records_install(structure["questionnaire_snut_v3"] + structure["questionnaire_snut_express"])
    records_install(structure["questionnaire_prestataires_v2"])

    assert len(by_loaddata) == sum(map(len, structure.values()))
    assert structure_records() == by_loaddata


def unknown_question(choice, _sibling):
    choice["fields"]["question"] = ["snut-prestataires", 1, "nulle-part"]


def points_in_words(choice, _sibling):
    choice["fields"]["points"] = "beaucoup"


def unknown_field(choice, _sibling):
    choice["fields"]["couleur"] = "rouge"


def fields_not_an_object(choice, _sibling):
    choice["fields"] = []


def model_without_natural_key(choice, _sibling):
    choice["model"] = "diagnostics.export"


def order_twice(choice, sibling):
    """The database refuses it (one order per question), inside the setup's transaction."""
    choice["fields"]["order"] = sibling["fields"]["order"]


@pytest.mark.parametrize(
    "fault, message",
    [
        (unknown_question, "renvoie à question"),
        (points_in_words, "« points »"),
        (unknown_field, "champ inconnu « couleur »"),
        (fields_not_an_object, "ne sont pas un objet"),
        (model_without_natural_key, "« diagnostics.export » n’a pas de clé naturelle"),
        (order_twice, "choix : "),
    ],
)
def test_a_record_that_cannot_be_written_is_named_and_installs_nothing(
    db, tmp_path, monkeypatch, fault, message
):
    broken = fixture_records("questionnaire_prestataires")
    choice, sibling = [r for r in broken if r["model"] == "diagnostics.choice"][:2]
    assert choice["fields"]["question"] == sibling["fields"]["question"]
    fault(choice, sibling)
    businesses_fixture_replaced(broken, tmp_path, monkeypatch)

    with pytest.raises(CommandError) as raised:
        setup_command()

    assert str(raised.value).startswith(
        "Le questionnaire snut-prestataires v1 de fixtures/questionnaire_prestataires.json "
        "ne peut pas être installé\u00a0: "
    )
    french = message.replace(" »", "\u00a0»").replace("« ", "«\u00a0").replace(" :", "\u00a0:")
    assert french in str(raised.value)
    assert "\n" not in str(raised.value)
    assert str(raised.value).endswith("Rien n’a été installé.")
    assert not Questionnaire.objects.exists() and not Training.objects.exists()
