"""A business's page for one workshop session, reached from a session e-mail's personal
link: sign up or cancel in one click, add it to a calendar, and after the session answer
the two questions. The token opens this business's registration to this session and
nothing else (services.session_link_open); a login neither opens nor widens anything."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from diagnostics import services
from diagnostics.forms import SurveyForm
from diagnostics.models import SessionLink, SessionRegistration
from diagnostics.views.sessions import ics_response

REGISTERED_MESSAGE = gettext_noop("Vous êtes inscrit. À bientôt !")
WAITING_MESSAGE = gettext_noop(
    "La session est complète : vous êtes sur la liste d’attente. Si une place se libère, elle "
    "vous revient et vous êtes prévenu par e-mail."
)
CANCELLED_MESSAGE = gettext_noop("Votre inscription est annulée. Merci d’avoir libéré votre place.")

REFUSAL_STATUS = {"invalid": 400, "expired": 410}


def _refused(request, error: ValidationError):
    return render(
        request,
        "diagnostics/business_link/refused.html",
        {"message": error.messages[0]},
        status=REFUSAL_STATUS.get(error.code, 400),
    )


def signed_up_message(request, registration: SessionRegistration) -> None:
    if registration.status == SessionRegistration.Status.WAITING:
        messages.info(request, _(WAITING_MESSAGE))
    else:
        messages.success(request, _(REGISTERED_MESSAGE))


def session_page(view):
    """Opens the token's session link (or refuses it) and keeps the page out of any cache."""

    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        request.business_page = True
        try:
            link = services.session_link_open(token=token)
        except services.ServiceError as error:
            response = _refused(request, error)
        else:
            request.business_office = link.session.office or link.business.parent
            response = view(request, link, token, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapper


def _registration(link: SessionLink) -> SessionRegistration | None:
    return SessionRegistration.objects.filter(session=link.session, business=link.business).first()


@session_page
def session_link_home(request, link: SessionLink, token: str):
    registration = _registration(link)
    session = link.session
    now = timezone.now()
    attended = registration is not None and registration.attended is True
    form = None
    if attended:
        form = SurveyForm(
            initial={
                "useful": registration.useful,
                "next_step": registration.next_step,
                "comment": registration.comment,
            }
        )
    return render(
        request,
        "diagnostics/sessions/link.html",
        {
            "token": token,
            "session": session,
            "training": session.training,
            "office": request.business_office,
            "business": link.business,
            "registration": registration,
            "is_open": not session.is_cancelled and session.starts > now,
            "form": form,
        },
    )


@require_POST
@session_page
def session_link_sign_up(request, link: SessionLink, token: str):
    try:
        registration = services.registration_sign_up(
            session=link.session,
            business=link.business,
            source=SessionRegistration.Source.INVITATION,
        )
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        signed_up_message(request, registration)
    return redirect("diagnostics:session_link", token=token)


@require_POST
@session_page
def session_link_cancel(request, link: SessionLink, token: str):
    try:
        services.registration_cancel(
            session=link.session,
            business=link.business,
            base_url=request.build_absolute_uri("/"),
        )
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _(CANCELLED_MESSAGE))
    return redirect("diagnostics:session_link", token=token)


@require_POST
@session_page
def session_link_survey(request, link: SessionLink, token: str):
    registration = _registration(link)
    form = SurveyForm(request.POST)
    if registration is None or not form.is_valid():
        messages.error(request, _(services.ANSWER_INVALID))
        return redirect("diagnostics:session_link", token=token)
    try:
        services.survey_answer(registration=registration, **form.cleaned_data)
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Merci ! Vos réponses sont transmises à l’office."))
    return redirect("diagnostics:session_link", token=token)


@session_page
def session_link_ics(request, link: SessionLink, token: str):
    return ics_response(link.session, request.business_office)
