"""« Données personnelles » and « Mentions légales »: public pages, their facts from settings."""

from django.shortcuts import render

from diagnostics.legal import legal_facts


def personal_data(request):
    """What SNUT holds about whom, why, who reads it, for how long, and how to exercise one's
    rights (RGPD articles 13 and 14)."""
    return render(request, "diagnostics/legal/personal_data.html", {"facts": legal_facts()})


def legal_notice(request):
    """Publisher, director of publication and host (loi n° 2004-575, article 6)."""
    return render(request, "diagnostics/legal/legal_notice.html", {"facts": legal_facts()})
