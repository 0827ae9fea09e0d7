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
        # Each row's cells joined: the template writes one item per row, not one per cell.
        "results": [
            ResultList(None, [mark_safe(cl.model_admin.quick_row(cl, obj))])
            for obj in cl.result_list
        ],
    }


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
