"""django-cachalot's app as the page memo uses it (snut/page_memo.py): its record of when
each table was last written, without searching every ORM read for a write.

cachalot looks for a write (a regular expression over the lowered SQL) in every statement
the ORM has not marked as its own (`connection.raw`). Only its query cache marks the ORM's
reads, and that cache is off (CACHALOT_ENABLED = False): every SELECT was searched, some
0.3 ms for a statement of a few kilobytes, several milliseconds a page. Marked here as
cachalot marks them when its cache is on. ORM writes still timestamp their table
(cachalot's write compilers), and raw SQL is still searched.
"""

import functools

from cachalot.apps import CachalotConfig
from django.db.models.sql.compiler import SQLCompiler


def orm_reads_not_raw() -> None:
    """Marks the statements of the ORM's read compiler as the ORM's (idempotent)."""
    if getattr(SQLCompiler.execute_sql, "snut_not_raw", False):
        return
    original = SQLCompiler.execute_sql

    @functools.wraps(original)
    def execute_sql(compiler, *args, **kwargs):
        connection = compiler.connection
        raw = getattr(connection, "raw", True)
        connection.raw = False
        try:
            return original(compiler, *args, **kwargs)
        finally:
            connection.raw = raw

    execute_sql.snut_not_raw = True
    SQLCompiler.execute_sql = execute_sql


class TableStampsConfig(CachalotConfig):
    def ready(self):
        super().ready()
        orm_reads_not_raw()
