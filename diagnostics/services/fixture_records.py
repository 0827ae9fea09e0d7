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

Only for records that are all new, of models with a natural key (none has a pk: setup
checks that the version is not installed), in the caller's transaction: a fault raises `RecordError`, and the caller's
rollback leaves nothing written."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers import sort_dependencies
from django.db import DatabaseError, connection, models


class RecordError(Exception):
    """A record that cannot be written, in French."""


def records_install(records: list[dict]) -> None:
    """Writes every record, model by model, the referenced models first."""
    by_model: dict[type[models.Model], list[dict]] = {}
    for record in records:
        fields = record.get("fields", {})
        if not isinstance(fields, dict):
            raise RecordError(
                f"les champs d’un enregistrement ne sont pas un objet ({fields!r:.80})"
            )
        by_model.setdefault(_model(record), []).append(fields)
    order = sort_dependencies(
        [(apps.get_app_config(m._meta.app_label), [m]) for m in by_model], allow_cycles=True
    )
    written: dict[tuple, models.Model] = {}
    for model in order:
        try:
            _write(model, by_model[model], written)
        except DatabaseError as error:
            first_line = next(iter(str(error).strip().splitlines()), "")
            raise RecordError(f"{model._meta.verbose_name} : {first_line}") from error


def _write(model: type[models.Model], records: list[dict], written: dict) -> None:
    """The model's rows in one INSERT, their pks returned (PostgreSQL, SQLite 3.35 and
    later); one at a time where a row may name another of the same model (an express
    version the version it abbreviates) or the database returns no pks."""
    one_by_one = not connection.features.can_return_rows_from_bulk_insert or any(
        field.many_to_one and field.related_model is model for field in model._meta.fields
    )
    batches = [[fields] for fields in records] if one_by_one else [records]
    for batch in batches:
        rows = [_row(model, fields, written) for fields in batch]
        model._default_manager.bulk_create(rows)
        for row in rows:
            written[(model, tuple(row.natural_key()))] = row


def _model(record: dict) -> type[models.Model]:
    if "pk" in record:
        raise RecordError(f"un enregistrement a une clé primaire ({record.get('pk')!r})")
    try:
        model = apps.get_model(record["model"])
    except (KeyError, LookupError, ValueError, AttributeError, TypeError) as error:
        raise RecordError(f"modèle inconnu « {record.get('model')} »") from error
    if not hasattr(model, "natural_key") or not hasattr(
        model._default_manager, "get_by_natural_key"
    ):
        # Without a natural key, neither this module nor loaddata could tell a row again.
        raise RecordError(f"« {record['model']} » n’a pas de clé naturelle")
    return model


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
