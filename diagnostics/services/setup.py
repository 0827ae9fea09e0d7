"""The starter content of a new SNUT, installed by `manage.py snut_setup` after `migrate`.

One rule, so that the command can run again at every upgrade: **it creates what is
missing and never changes nor deletes a row**.

- Territories (regions, departments): a migration loads them; a missing one is created
  from `fixtures/territoires.json`, by its code.
- Questionnaires: the latest version of each official questionnaire (every version
  with `all_versions`), published as its fixture is, written from its records
  (fixture_records: a dozen statements where loaddata took thousands). A version whose
  code and number are already in the database is left as it is, whatever its content or
  status.
- The network's catalogue (trainings for office teams, workshops for businesses, and the
  workshops a questionnaire's fixture carries, never loaded by loaddata): each
  entry's key is `training:<pk of the fixture>`, recorded in `SetupRecord` once the entry
  is installed, or found already there by its audience and title (a database loaded by
  hand before this command). A recorded entry is never installed again, even after the
  network renamed or deleted it.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from diagnostics.french import counted
from diagnostics.models import (
    Axis,
    Department,
    Question,
    Questionnaire,
    Region,
    SetupRecord,
    Training,
)
from diagnostics.services.fixture_records import RecordError, records_install
from diagnostics.validation import questionnaire_faults

FIXTURES = Path(settings.BASE_DIR) / "fixtures"

# The official questionnaires, one fixture per version, oldest first: adding a version
# is adding its line. Each fixture's code and version are read from the file itself.
QUESTIONNAIRE_FIXTURES = [
    "questionnaire_snut",
    "questionnaire_snut_v2",
    "questionnaire_snut_v3",
    # The express diagnostic abbreviates version 3: written by `manage.py express_questionnaire`.
    "questionnaire_snut_express",
    "questionnaire_prestataires",
    "questionnaire_prestataires_v2",
]
# The network's starter catalogue, which it then edits in the admin.
CATALOGUE_FIXTURES = [
    "formations_offices",
    "ateliers_prestataires",
]
TERRITORIES_FIXTURE = "territoires"

FIXTURE_UNREADABLE = "Le fichier fixtures/{name}.json est illisible : {error}."
FIXTURE_WITHOUT_QUESTIONNAIRE = "Le fichier fixtures/{name}.json ne contient aucun questionnaire."
QUESTIONNAIRE_UNWRITABLE = (
    "Le questionnaire {label} de fixtures/{name}.json ne peut pas être installé : {error}."
)
QUESTIONNAIRE_INVALID = (
    "Le questionnaire {label} de fixtures/{name}.json n’est pas valide : {faults}"
)
CATALOGUE_NOT_TRAINING = (
    "Le fichier fixtures/{name}.json contient un objet « {model} » : le catalogue ne contient "
    "que des formations (diagnostics.training), sans session datée."
)
CATALOGUE_INVALID = "La formation « {title} » de fixtures/{name}.json n’est pas valide : {errors}"


class SetupError(Exception):
    """A starter fixture cannot be installed; nothing was written."""


@dataclass
class SetupReport:
    """What a run did, in French lines for the operator, and its counts for the tests."""

    lines: list[str] = field(default_factory=list)
    regions_created: int = 0
    departments_created: int = 0
    questionnaires_created: list[str] = field(default_factory=list)
    questionnaires_kept: list[str] = field(default_factory=list)
    trainings_created: int = 0
    trainings_found: int = 0
    trainings_kept: int = 0
    # (training, question or axis code) of no installed version: a link that matches nothing
    links_ignored: list[tuple[str, str]] = field(default_factory=list)


def setup_run(*, all_versions: bool = False) -> SetupReport:
    """Installs what is missing of the starter content, in one transaction."""
    report = SetupReport()
    with transaction.atomic():
        _territories(report)
        trainings = _questionnaires(report, all_versions=all_versions)
        _catalogue(report, trainings)
    return report


def starter_trainings() -> dict[int, Training]:
    """The catalogue's entries installed by the setup and still there, by their fixture's pk
    (the demo adds example sessions to them)."""
    ids = {
        int(key.removeprefix("training:")): object_id
        for key, object_id in SetupRecord.objects.filter(key__startswith="training:").values_list(
            "key", "object_id"
        )
    }
    trainings = Training.objects.in_bulk([i for i in ids.values() if i is not None])
    return {pk: trainings[i] for pk, i in ids.items() if i in trainings}


def fixture_records(name: str) -> list[dict]:
    try:
        records = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SetupError(FIXTURE_UNREADABLE.format(name=name, error=error)) from error
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise SetupError(FIXTURE_UNREADABLE.format(name=name, error="une liste d’objets attendue"))
    return records


def fixture_version(records: list[dict]) -> tuple[str, int] | None:
    """(code, version) of the questionnaire a fixture's records hold, None without one."""
    header = next((r for r in records if r.get("model") == "diagnostics.questionnaire"), None)
    if header is None:
        return None
    fields = header.get("fields", {})
    return fields.get("code"), int(fields.get("version", 1))


def questionnaire_fixtures(*, all_versions: bool = False) -> list[tuple[str, str, int]]:
    """(fixture, code, version) of the official questionnaires to install: the latest
    version of each code, or every version."""
    found = []
    for name in QUESTIONNAIRE_FIXTURES:
        version = fixture_version(fixture_records(name))
        if version is None:
            raise SetupError(FIXTURE_WITHOUT_QUESTIONNAIRE.format(name=name))
        found.append((name, *version))
    if all_versions:
        return found
    latest: dict[str, tuple[str, str, int]] = {}
    for item in found:
        if item[1] not in latest or item[2] > latest[item[1]][2]:
            latest[item[1]] = item
    return list(latest.values())


def _territories(report: SetupReport) -> None:
    records = fixture_records(TERRITORIES_FIXTURE)
    regions = {r.code: r for r in Region.objects.all()}
    for record in records:
        if record.get("model") == "diagnostics.region":
            code = record["fields"]["code"]
            if code not in regions:
                regions[code] = Region.objects.create(code=code, name=record["fields"]["name"])
                report.regions_created += 1
    departments = {d.code: d for d in Department.objects.all()}
    created = []
    for record in records:
        if record.get("model") == "diagnostics.department":
            fields = record["fields"]
            if fields["code"] not in departments:
                department = Department.objects.create(
                    code=fields["code"], name=fields["name"], region=regions[fields["region"][0]]
                )
                departments[department.code] = department
                created.append((department, fields.get("neighbours", [])))
    for department, neighbours in created:
        department.neighbours.add(*(departments[c] for (c,) in neighbours if c in departments))
    report.departments_created = len(created)
    added = [
        counted(count, singular, plural)
        for count, singular, plural in (
            (report.regions_created, "%(count)s région ajoutée", "%(count)s régions ajoutées"),
            (
                report.departments_created,
                "%(count)s département ajouté",
                "%(count)s départements ajoutés",
            ),
        )
        if count
    ]
    report.lines.append(
        f"Territoires : {len(regions)} régions et {len(departments)} départements"
        + (f" ({', '.join(added)})." if added else ", déjà là.")
    )


def _questionnaires(report: SetupReport, *, all_versions: bool) -> list[tuple[str, dict]]:
    """Installs the questionnaires; returns the workshops their fixtures carry (fixture,
    record), installed by the catalogue's rule rather than by loaddata, which would
    overwrite a training that has the same id."""
    trainings = []
    for name, code, version in questionnaire_fixtures(all_versions=all_versions):
        label = f"{code} v{version}"
        records = fixture_records(name)
        trainings += [(name, r) for r in records if r.get("model") == "diagnostics.training"]
        if Questionnaire.objects.filter(code=code, version=version).exists():
            report.questionnaires_kept.append(label)
            report.lines.append(f"Questionnaire {label} : déjà là, laissé tel quel.")
            continue
        try:
            records_install([r for r in records if r.get("model") != "diagnostics.training"])
        except RecordError as error:
            raise SetupError(
                QUESTIONNAIRE_UNWRITABLE.format(label=label, name=name, error=error)
            ) from error
        questionnaire = Questionnaire.objects.get(code=code, version=version)
        faults = questionnaire_faults(questionnaire)
        if faults:
            raise SetupError(
                QUESTIONNAIRE_INVALID.format(label=label, name=name, faults=" ; ".join(faults))
            )
        report.questionnaires_created.append(label)
        report.lines.append(
            f"Questionnaire {label} : installé ({questionnaire.get_status_display().lower()})."
        )
    return trainings


def _catalogue_records() -> list[tuple[str, dict]]:
    records = []
    for name in CATALOGUE_FIXTURES:
        for record in fixture_records(name):
            if record.get("model") != "diagnostics.training":
                raise SetupError(
                    CATALOGUE_NOT_TRAINING.format(name=name, model=record.get("model"))
                )
            records.append((name, record))
    return records


def _catalogue(report: SetupReport, embedded: list[tuple[str, dict]]) -> None:
    """The catalogue's fixtures, then the workshops of the questionnaires' fixtures."""
    recorded = set(SetupRecord.objects.values_list("key", flat=True))
    for name, record in _catalogue_records() + embedded:
        key = f"training:{record['pk']}"
        if key in recorded:
            report.trainings_kept += 1
            continue
        fields = record["fields"]
        audience = fields.get("audience", Training._meta.get_field("audience").default)
        existing = Training.objects.filter(
            organiser__isnull=True, audience=audience, title=fields["title"]
        ).first()
        if existing is not None:
            report.trainings_found += 1
            training = existing
        else:
            training = _training(name, fields, audience, report)
            report.trainings_created += 1
        SetupRecord.objects.create(key=key, object_id=training.pk)
        recorded.add(key)
    added = (
        counted(report.trainings_created, "%(count)s entrée ajoutée", "%(count)s entrées ajoutées")
        if report.trainings_created
        else "aucune entrée ajoutée"
    )
    there = report.trainings_found + report.trainings_kept
    report.lines.append(
        f"Catalogue des formations et ateliers : {added}"
        + (
            ", "
            + counted(
                there,
                "%(count)s déjà installée (laissée telle quelle)",
                "%(count)s déjà installées (laissées telles quelles)",
            )
            if there
            else ""
        )
        + "."
    )
    if report.links_ignored:
        codes = ", ".join(sorted({code for _title, code in report.links_ignored}))
        report.lines.append(
            counted(
                len(report.links_ignored),
                "%(count)s lien vers une question qu’aucune version installée ne contient "
                "n’a pas été posé",
                "%(count)s liens vers des questions qu’aucune version installée ne contient "
                "n’ont pas été posés",
            )
            + f" : {codes}."
        )


def _training(name: str, fields: dict, audience: str, report: SetupReport) -> Training:
    training = Training(
        title=fields["title"],
        format=fields.get("format", ""),
        duration=fields.get("duration", ""),
        audience=audience,
        description=fields.get("description", ""),
        link=fields.get("link", ""),
    )
    try:
        training.full_clean()
    except ValidationError as error:
        errors = " ; ".join(f"{k} : {' '.join(v)}" for k, v in error.message_dict.items())
        raise SetupError(
            CATALOGUE_INVALID.format(title=fields["title"], name=name, errors=errors)
        ) from error
    training.save()
    for relation, model in (("axes", Axis), ("questions", Question)):
        parts = []
        for ref in fields.get(relation, []):
            part = _questionnaire_part(model, ref)
            if part is None:
                report.links_ignored.append((fields["title"], ref[2]))
            else:
                parts.append(part)
        getattr(training, relation).set(parts)
    return training


def _questionnaire_part(model, ref):
    """An axis or question named [questionnaire code, version, part code]: in the newest
    published version that has this code, else any, since the catalogue matches priorities
    by codes and outlives versions (a production holds only the latest versions)."""
    code, _version, part = ref
    found = model.objects.filter(questionnaire__code=code, code=part).order_by(
        "-questionnaire__version"
    )
    return found.filter(questionnaire__status=Questionnaire.Status.PUBLISHED).first() or (
        found.first()
    )


def unique_catalogue_keys() -> dict[str, list[str]]:
    """Catalogue keys used by more than one entry of the catalogue's fixtures and of the
    questionnaires' (must be none): key → fixtures."""
    seen: dict[str, list[str]] = defaultdict(list)
    embedded = [
        (name, record)
        for name in QUESTIONNAIRE_FIXTURES
        for record in fixture_records(name)
        if record.get("model") == "diagnostics.training"
    ]
    for name, record in _catalogue_records() + embedded:
        seen[f"training:{record.get('pk')}"].append(name)
    return {key: names for key, names in seen.items() if len(names) > 1}
