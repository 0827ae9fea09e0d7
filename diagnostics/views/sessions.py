"""An office's workshop sessions: scheduling one from the programme, its page (who needs
it, invitations, registrations live, adding a business that phoned, cancelling), marking
who came on a phone, and a workshop's page with its figures. Who manages the office's
businesses acts; the workshop's figures are for every member."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnostics import access, ics, needs, services
from diagnostics.forms import SessionForm
from diagnostics.models import Business, SessionRegistration
from diagnostics.selectors import impact, programme, territory
from diagnostics.selectors import sessions as selectors
from snut import page_memo

DAYS_AHEAD = 21  # a suggested session leaves three weeks to invite and sign up
SESSION_HOURS = 2


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _needing(office, training, *, since=None):
    """The programme's entry for this workshop (who needs it, with their availability),
    or None: the same rule as the programme. With `since` (the view's recording, open
    since before the office was read), as kept (`_kept_entry`)."""
    campaign = territory.latest_business_campaign(office)
    if campaign is None:
        return None, {}
    if since is None or not settings.PAGE_PARTS_KEPT:
        return _entry(office, campaign, training)
    return _kept_entry(office, campaign, training, since)


def _entry(office, campaign, training):
    found = needs.workshop_programme(office, campaign)
    entry = next((p for p in found.proposed if p.training.pk == training.pk), None)
    return entry, found.availability


def _kept_entry(office, campaign, training, since):
    """The workshop's entry in the office's programme for `campaign`, with the availability
    of the businesses it names: the same whoever reads it (the office's businesses, its
    workshops and the network's catalogue, never the reader), kept in the shared cache until
    a table read since `since` began is written, as the programme page's part is
    (views/kept_parts.py), for `PAGE_MEMO_SECONDS` at most."""
    parts = (
        office.pk,
        campaign.pk,
        training.pk,
        translation.get_language(),
        timezone.localdate().isoformat(),
        page_memo.generation(),
    )

    def compute():
        entry, availability = _entry(office, campaign, training)
        named = {r.diagnostic_id for r in entry.named} if entry else set()
        return entry, {pk: when for pk, when in availability.items() if pk in named}

    return page_memo.kept(
        f"programme-entry:{hashlib.sha256(repr(parts).encode()).hexdigest()}",
        compute,
        settings.PAGE_MEMO_SECONDS,
        since=since,
        drafts="diagnostics:workshops" not in settings.PAGE_MEMO_BLIND_TO_DRAFTS,
    )


def _suggested(entry, availability) -> dict:
    """A first session: three weeks ahead on a Tuesday, at the time most of the businesses
    who need it prefer (a video link when they would rather follow at a distance)."""
    day = timezone.localdate() + timedelta(days=DAYS_AHEAD)
    day += timedelta(days=(1 - day.weekday()) % 7)
    ids = [r.diagnostic_id for r in entry.named] if entry else []
    preferred = needs.preferred_times(ids, availability)
    hour = needs.AVAILABILITY_HOURS.get(preferred[0][0].order) if preferred else None
    start = hour or needs.AVAILABILITY_HOURS[0]
    return {
        "day": day,
        "start": start,
        "end": start.replace(hour=min(start.hour + SESSION_HOURS, 23)),
        "capacity": 12,
        "remote": bool(preferred) and hour is None,
    }


@login_required
def session_schedule(request, slug, pk):
    """The programme's « Programmer une session »: a form filled in from the businesses'
    preferences; one more click schedules it."""
    office = access.office_for_business_manager(request.user, slug)
    training = get_object_or_404(programme.office_workshops(office), pk=pk)
    entry, availability = _needing(office, training)
    suggested = _suggested(entry, availability)
    form = SessionForm(
        request.POST or None,
        initial={
            **suggested,
            "facilitator": request.user.get_full_name(),
            "place": "" if suggested["remote"] else office.name,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = services.session_schedule(
                    office=office,
                    training=training,
                    starts=data["starts"],
                    ends=data["ends"],
                    place=data["place"],
                    video_link=data["video_link"],
                    capacity=data["capacity"],
                    facilitator=data["facilitator"],
                    partner=data["partner"],
                    user=request.user,
                    base_url=_base_url(request),
                )
            except services.ServiceError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Session programmée. Invitez maintenant les prestataires qui en ont besoin."),
                )
                return redirect("diagnostics:session", slug=office.slug, pk=session.pk)
    context = {
        "office": office,
        "training": training,
        "form": form,
        "entry": entry,
        "preferred": needs.preferred_times(
            [r.diagnostic_id for r in entry.named] if entry else [], availability
        ),
    }
    return render(request, "diagnostics/sessions/schedule.html", context, status=status)


def _session_context(request, office, session) -> dict:
    registrations = selectors.session_registrations(session)
    now = timezone.now()
    return {
        "office": office,
        "session": session,
        "training": session.training,
        "registrations": registrations,
        "is_past": session.starts <= now,
        "is_open": not session.is_cancelled and session.starts > now,
    }


@login_required
def session_page(request, slug, pk):
    # Who needs the workshop is the office's programme, kept for all who read it.
    with page_memo.recording(always=()) as reads:
        office, session = access.session_for_manager(request.user, slug, pk)
        entry, availability = _needing(office, session.training, since=reads)
    context = _session_context(request, office, session)
    invited = selectors.invited_business_ids(session)
    taken = {r.business_id for r in context["registrations"].expected}
    to_invite = [
        r
        for r in (entry.named if entry else [])
        if r.email and r.business_id not in invited | taken
    ]
    batch = request.GET.get("envoi", "")
    progress = None
    if batch.startswith(f"sessions-{office.pk}-{session.pk}-"):
        progress = services.messages_progress(batch_id=batch)
    context.update(
        {
            "entry": entry,
            "to_invite": to_invite,
            "invited": len(invited),
            "preferred": needs.preferred_times(
                [r.diagnostic_id for r in entry.named] if entry else [], availability
            ),
            "addable": selectors.addable_businesses(office, session),
            "progress": progress,
            "answers": selectors.session_answers(session) if context["is_past"] else None,
        }
    )
    return render(request, "diagnostics/sessions/session.html", context)


@login_required
def session_registrations(request, slug, pk):
    """The registrations' part of the session page, read again every few seconds."""
    office, session = access.session_for_manager(request.user, slug, pk)
    return render(
        request,
        "diagnostics/sessions/_registrations.html",
        _session_context(request, office, session),
    )


@login_required
@require_POST
def session_invite(request, slug, pk):
    """Invites the businesses the programme says need the workshop (named ones only)."""
    office, session = access.session_for_manager(request.user, slug, pk)
    entry, _availability = _needing(office, session.training)
    try:
        count, batch_id = services.session_invite(
            office=office,
            session=session,
            business_ids=[r.business_id for r in (entry.named if entry else [])],
            base_url=_base_url(request),
        )
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("diagnostics:session", slug=office.slug, pk=session.pk)
    messages.success(
        request,
        _("%(count)s invitation(s) en cours d’envoi, avec le fichier d’agenda de la session.")
        % {"count": count},
    )
    url = redirect("diagnostics:session", slug=office.slug, pk=session.pk).url
    return redirect(f"{url}?envoi={batch_id}#invitations")


@login_required
@require_POST
def session_add_business(request, slug, pk):
    """Registers a business of the office that phoned (or came to the door)."""
    office, session = access.session_for_manager(request.user, slug, pk)
    business_id = access.parse_id(request.POST.get("business"))
    business = Business.objects.filter(pk=business_id, parent=office).first()
    if business is None:
        messages.error(request, _("Choisissez un prestataire de votre office."))
        return redirect("diagnostics:session", slug=office.slug, pk=session.pk)
    try:
        registration = services.registration_sign_up(
            session=session,
            business=business,
            source=SessionRegistration.Source.OFFICE,
            user=request.user,
            base_url=_base_url(request),
        )
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if registration.status == SessionRegistration.Status.WAITING:
            messages.info(
                request,
                _("« %(name)s » est sur la liste d’attente : la session est complète.")
                % {"name": business.name},
            )
        else:
            messages.success(request, _("« %(name)s » est inscrit.") % {"name": business.name})
    back = "session_attendance" if request.POST.get("next") == "presences" else "session"
    return redirect(f"diagnostics:{back}", slug=office.slug, pk=session.pk)


@login_required
def session_attendance(request, slug, pk):
    """Who came: one checkbox per registered or waiting business, big enough for a phone."""
    office, session = access.session_for_manager(request.user, slug, pk)
    context = _session_context(request, office, session)
    if not context["is_past"]:
        messages.info(request, _(services.SESSION_NOT_STARTED))
        return redirect("diagnostics:session", slug=office.slug, pk=session.pk)
    if session.is_cancelled:
        raise Http404
    if request.method == "POST":
        present = {access.parse_id(v) for v in request.POST.getlist("present")}
        if None in present:
            return render(
                request,
                "diagnostics/sessions/attendance.html",
                {**context, "error": _("La liste envoyée n’est pas valide : rechargez la page.")},
                status=400,
            )
        try:
            came = services.attendance_mark(
                office=office, session=session, present=present, base_url=_base_url(request)
            )
        except services.ServiceError as error:
            return render(
                request,
                "diagnostics/sessions/attendance.html",
                {**context, "error": " ".join(error.messages)},
                status=400,
            )
        messages.success(
            request,
            _(
                "Présences enregistrées : %(count)s présent(s). Les participants reçoivent les deux questions."
            )
            % {"count": came},
        )
        return redirect("diagnostics:session", slug=office.slug, pk=session.pk)
    context["addable"] = selectors.addable_businesses(office, session)
    return render(request, "diagnostics/sessions/attendance.html", context)


@login_required
@require_POST
def session_cancel(request, slug, pk):
    office, session = access.session_for_manager(request.user, slug, pk)
    try:
        told = services.session_cancel(
            office=office,
            session=session,
            note=request.POST.get("note", ""),
            base_url=_base_url(request),
        )
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Session annulée : %(count)s prestataire(s) prévenu(s) par e-mail.")
            % {"count": told},
        )
    return redirect("diagnostics:session", slug=office.slug, pk=session.pk)


def ics_response(session, organiser) -> HttpResponse:
    response = HttpResponse(
        ics.session_calendar(
            session, organiser_name=organiser.name, organiser_email=organiser.email
        ),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{ics.filename(session)}"'
    return response


@login_required
def session_ics(request, slug, pk):
    office, session = access.session_for_manager(request.user, slug, pk)
    return ics_response(session, office)


@login_required
def workshop_page(request, slug, pk):
    """A workshop for the office: its sessions and what they add up to (registrations,
    attendance, the attendees' two answers)."""
    office, workshop = access.workshop_for_member(request.user, slug, pk)
    context = {
        "office": office,
        "workshop": workshop,
        "figures": selectors.workshop_figures(office, workshop),
        "can_manage": access.manages_businesses(office),
        # How the answers to its questions moved for its attendees (views/impact.py's reads).
        "evolution": impact.workshop_evolution(office, workshop),
        "min_group": territory.MIN_GROUP,
    }
    return render(request, "diagnostics/sessions/workshop.html", context)
