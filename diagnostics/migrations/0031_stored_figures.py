# The table of the cache `figures` (settings.CACHES, selectors/stored_figures.py): figures
# drawn from submitted diagnostics, kept in the database so that emptying the shared cache
# does not lose them. Django's own cache table (createcachetable), made by `migrate` so that
# no other command is needed; a copy of the demo keeps its data (nothing else changes).

from django.core.management import call_command
from django.db import migrations

TABLE = "snut_figures"


def create(apps, schema_editor):
    call_command(
        "createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0
    )


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("diagnostics", "0030_weak_questions")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
