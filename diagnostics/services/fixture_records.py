"""A new version of an official questionnaire written from its fixture's records: one
INSERT a model, each reference by natural key found among the rows just written, or else
in the database.

Django's loaddata, which the setup ran before, looks every object up by its natural key,
then each of its references (its question, that question's questionnaire), saves it alone,
and the revision signal (diagnostics.signals) then updates its questionnaire: about seven
queries an object, 2,600 for a version of the offices' questionnaire, two seconds and more
of a setup that installs six. Here a version is a dozen statements. The rows are the ones
loaddata wrote (tests/test_setup.py compares them): each value through its field's
`to_python`, as loaddata's deserializer does, a field's default where the record has none,
neither `save()` nor signals (loaddata saves raw), and a new version's revision date set
once, as it is created.

Only for records that are all new (none has a pk: setup checks that the version is not
installed), in the caller's transaction: a fault raises `RecordError`, and the caller's
rollback leaves nothing written."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers import sort_dependencies
from django.db import DatabaseError, models


class RecordError(Exception):
    """A record that cannot be written, in French."""


def records_install(records: list[dict]) -> None:
    """Writes every record, model by model, the referenced models first."""
    by_model: dict[type[models.Model], list[dict]] = {}
    for record in records:
        by_model.setdefault(_model(record), []).append(record.get("fields", {}))
    order = sort_dependencies(
        [(apps.get_app_config(m._meta.app_label), [m]) for m in by_model], allow_cycles=True
    )
    written: dict[tuple, models.Model] = {}
    for model in order:
        rows = [_row(model, fields, written) for fields in by_model[model]]
        try:
            # Their pks come back with them (PostgreSQL, SQLite 3.35 and later).
            model._default_manager.bulk_create(rows)
        except DatabaseError as error:
            raise RecordError(f"{model._meta.verbose_name} : {error}") from error
        for row in rows:
            written[(model, tuple(row.natural_key()))] = row


def _model(record: dict) -> type[models.Model]:
    if "pk" in record:
        raise RecordError(f"un enregistrement a une clé primaire ({record.get('pk')!r})")
    try:
        return apps.get_model(record["model"])
    except (KeyError, LookupError, ValueError, AttributeError) as error:
        raise RecordError(f"modèle inconnu « {record.get('model')} »") from error


def _row(model: type[models.Model], fields: dict, written: dict) -> models.Model:
    values = {}
    for name, value in fields.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist as error:
            raise RecordError(f"champ inconnu « {name} » ({model._meta.verbose_name})") from error
        if field.many_to_one:
            values[field.name] = None if value is None else _referenced(field, value, written)
        elif field.concrete and not field.many_to_many:
            try:
                values[field.attname] = field.to_python(value)
            except ValidationError as error:
                raise RecordError(f"« {name} » : {' '.join(error.messages)}") from error
        else:
            raise RecordError(f"champ non pris en charge « {name} » ({model._meta.verbose_name})")
    return model(**values)


def _referenced(field, value, written: dict) -> models.Model:
    """The row a reference names: by natural key (a list), among the rows written here first;
    by pk otherwise."""
    related = field.related_model
    manager = related._default_manager
    try:
        if isinstance(value, list):
            key = tuple(value)
            return written.get((related, key)) or manager.get_by_natural_key(*key)
        return manager.get(pk=value)
    except (ObjectDoesNotExist, TypeError, ValueError, ValidationError) as error:
        raise RecordError(
            f"« {field.name} » renvoie à {related._meta.verbose_name} {value!r}, introuvable"
        ) from error
