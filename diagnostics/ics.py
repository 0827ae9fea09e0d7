"""A session's calendar file (.ics, RFC 5545): the event in Paris time with its VTIMEZONE,
so that a calendar shows the right hour on either side of a change to summer time.

One UID per session: a cancellation (METHOD:CANCEL, a higher SEQUENCE) removes the event
the invitation added.
"""

from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from diagnostics.models import TrainingSession

PRODID = "-//SNUT//Ateliers//FR"


def _sender() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "no-reply@snut.localhost"


def session_uid(session: TrainingSession) -> str:
    return f"session-{session.pk}@{_sender().rpartition('@')[2]}"


def session_calendar(
    session: TrainingSession, *, organiser_name: str, organiser_email: str = "", url: str = ""
) -> bytes:
    """The session as an event (cancelled if it is), in Paris time with its VTIMEZONE."""
    paris = timezone.get_default_timezone()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if session.is_cancelled else "PUBLISH")
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts.astimezone(paris))
    event.add("dtend", session.ends.astimezone(paris))
    event.add("summary", session.training.title)
    event.add("location", session.place or session.video_link)
    description = [session.training.description]
    if session.video_link:
        description.append(session.video_link)
    if url:
        description.append(url)
    event.add("description", "\n\n".join(d for d in description if d))
    event.add(
        "organizer", f"mailto:{organiser_email or _sender()}", parameters={"CN": organiser_name}
    )
    if session.is_cancelled:
        event.add("status", "CANCELLED")
        event.add("sequence", 1)
    else:
        event.add("status", "CONFIRMED")
        event.add("sequence", 0)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def filename(session: TrainingSession) -> str:
    return f"atelier-{timezone.localdate(session.starts):%Y-%m-%d}-{session.pk}.ics"
