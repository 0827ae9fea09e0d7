"""Admin list rows written by the model admin (admin/rows.py, QuickRowsMixin) instead of
Django's generic cell lookup, the list's filters written as Django's admin/filter.html
writes them, and the navigation sidebar written once per page path."""

from django import template
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    admin_list_filter,
    result_headers,
    result_hidden_fields,
)
from django.utils.encoding import iri_to_uri
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext

from diagnostics.display import template_text

register = template.Library()


@register.inclusion_tag("admin/change_list_results.html")
def quick_result_list(cl):
    """Django's {% result_list cl %}, each row's cells written by `quick_row`."""
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": quick_results(cl),
    }


# What admin/change_list_results.html writes between two rows' cells: "</tr>", the line
# break after it and, for the next row, the loop's line break, its empty {% if %} and line
# break and "<tr>".
BETWEEN_ROWS = "</tr>\n\n\n<tr>"


def quick_results(cl) -> list:
    """The page's rows as the template's loop over them would write them, as one item of
    one result: the template's loop cost more than writing the cells (a context pushed,
    a result's form looked up, for each of 50 to 100 rows). The same bytes: the template
    wraps the item in the first row's "<tr>" and the last one's "</tr>"."""
    rows = [cl.model_admin.quick_row(cl, obj) for obj in cl.result_list]
    return [ResultList(None, [mark_safe(BETWEEN_ROWS.join(rows))])] if rows else []


FILTER_TEMPLATE = "admin/filter.html"


@register.simple_tag
def quick_list_filter(cl, spec):
    """Django's {% admin_list_filter cl spec %}: the same bytes, for a filter drawn with
    Django's admin/filter.html, written here rather than by the template's loop (a hundred
    departments were a tenth of the office list's time); any other template is rendered."""
    if spec.template != FILTER_TEMPLATE:
        return admin_list_filter(cl, spec)
    title = template_text(spec.title)
    items = []
    for choice in spec.choices(cl):
        selected = ' class="selected"' if choice.get("selected") else ""
        query = choice.get("query_string", "")  # as the |iriencode filter writes it
        href = iri_to_uri(query)
        href = conditional_escape(mark_safe(href) if isinstance(query, SafeData) else href)
        items.append(
            f'\n    <li{selected}>\n    <a href="{href}">'
            f"{template_text(choice.get('display', ''))}</a></li>\n  "
        )
    heading = gettext(" By %(filter_title)s ") % {"filter_title": title}
    return mark_safe(
        f'\n<details data-filter-title="{title}" open>\n  <summary>\n    {heading}\n'
        f"  </summary>\n  <ul>\n  {''.join(items)}\n  </ul>\n</details>\n"
    )


NAV_SIDEBAR = "admin/nav_sidebar.html"


@register.simple_tag(takes_context=True)
def nav_sidebar(context):
    """Django's admin/nav_sidebar.html (which templates/admin/nav_sidebar.html stands in
    front of), written by the admin site once per page path and set of permissions."""
    request = context["request"]

    def render():
        engine = context.template.engine
        _ours, origin = engine.find_template(NAV_SIDEBAR)
        djangos, _origin = engine.find_template(NAV_SIDEBAR, skip=[origin])
        return djangos.render(context)

    sidebar_html = getattr(admin.site, "sidebar_html", None)
    return render() if sidebar_html is None else sidebar_html(request, render)
