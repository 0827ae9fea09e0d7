"""Every table's rows, copied once and written back before each test that wants them.

Seeding the demo takes seconds; writing its ~7,000 rows back takes a tenth of one. A module
seeds once (a module-scoped fixture, through django_db_blocker), takes a `Snapshot`, and each
of its tests restores it: every test still starts from the same data, whatever the one
before it changed, and a transactional test's flush afterwards changes nothing for the next.

Plain SQL on both databases: the rows are deleted and inserted in one transaction, where
Django's foreign keys are checked at commit (DEFERRABLE INITIALLY DEFERRED on SQLite and
PostgreSQL alike), then PostgreSQL's sequences are moved past the restored ids. (Django's
own `serialize_db_to_string`, which `serialized_rollback` uses, saves object by object:
eight seconds for the demo, longer than seeding it.)
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


@dataclass(frozen=True)
class Snapshot:
    tables: dict[str, tuple[list[str], list[tuple]]]

    @classmethod
    def take(cls) -> "Snapshot":
        tables = {}
        with connection.cursor() as cursor:
            for table in connection.introspection.django_table_names(only_existing=True):
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                tables[table] = ([column[0] for column in cursor.description], cursor.fetchall())
        return cls(tables)

    def restore(self) -> None:
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            # Django's own flush statements: DELETE on SQLite, one TRUNCATE on PostgreSQL.
            for sql in connection.ops.sql_flush(no_style(), list(self.tables)):
                cursor.execute(sql)
            for table, (columns, rows) in self.tables.items():
                # Many rows a statement: one round trip each on PostgreSQL was seconds.
                size = max(
                    1, min(500, (connection.features.max_query_params or 10_000) // len(columns))
                )
                for start in range(0, len(rows), size):
                    batch = rows[start : start + size]
                    values = ", ".join([f"({', '.join(['%s'] * len(columns))})"] * len(batch))
                    cursor.execute(
                        f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "
                        f"VALUES {values}",
                        [value for row in batch for value in row],
                    )
            models = apps.get_models(include_auto_created=True)
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        # The rows' references checked now rather than at commit: PostgreSQL refuses to
        # TRUNCATE a table with checks still pending, as the next restore in the same
        # test's transaction does (tests/loaded.py: fixtures loaded one after the other).
        connection.check_constraints()
