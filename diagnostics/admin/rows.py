"""The rows of the admin's longest lists, written as Django writes them but with the work
every row shares done once per page: Django's generic `items_for_result` looks each cell's
column up again for every row, which was most of a 50- or 100-row list's time."""

import datetime
import html
from types import SimpleNamespace

from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_field, display_for_value, quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from diagnostics.admin.cells import field_writer


class QuickCheckboxMixin:
    """The action checkbox of each row, as Django renders it, without a form widget's
    template: a list of 50 to 100 rows spent a fifth of its time on them."""

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )


class ObjectUrls:
    """One reverse() per page for a URL that differs between rows only by an id: the
    others are that URL with the id replaced (reverse() was a tenth of a list's time)."""

    PLACEHOLDER = "2147483647"

    def __init__(self, url_with_placeholder: str):
        self.before, _placeholder, self.after = url_with_placeholder.rpartition(self.PLACEHOLDER)

    def __call__(self, pk) -> str:
        return f"{self.before}{pk}{self.after}"


class OnlyShownChangeList(ChangeList):
    """Reads the page's rows with only the fields they show (the model admin's
    `list_only`): 100 rows of a diagnostic with its office, campaign, questionnaire and
    level, every field of each built, were a fifth of the diagnostics list's time."""

    def get_results(self, request):
        self.queryset = self.queryset.only(*self.model_admin.list_only)
        super().get_results(request)


class QuickRowsMixin(QuickCheckboxMixin):
    """Writes each row of the list as Django's items_for_result does (the same HTML: the
    tests compare them), for a list without editable columns nor popups. The list's
    template calls {% quick_result_list cl %} (templatetags/snut_admin) instead of
    {% result_list cl %}."""

    def quick_cells(self, cl, obj) -> list[str]:
        return [mark_safe(cell) for cell in self._quick_cells(cl, obj)]

    def quick_row(self, cl, obj) -> str:
        """The row's cells joined (already escaped: the caller marks the row safe)."""
        return "".join(self._quick_cells(cl, obj))

    def _quick_cells(self, cl, obj) -> list[str]:
        page = getattr(cl, "_snut_rows", None)
        if page is None:
            page = cl._snut_rows = self._quick_page(cl)
        cells = []
        for column in page.columns:
            if column.kind == "checkbox":
                label = page.label.format(html.escape(str(obj)))
                cells.append(
                    f'<td class="action-checkbox"><input type="checkbox" name="{page.checkbox}" '
                    f'value="{html.escape(str(obj.pk))}" class="action-select" aria-label="{label}"></td>'
                )
                continue
            classes = column.classes
            if column.kind == "field":
                value = getattr(obj, column.name)
                if isinstance(value, str) and value.strip() == "":
                    value = ""
                if column.write is not None:
                    shown = column.write(value)
                else:
                    shown = conditional_escape(
                        display_for_field(value, column.field, column.empty, avoid_link=column.link)
                    )
            elif column.kind == "relation":
                related = getattr(obj, column.name)
                if related is None:
                    shown = conditional_escape(column.empty)
                elif hasattr(related, "__html__"):
                    shown = related.__html__()
                else:
                    shown = html.escape(str(related))
            else:
                value = column.read(obj)
                if type(value) is SafeString and value.strip():
                    shown = value  # what display_for_value and conditional_escape return
                elif type(value) is str and value.strip():
                    shown = html.escape(value)
                else:
                    if isinstance(value, str):  # blank
                        value = ""
                    shown = conditional_escape(
                        display_for_value(value, column.empty, column.boolean)
                    )
                    if isinstance(value, (datetime.date, datetime.time)):
                        classes += " nowrap"
            if column.link:
                url = html.escape(page.urls(quote(obj.pk)))
                cells.append(
                    f'<{column.tag} class="{classes}"><a href="{url}">{shown}</a></{column.tag}>'
                )
            else:
                cells.append(f'<td class="{classes}">{shown}</td>')
        return cells

    def _quick_page(self, cl) -> SimpleNamespace:
        """What every row of the page shares: each column's kind, classes and link."""
        placeholder = cl.url_for_result(SimpleNamespace(**{cl.pk_attname: ObjectUrls.PLACEHOLDER}))
        empty = self.get_empty_value_display()
        columns, first = [], True
        for index, name in enumerate(cl.list_display):
            if name == "action_checkbox":
                columns.append(SimpleNamespace(kind="checkbox"))
                continue
            link = cl.list_display_links is not None and (
                name in cl.list_display_links or (first and not cl.list_display_links)
            )
            column = SimpleNamespace(name=name, link=link, tag="th" if first else "td")
            first = first and not link
            field = self._quick_field(cl.lookup_opts, name)
            if field is not None:
                column.field, column.empty = field, empty
                column.write = field_writer(field, empty)
                column.kind = (
                    "relation" if isinstance(field.remote_field, models.ManyToOneRel) else "field"
                )
                nowrap = isinstance(field, models.DateField | models.TimeField | models.ForeignKey)
                column.classes = f"field-{name}" + (" nowrap" if nowrap else "")
            else:
                attr = self._quick_attr(name)
                column.kind, column.read = "value", self._quick_reader(name, attr)
                column.boolean = getattr(attr, "boolean", False)
                column.empty = getattr(attr, "empty_value_display", empty)
                coerced = name.__name__ if callable(name) else name
                if coerced == "<lambda>":
                    coerced = f"lambda{index}"
                column.classes = f"field-{coerced}"
            columns.append(column)
        return SimpleNamespace(
            columns=columns,
            # the changelist's own URL of an object, with its preserved filters
            urls=ObjectUrls(
                add_preserved_filters(
                    {"preserved_filters": cl.preserved_filters, "opts": cl.opts}, placeholder
                )
            ),
            checkbox=escape(helpers.ACTION_CHECKBOX_NAME),
            # action_checkbox's label, as format_html writes it
            label=gettext("Select this object for an action - {}"),
        )

    @staticmethod
    def _quick_field(opts, name):
        """The model field lookup_field reads the column from, or None (as it finds none, or
        items_for_result writes it as a plain value)."""
        if callable(name):
            return None
        try:
            field = opts.get_field(name)
        except FieldDoesNotExist:
            return None
        if (
            field.auto_created
            or field.one_to_many
            or (field.many_to_one and not field.related_model)
            or field.name != name
        ):
            return None
        return field

    def _quick_attr(self, name):
        if callable(name):
            return name
        if hasattr(self, name) and name != "__str__":
            return getattr(self, name)
        return None

    @staticmethod
    def _quick_reader(name, attr):
        """How lookup_field reads a column that is not a model field."""
        if attr is not None:
            return attr

        def read(obj):
            value = getattr(obj, name)
            return value() if callable(value) else value

        return read


class OneCountChangeList(ChangeList):
    """A list counted once: without a filter or a search, the page's count is the full
    count Django would count again (a second COUNT over every row)."""

    def get_results(self, request):
        if self.has_active_filters or self.query:
            super().get_results(request)
            return
        show_full = self.model_admin.show_full_result_count
        self.model_admin.show_full_result_count = False  # the count below is the full one
        try:
            super().get_results(request)
        finally:
            self.model_admin.show_full_result_count = show_full
        self.show_full_result_count = show_full
        self.full_result_count = self.result_count
        self.show_admin_actions = not show_full or bool(self.result_count)


TRUNCATE = {
    "year": lambda day: day.replace(month=1, day=1),
    "month": lambda day: day.replace(day=1),
    "day": lambda day: day,
}


class DatesTruncatedHere(QuerySet):
    """`dates()` of a date field as the list's date hierarchy reads it: the distinct dates,
    truncated to the year, month or day here. SQLite truncates through a Python function
    called for every row (7 ms for 2,000 business campaigns); the same dates, in order."""

    def dates(self, field_name, kind, order="ASC"):
        if kind not in TRUNCATE:
            return super().dates(field_name, kind, order)
        days = self.order_by().values_list(field_name, flat=True).distinct()
        truncated = {TRUNCATE[kind](day) for day in days if day is not None}
        return sorted(truncated, reverse=order == "DESC")


def dates_truncated_here(queryset):
    """The list's queryset as DatesTruncatedHere (a plain QuerySet only)."""
    if type(queryset) is not QuerySet:
        return queryset
    queryset = queryset._chain()
    queryset.__class__ = DatesTruncatedHere
    return queryset
