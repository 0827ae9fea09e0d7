"""The list cells QuickRowsMixin writes itself (admin/cells.py) are what Django writes."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.utils import display_for_field
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from diagnostics.admin.cells import datetime_writer, field_writer
from diagnostics.models import Campaign, Diagnostic, Office

EMPTY = mark_safe("-")


def djangos(value, field):
    return str(conditional_escape(display_for_field(value, field, EMPTY)))


def test_dates_are_written_as_django_writes_them():
    field = Diagnostic._meta.get_field("submitted_at")
    write = field_writer(field, EMPTY)
    utc, paris = datetime.UTC, ZoneInfo("Europe/Paris")
    values = [None]
    for month in range(1, 13):
        values += [
            datetime.datetime(2026, month, 1, 0, 0, tzinfo=paris),
            datetime.datetime(2025, month, 28, 23, 59, 59, tzinfo=utc),
            datetime.datetime(2026, month, 9, 7, 5, tzinfo=utc),
        ]
    # Around the changes of time (Paris: 29 March and 25 October 2026).
    values += [datetime.datetime(2026, 3, 29, hour, 30, tzinfo=utc) for hour in range(0, 3)] + [
        datetime.datetime(2026, 10, 25, hour, 30, tzinfo=utc) for hour in range(0, 3)
    ]
    for value in values:
        assert write(value) == djangos(value, field), value


def test_a_format_with_letters_not_handled_is_left_to_django():
    assert datetime_writer() is not None  # French: "j F Y H:i"
    with translation.override("en"):  # "N j, Y, P": an abbreviation, a 12-hour time
        assert datetime_writer() is None
        assert field_writer(Diagnostic._meta.get_field("submitted_at"), EMPTY) is None


def test_choices_and_text_are_written_as_django_writes_them():
    status = Diagnostic._meta.get_field("status")
    write = field_writer(status, EMPTY)
    for value in [*Diagnostic.Status.values, "inconnu", ""]:
        assert write(value) == djangos(value, status)
    name = Office._meta.get_field("name")
    write = field_writer(name, EMPTY)
    for value in ["Office <de> « Brume » & Cie", "", None, "l’office"]:
        assert write(value) == djangos(value, name)
    assert field_writer(Office._meta.get_field("website"), EMPTY) is None  # a link: Django's


def test_a_date_is_written_as_django_writes_it():
    field = Campaign._meta.get_field("opens")
    write = field_writer(field, EMPTY)
    values = [None, *(datetime.date(2026, month, day) for month in range(1, 13) for day in (1, 9))]
    for value in values:
        assert write(value) == djangos(value, field), value
    with translation.override("en"):  # "N j, Y": an abbreviation
        assert field_writer(field, EMPTY) is None


class _Filter:
    """A list filter drawn with Django's admin/filter.html, whose choices are of every
    kind a filter may give: numbers, dates, a missing key, text to escape, a safe query."""

    template = "admin/filter.html"
    title = gettext_lazy("période")

    def choices(self, changelist):
        yield {"selected": True, "query_string": "?a=1&b=é", "display": 1.5}
        yield {"selected": False, "query_string": "?d=2", "display": datetime.date(2024, 3, 1)}
        yield {"selected": False, "query_string": mark_safe("?x=1&y=2"), "display": "<b>&"}
        yield {"query_string": "?n=1", "display": 12345}
        yield {"selected": False, "display": gettext_lazy("Tous")}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_filter_is_written_as_djangos_template_writes_it(language, settings):
    """quick_list_filter (templatetags/snut_admin) against {% admin_list_filter %}: the same
    bytes, numbers and dates localised, a missing key written empty."""
    from django.contrib.admin.templatetags.admin_list import admin_list_filter

    from diagnostics.templatetags.snut_admin import quick_list_filter

    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override(language):
        quick = quick_list_filter(None, _Filter())
        assert quick == admin_list_filter(None, _Filter())
    if language == "fr":
        assert "1,5" in quick and "1 mars 2024" in quick and "&lt;b&gt;&amp;" in quick
