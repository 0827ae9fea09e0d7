"""A business's pages, reached from its personal link: no account, the token in every URL.

The token opens this business's diagnostic of this campaign and nothing else
(services.business_link_open); every page checks it first. A session (an office
member's, staff's) neither opens nor widens anything here: only the link counts.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from diagnostics import applicability, report, selectors, services
from diagnostics.forms import BusinessSubmitForm, WebsiteForm
from diagnostics.models import BusinessLink, SessionRegistration
from diagnostics.results import build_results
from diagnostics.selectors import websites
from diagnostics.services import websites as website_services
from diagnostics.views import axis_pages, filling, session_link
from diagnostics.views.link_pages import link_page

SESSIONS_SHOWN = 8  # the office's next workshop sessions on the business's results page

NOT_STARTED = gettext_noop("Commencez d’abord votre diagnostic.")
NOT_SUBMITTED = gettext_noop("Vos résultats seront disponibles une fois le diagnostic envoyé.")
WEBSITE_SAVED = gettext_noop("Adresse enregistrée : le relevé se fait en arrière-plan.")
WEBSITE_CHECK_ASKED = gettext_noop("Relevé demandé : il se fait en arrière-plan.")
WEBSITE_REMOVED = gettext_noop("Adresse retirée : votre site ne sera plus relevé.")
WEBSITE_SAVED_NOT_CHECKED = gettext_noop(
    "Adresse enregistrée. Un relevé a déjà été demandé il y a moins d’une heure : "
    "le prochain relevé lira cette adresse."
)
SUBMITTED_READ_ONLY = gettext_noop(
    "Votre diagnostic est envoyé : il ne peut plus être modifié. Voici vos résultats."
)


# Opens the token's link (or refuses it): this business's diagnostic of this campaign.
business_page = link_page(
    lambda token: services.business_link_open(token=token), lambda link: link.business.parent
)


def _routes(token: str) -> axis_pages.Routes:
    return axis_pages.Routes(
        "business_link_", token, reverse("diagnostics:business_link_home", args=[token])
    )


def _draft(request, link: BusinessLink, token: str):
    """The link's draft with its axes and answers, or the redirect the page needs instead."""
    diagnostic = services.business_diagnostic(link)
    if diagnostic is None:
        messages.info(request, _(NOT_STARTED))
        return None, redirect("diagnostics:business_link_home", token=token)
    if diagnostic.is_submitted:
        messages.info(request, _(SUBMITTED_READ_ONLY))
        return None, redirect("diagnostics:business_link_results", token=token)
    return (diagnostic, *selectors.load_answers(diagnostic)), None


def _submitted(request, link: BusinessLink, token: str):
    diagnostic = services.business_diagnostic(link)
    if diagnostic is None or not diagnostic.is_submitted:
        messages.info(request, _(NOT_SUBMITTED))
        return None, redirect("diagnostics:business_link_home", token=token)
    return diagnostic, None


@require_http_methods(["GET", "POST"])
@business_page
def business_link_home(request, link: BusinessLink, token: str):
    """The start page: what the diagnostic is, who sees what; « Commencer » or « Reprendre »."""
    diagnostic = services.business_diagnostic(link)
    # A business diagnosed in an earlier campaign starts from its answers, each « à
    # confirmer », as an office does (its re-diagnosis after a workshop, or any update).
    previous = selectors.previous_diagnostics(link.business_id, link.campaign).first()
    if request.method == "POST":
        if diagnostic is None:
            try:
                diagnostic = services.diagnostic_start(
                    organisation=link.business,
                    campaign=link.campaign,
                    user=None,
                    carry_over=previous is not None,
                )
            except services.ServiceError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("diagnostics:business_link_home", token=token)
        return redirect("diagnostics:business_link_resume", token=token)
    answered = total = 0
    if diagnostic is not None and not diagnostic.is_submitted:
        axes, answers = selectors.load_answers(diagnostic)
        answered, total = applicability.required_answered(axes, answers)
    structure = selectors.questionnaire_axes(link.campaign.questionnaire)
    context = {
        "link": link,
        "token": token,
        "business": link.business,
        "office": link.business.parent,
        "campaign": link.campaign,
        "diagnostic": diagnostic,
        "previous": previous,
        "answered": answered,
        "total": total,
        "question_count": applicability.applicable(structure, link.business).asked_count,
        "website_form": WebsiteForm(initial={"website": link.business.website}),
        "website_check": websites.checks_of(link.business.pk)[0],
    }
    return render(request, "diagnostics/business_link/home.html", context)


@business_page
def business_link_resume(request, link: BusinessLink, token: str):
    """Back where the business left off: the first unanswered question, or the review."""
    loaded, early = _draft(request, link, token)
    if early:
        return early
    _diagnostic, axes, answers = loaded
    where = filling.first_unanswered(axes, answers)
    if where:
        return _routes(token).redirect("axis", where[0].code, anchor=f"q-{where[1].code}")
    return _routes(token).redirect("review")


@require_http_methods(["GET", "POST"])
@business_page
def business_link_axis(request, link: BusinessLink, token: str, code: str):
    loaded, early = _draft(request, link, token)
    if early:
        return early
    diagnostic, axes, answers = loaded
    return axis_pages.axis_page(
        request,
        diagnostic=diagnostic,
        axes=axes,
        answers=answers,
        code=code,
        user=None,
        routes=_routes(token),
        business=True,
    )


@require_POST
@business_page
def business_link_autosave(request, link: BusinessLink, token: str, question_pk: int):
    diagnostic = services.business_diagnostic(link)
    if diagnostic is None:
        return JsonResponse({"error": _(NOT_STARTED)}, status=400)
    axes, answers = selectors.load_answers(diagnostic)
    return axis_pages.autosave_answer(
        request,
        diagnostic=diagnostic,
        axes=axes,
        answers=answers,
        question_pk=question_pk,
        user=None,
    )


@require_http_methods(["GET", "POST"])
@business_page
def business_link_review(request, link: BusinessLink, token: str):
    """The answers to reread, then the submission with the business's consent."""
    loaded, early = _draft(request, link, token)
    if early:
        return early
    diagnostic, axes, answers = loaded
    form = BusinessSubmitForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.diagnostic_submit(
                    diagnostic=diagnostic, share_details=form.cleaned_data["share_details"]
                )
            except services.ServiceError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("diagnostics:business_link_review", token=token)
            messages.success(request, _("Diagnostic envoyé : voici vos résultats."))
            return redirect("diagnostics:business_link_results", token=token)
        status = 400
    context = {
        **filling.review_context(diagnostic, axes, answers),
        "urls": _routes(token).for_page(axes),
        "form": form,
        "token": token,
        "office": link.business.parent,
    }
    return render(request, "diagnostics/business_link/review.html", context, status=status)


@business_page
def business_link_results(request, link: BusinessLink, token: str):
    diagnostic, early = _submitted(request, link, token)
    if early:
        return early
    sessions = list(
        selectors.upcoming_sessions(link.business.parent_id)
        .filter(office=link.business.parent_id)
        .select_related("training")[:SESSIONS_SHOWN]
    )
    status = selectors.business_registrations(link.business_id, [s.pk for s in sessions])
    context = {
        "results": build_results(diagnostic),
        "token": token,
        "office": link.business.parent,
        "sessions": [(s, status.get(s.pk, "")) for s in sessions],
    }
    return render(request, "diagnostics/business_link/results.html", context)


@business_page
def business_link_report_pdf(request, link: BusinessLink, token: str):
    diagnostic, early = _submitted(request, link, token)
    if early:
        return early
    pdf = report.pdf_for_html(report.render_html(build_results(diagnostic), request=request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename(diagnostic)}"'
    return response


@require_POST
@business_page
def business_link_website(request, link: BusinessLink, token: str):
    """The business's website address, saved from its own page, then read in the background
    (at most once an hour): the request only enqueues the check. Without an address in the
    form (the results page's button), only the check is asked again."""
    results_url = reverse("diagnostics:business_link_results", args=[token])
    back = (
        "diagnostics:business_link_results"
        if request.POST.get("next") == results_url
        else ("diagnostics:business_link_home")
    )
    if "website" not in request.POST:
        try:
            website_services.website_check_request(organisation=link.business)
        except services.ServiceError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _(WEBSITE_CHECK_ASKED))
        return redirect(back, token=token)
    form = WebsiteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["website"]))
        return redirect("diagnostics:business_link_home", token=token)
    website = form.cleaned_data["website"]
    try:
        check = website_services.website_set(organisation=link.business, website=website)
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("diagnostics:business_link_home", token=token)
    if not website:
        messages.success(request, _(WEBSITE_REMOVED))
    else:
        messages.success(request, _(WEBSITE_SAVED if check else WEBSITE_SAVED_NOT_CHECKED))
    return redirect(back, token=token)


def _office_session(link: BusinessLink, pk: int):
    """A session to come that the business's office runs (404 for any other)."""
    session = (
        selectors.upcoming_sessions(link.business.parent_id)
        .filter(pk=pk, office=link.business.parent_id)
        .select_related("training")
        .first()
    )
    if session is None:
        raise Http404
    return session


@require_POST
@business_page
def business_link_session_sign_up(request, link: BusinessLink, token: str, pk: int):
    """Signs the business up for one of its office's sessions from its personal page."""
    try:
        registration = services.registration_sign_up(
            session=_office_session(link, pk),
            business=link.business,
            source=SessionRegistration.Source.PAGE,
        )
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        session_link.signed_up_message(request, registration)
    return redirect(
        reverse("diagnostics:business_link_results", args=[token]) + "#ateliers-a-venir"
    )


@require_POST
@business_page
def business_link_session_cancel(request, link: BusinessLink, token: str, pk: int):
    try:
        services.registration_cancel(
            session=_office_session(link, pk),
            business=link.business,
            base_url=request.build_absolute_uri("/"),
        )
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _(session_link.CANCELLED_MESSAGE))
    return redirect(
        reverse("diagnostics:business_link_results", args=[token]) + "#ateliers-a-venir"
    )
