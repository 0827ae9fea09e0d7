"""Admin list rows written by the model admin (admin/rows.py, QuickRowsMixin) instead of
Django's generic cell lookup, and the navigation sidebar written once per page path."""

from django import template
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    result_headers,
    result_hidden_fields,
)
from django.utils.safestring import mark_safe

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
