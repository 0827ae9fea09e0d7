"""Example sessions of the network's starter catalogue, on working days, so that priorities
and the staff's training needs show dates. Called by seed_demo; the catalogue itself is
snut_setup's, and the demo office's own workshop sessions are demo_sessions.py's."""

from datetime import date, datetime, time, timedelta

import holidays
from django.utils import timezone

from diagnostics.models import Training, TrainingSession
from diagnostics.services.setup import starter_trainings

# Example sessions of the starter catalogue (fixtures/formations_offices.json, installed by
# snut_setup), by the entry's key: (days from today, length in days, place). Each moves to
# the next working days (no weekend, no French public holiday).
DEMO_SESSIONS = {
    2001: [(35, 2, "Bordeaux, maison du tourisme"), (63, 2, "Bordeaux, maison du tourisme")],
    2002: [(16, 1, "Bordeaux"), (52, 1, "Pau")],
    2003: [(45, 1, "Périgueux")],
    2004: [(30, 1, "Pau")],
    2006: [(21, 1, "Périgueux"), (49, 1, "Pau")],
    2008: [(14, 1, "Agen")],
    2009: [(28, 1, "Mont-de-Marsan")],
    2010: [(42, 1, "Bordeaux")],
    2011: [(10, 1, "en ligne")],
    2012: [(56, 1, "Bordeaux")],
    2014: [(7, 1, "en ligne")],
    2015: [(77, 2, "Bordeaux, maison du tourisme")],
    2016: [(18, 1, "Agen"), (60, 1, "Mont-de-Marsan")],
    2017: [(24, 1, "en ligne")],
    2018: [(12, 1, "Bordeaux"), (40, 1, "Pau")],
    2021: [(70, 2, "Périgueux")],
}

# A session's hours by its training's format, as long as the catalogue says it lasts: a
# course's days from 9 h to 17 h, a workshop's 2 h, a webinar's 1 h 30, a half-day's
# coaching (a workshop read « Atelier de 2 h », then « 9 h – 17 h »).
HOURS = {
    Training.Format.COURSE: (time(9), time(17)),
    Training.Format.WORKSHOP: (time(9, 30), time(11, 30)),
    Training.Format.WEBINAR: (time(11), time(12, 30)),
    Training.Format.COACHING: (time(9), time(12, 30)),
}


def seed_catalogue_sessions(today: date) -> None:
    """Example sessions for the network's starter catalogue (once per training), so that
    priorities and « Besoins de formation » show dates; the catalogue itself is snut_setup's."""
    trainings = starter_trainings()
    for key, sessions in DEMO_SESSIONS.items():
        training = trainings.get(key)
        if training is None or training.sessions.exists():
            continue
        TrainingSession.objects.bulk_create(
            TrainingSession(
                training=training,
                starts=timezone.make_aware(datetime.combine(first, HOURS[training.format][0])),
                ends=timezone.make_aware(
                    datetime.combine(last or first, HOURS[training.format][1])
                ),
                place=place,
            )
            for first, last, place in (
                (*session_days(today + timedelta(days=days), length), place)
                for days, length, place in sessions
            )
        )


def session_days(day: date, length: int) -> tuple[date, date | None]:
    """A session of `length` days on the first run of working days from `day` on: no
    weekend, no French public holiday (no training on 25 December or 1 January)."""
    public_holidays = holidays.country_holidays("FR")
    while any(
        d.weekday() >= 5 or d in public_holidays
        for d in (day + timedelta(days=i) for i in range(length))
    ):
        day += timedelta(days=1)
    return day, day + timedelta(days=length - 1) if length > 1 else None
