"""A list's model-field cells written as Django's display_for_field then conditional_escape
write them, with what every row shares worked out once per page (QuickRowsMixin): a
field's choices translated once rather than a dict of them built for every row, and a
date written from the language's DATETIME_FORMAT split once (dateformat.format split it
again and looked each of its letters up for every row: 31 µs a date)."""

import html

from django.db import models
from django.utils import dateformat, timezone
from django.utils.dates import MONTHS
from django.utils.formats import get_format
from django.utils.html import conditional_escape

# The letters of a date format written here, as dateformat.DateFormat writes them
# ("%02d" % n and format(n, "02d") are the same for the whole numbers of a date).
DATE_LETTERS = {
    "j": "{0.day}",
    "d": "{0.day:02d}",
    "n": "{0.month}",
    "m": "{0.month:02d}",
    "F": "{1}",  # the month's name
    "Y": "{0.year:04d}",
    "G": "{0.hour}",
    "H": "{0.hour:02d}",
    "i": "{0.minute:02d}",
    "s": "{0.second:02d}",
}


def escaped(value) -> str:
    return str(conditional_escape(value))


def datetime_writer(format_name: str = "DATETIME_FORMAT"):
    """The active language's DATETIME_FORMAT (or DATE_FORMAT) as dateformat.format writes a
    local datetime (or a date), escaped for HTML, or None when the format holds a letter not
    in DATE_LETTERS."""
    parts = []
    for index, piece in enumerate(dateformat.re_formatchars.split(str(get_format(format_name)))):
        if index % 2:
            if piece not in DATE_LETTERS:
                return None
            parts.append(DATE_LETTERS[piece])
        elif piece:
            literal = dateformat.re_escaped.sub(r"\1", piece)
            parts.append(literal.replace("{", "{{").replace("}", "}}"))
    template = "".join(parts)
    months = {number: str(name) for number, name in MONTHS.items()}

    def write(value) -> str:
        return html.escape(template.format(value, months[value.month]))

    return write


def field_writer(field, empty):
    """A function writing a model field's value (blank strings made "" first, as
    items_for_result does) as display_for_field and conditional_escape write it, for a field
    with choices, a date and time, a date, or plain text; None for any other field."""
    missing = escaped(empty)
    if getattr(field, "flatchoices", None):
        try:
            labels = {value: escaped(label) for value, label in field.flatchoices}
        except TypeError:  # list-like choices: Django's own way
            return None
        return lambda value: labels.get(value, missing)
    empty_values = field.empty_values
    if isinstance(field, models.DateTimeField):
        write_datetime = datetime_writer()
        if write_datetime is None:
            return None

        def write(value):
            if value in empty_values:
                return missing
            return write_datetime(timezone.template_localtime(value))

        return write
    if type(field) is models.DateField:
        write_date = datetime_writer("DATE_FORMAT")
        if write_date is None:
            return None
        return lambda value: missing if value in empty_values else write_date(value)
    if type(field) in (models.CharField, models.TextField, models.SlugField):
        return lambda value: missing if value in empty_values else html.escape(str(value))
    return None
