"""A copy's tables: rows of plain values, written as CSV or JSON, and how a value is shown in them."""

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from diagnostics.spreadsheets import write_csv


def when_text(value) -> str:
    """A date or a local date-time, written the same in the CSV and the JSON."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def number_value(value):
    return None if value is None else float(value) if isinstance(value, Decimal) else value


def yes_no(value: bool) -> str:
    return _("oui") if value else _("non")


def user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


@dataclass
class Table:
    """One file of a copy: a French file name (without extension), headers and rows."""

    name: str
    headers: list[str]
    rows: list[list]

    def records(self) -> list[dict]:
        return [
            {h: json_value(v) for h, v in zip(self.headers, row, strict=True)} for row in self.rows
        ]

    def csv_bytes(self) -> bytes:
        handle = io.BytesIO()
        write_csv([self.headers, *self.rows], handle)
        return handle.getvalue()
