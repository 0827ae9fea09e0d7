"""A business's diagnostic as its office reads it, when the business agreed
(diagnostics/visibility.py): its profile, priorities, suggested workshops and answers,
on a page and as the same PDF the business downloads."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from diagnostics import access, report, visibility
from diagnostics.results import build_results


def _shared(request, slug, pk):
    office = access.office_for_member(request.user, slug)
    return office, visibility.business_diagnostic_for_office(office, pk)


@login_required
def business_detail(request, slug, pk):
    office, diagnostic = _shared(request, slug, pk)
    context = {"office": office, "results": build_results(diagnostic), "for_office": True}
    return render(request, "diagnostics/businesses/detail.html", context)


@login_required
def business_detail_pdf(request, slug, pk):
    _office, diagnostic = _shared(request, slug, pk)
    pdf = report.pdf_for_html(report.render_html(build_results(diagnostic), request=request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename(diagnostic)}"'
    return response
