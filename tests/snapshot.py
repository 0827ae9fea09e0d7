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

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


@dataclass(frozen=True)
class Snapshot:
    tables: dict[str, tuple[list[str], list[tuple]]]

    @classmethod
    def take(cls, tables: Iterable[str] | None = None) -> "Snapshot":
        """Every table's rows, or only these tables'."""
        if tables is None:
            tables = connection.introspection.django_table_names(only_existing=True)
        copied = {}
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                copied[table] = ([column[0] for column in cursor.description], cursor.fetchall())
        return cls(copied)

    def restore(self) -> None:
        """The tables emptied, then their rows written back."""
        with transaction.atomic(), connection.cursor() as cursor:
            # Django's own flush statements: DELETE on SQLite, one TRUNCATE on PostgreSQL.
            for sql in connection.ops.sql_flush(no_style(), list(self.tables)):
                cursor.execute(sql)
            self._write(cursor)
        # The rows' references checked now rather than at commit: PostgreSQL refuses to
        # TRUNCATE a table with checks still pending, as the next restore in the same
        # test's transaction does (tests/loaded.py: fixtures loaded one after the other).
        connection.check_constraints()

    def insert(self) -> None:
        """The rows written into their tables, which hold none of them (nothing emptied)."""
        with transaction.atomic(), connection.cursor() as cursor:
            self._write(cursor)
        connection.check_constraints(table_names=list(self.tables))

    def _write(self, cursor) -> None:
        quote = connection.ops.quote_name
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
        # PostgreSQL's sequences moved past the written ids (nothing to do on SQLite).
        models = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.db_table in self.tables
        ]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
