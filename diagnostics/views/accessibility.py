from django.conf import settings
from django.shortcuts import render


def accessibility_statement(request):
    """The accessibility statement that French public sites link in their footer."""
    contact = getattr(settings, "SNUT_NETWORK_CONTACT", "")
    return render(request, "diagnostics/accessibility.html", {"contact": contact})
