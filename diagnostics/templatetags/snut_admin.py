"""Admin list rows written by the model admin (admin/rows.py, QuickRowsMixin) instead of
Django's generic cell lookup."""

from django import template
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    result_headers,
    result_hidden_fields,
)
from django.utils.safestring import mark_safe

register = template.Library()


@register.inclusion_tag("admin/change_list_results.html")
def quick_result_list(cl):
    """Django's {% result_list cl %}, each row's cells written by `quick_cells`."""
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        # Each row's cells joined: the template writes one item per row, not one per cell.
        "results": [
            ResultList(None, [mark_safe("".join(cl.model_admin.quick_cells(cl, obj)))])
            for obj in cl.result_list
        ],
    }
