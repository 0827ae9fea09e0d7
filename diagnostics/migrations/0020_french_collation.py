"""The collation « snut_fr » that names sort with (diagnostics/collation.py): ICU's French on
PostgreSQL; SQLite gets it from Python on each connection."""

from django.db import migrations

CREATE_ICU = "CREATE COLLATION IF NOT EXISTS snut_fr (provider = icu, locale = 'fr-FR')"
# A server built without ICU: the names still sort, in the database's default order.
CREATE_DEFAULT = 'CREATE COLLATION IF NOT EXISTS snut_fr FROM "default"'


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collprovider = 'i')")
        (has_icu,) = cursor.fetchone()
        cursor.execute(CREATE_ICU if has_icu else CREATE_DEFAULT)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP COLLATION IF EXISTS snut_fr")


class Migration(migrations.Migration):
    dependencies = [("diagnostics", "0019_worker_heartbeats")]

    operations = [migrations.RunPython(forward, backward)]
