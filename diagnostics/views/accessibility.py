from django.shortcuts import render

from diagnostics.network import network_info


def accessibility_statement(request):
    """The accessibility statement that French public sites link in their footer."""
    return render(request, "diagnostics/accessibility.html", {"contact": network_info()["contact"]})
