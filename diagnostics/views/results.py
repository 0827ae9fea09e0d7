"""The maturity profile of a submitted diagnostic, as a page and as a PDF."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from diagnostics import access, report, selectors, services
from diagnostics.models import Diagnostic
from diagnostics.results import build_results
from diagnostics.views.kept_parts import (
    filled,
    kept_part,
    kept_pieces,
    render_with_part,
    written_part,
)
from diagnostics.views.readers import office_url, submitted_for_reader
from diagnostics.visibility import OpinionReader
from snut import page_memo


@login_required
def results(request, pk):
    # Below its header, the page is the same for every reader of the same role: kept for
    # all of them while nothing it was drawn from, the diagnostic's row on, is written.
    # What the office's actions decide is kept apart, in its holes: an action saved by
    # any office writes only that again.
    with page_memo.recording(always=()) as reads:
        diagnostic, early = submitted_for_reader(request, pk)
        if early:
            return early
        if diagnostic.questionnaire.is_express:  # an indicative profile, on a page of its own
            return redirect("diagnostics:express_results", pk=diagnostic.pk)
        reader = access.opinion_reader(request.user, diagnostic)
        # Members turn priorities into actions; network staff read only.
        can_plan = reader not in (OpinionReader.STAFF, OpinionReader.OUTSIDER)
        key = f"results:{diagnostic.pk}:{reader}:{can_plan}"
        part = kept_part(
            request,
            "diagnostics:results",
            key,
            "diagnostics/includes/results_body.html",
            lambda: {"results": build_results(diagnostic, reader, page=True), "can_plan": can_plan},
            since=reads,
        )
        pieces = kept_pieces(
            request,
            "diagnostics:results",
            key,
            part,
            lambda names: _action_pieces(request, diagnostic, names),
            since=reads,
        )
    return render_with_part(
        request,
        "diagnostics/results.html",
        {
            "diagnostic": diagnostic,
            "office_url": office_url(request.user, diagnostic, is_member=can_plan),
        },
        filled(part, pieces),
    )


def _action_pieces(request, diagnostic, names: list[str]) -> dict[str, str]:
    """What the office's actions decide on its results page, by hole: each priority's
    « Ajouter au plan » or « Dans le plan d’action » (`plan:<question id>`), and « Ce que
    vous aviez prévu » with its line in the table of contents (`follow-ups:<previous
    diagnostic id>`, `toc-follow-ups:…`). One query for the first, three at most for the
    second."""
    found = {}
    slots = [name for name in names if name.startswith("plan:")]
    if slots:
        planned = selectors.planned_questions(diagnostic)
        office = diagnostic.organisation.slug
        urls = {
            "plan_url": reverse("diagnostics:plan", args=[office]),
            "plan_priority_url": reverse("diagnostics:plan_priority", args=[office]),
            "diagnostic_id": diagnostic.pk,
        }
        for name in slots:
            question = int(name.split(":")[1])
            found[name] = written_part(
                request,
                "diagnostics/includes/plan_slot.html",
                {**urls, "question_id": question, "planned": question in planned},
            )
    for name in names:
        if name.startswith("follow-ups:"):
            previous = (
                Diagnostic.objects.select_related("campaign")
                .filter(pk=int(name.split(":")[1]))
                .first()
            )
            context = {
                "follow_ups": selectors.previous_plan(diagnostic, previous),
                "previous": previous,
            }
            found[name] = written_part(request, "diagnostics/includes/follow_ups.html", context)
            found[f"toc-{name}"] = written_part(
                request, "diagnostics/includes/follow_ups_toc.html", context
            )
    return found


@login_required
def report_pdf(request, pk):
    # What the report is written from, from the diagnostic's own row on: its PDF is then
    # found without writing the HTML again while none of it changed (report.known_pdf).
    # Who may read it is checked on every request, before: the accounts are no input.
    with page_memo.recording(always=()) as reads:
        diagnostic, early = submitted_for_reader(request, pk)
        if early:
            return early
        reader = access.opinion_reader(request.user, diagnostic)
        pdf = report.known_pdf(diagnostic, reader)
        if pdf is None:
            html = report.diagnostic_html(diagnostic, request=request, reader=reader)
            pdf = report.cached_pdf(html)
            if pdf is None and services.report_pdf_pending(diagnostic_id=diagnostic.pk):
                # Printed in the background since the submission: the page refreshes itself
                # unless the reader stops it (WCAG 2.2.1: a timing the user can turn off).
                return render(
                    request,
                    "diagnostics/report_pending.html",
                    {
                        "diagnostic": diagnostic,
                        "refresh_seconds": 3,
                        "refresh": request.GET.get("actualiser") != "non",
                    },
                    status=202,
                )
            if pdf is None:
                pdf = report.pdf_for_html(html)
            if not reads.wrote:
                drafts = "diagnostics:report_pdf" not in settings.PAGE_MEMO_BLIND_TO_DRAFTS
                report.remember_html(diagnostic, reader, html, reads.tables_read(drafts))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename(diagnostic)}"'
    return response
