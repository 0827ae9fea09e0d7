"""Demo businesses (prestataires) of three demo offices and their business campaigns.

Called by seed_demo. Idempotent: businesses are looked up by slug, campaigns by
name and organiser, and a business that already has a diagnostic or a live link
in its campaign is left alone. Profiles follow the activity (campsites sell
online, small restaurants rarely answer reviews, shops seldom sell online), so
that « Mon territoire » and the workshop programme have something to say.
"""

import random
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.utils import timezone
from django.utils.text import slugify

from diagnostics import applicability, selectors, services
from diagnostics.french import de
from diagnostics.models import (
    Answer,
    Audience,
    Business,
    BusinessLink,
    Campaign,
    Diagnostic,
    Office,
    Questionnaire,
)

S = Business.Segment
DEMO_DATA = Path(__file__).parent / "demo_data"


def demo_data(name: str) -> dict:
    """One of the demo's data files (TOML), read once, at import."""
    return tomllib.loads((DEMO_DATA / f"{name}.toml").read_text(encoding="utf-8"))


# The demo office's 40 businesses, then a dozen for each of two other offices whose
# names hold `{de}` for « de <commune> »: (name, activity, précision), from demo_data/.
DEMO_BUSINESSES = [
    (b["name"], S(b["segment"]), b["subtype"]) for b in demo_data("businesses")["demo"]
]
OTHER_BUSINESSES = [
    (b["name"], S(b["segment"]), b["subtype"]) for b in demo_data("businesses")["others"]
]

# How an activity tends to fare on each axis of the business questionnaire.
SEGMENT_BIAS = {
    S.ACCOMMODATION: {"resa": 0.15, "avis": 0.1, "secu": -0.1},
    S.FOOD: {"resa": -0.25, "avis": -0.3, "rel": -0.1},
    S.ACTIVITIES: {"vis": 0.1, "resa": 0.1, "secu": -0.15},
    S.SITES: {"vis": 0.15, "resa": -0.1, "rel": 0.05},
    S.SHOPS: {"vis": -0.1, "resa": -0.3, "avis": -0.1},
}
SUBTYPE_BIAS = {"camping": {"resa": 0.3}, "hôtel": {"resa": 0.2, "avis": 0.15}}
# Only furnished rentals register as such; few shops sell online.
NOT_CONCERNED = {
    "secu-05": lambda business: business.subtype not in ("gîte", "gîte de groupe"),
    "resa-02": lambda business: business.segment in (S.SHOPS, S.SITES),
}

DEMO_SUBMITTED, DEMO_STARTED = 30, 4  # the other 6 of the demo office: invited only
OTHER_SUBMITTED, OTHER_STARTED = 8, 2


def campaign_name(opens: date) -> str:
    return f"Diagnostic numérique des prestataires {opens.year}"


def seed_businesses(offices: list[Office], today: date) -> int:
    """Businesses, a business campaign and its diagnostics for each of `offices` (the
    demo office first): the number of diagnostics created. Nothing without a published
    business questionnaire (loaddata questionnaire_prestataires)."""
    questionnaire = Questionnaire.objects.latest(Audience.BUSINESSES).first()
    if questionnaire is None:
        return 0
    created = 0
    for index, office in enumerate(offices):
        if index == 0:
            rows, submitted, started = DEMO_BUSINESSES, DEMO_SUBMITTED, DEMO_STARTED
        else:
            rows = [(n.format(de=de(office.commune)), s, t) for n, s, t in OTHER_BUSINESSES]
            submitted, started = OTHER_SUBMITTED, OTHER_STARTED
        businesses = [_business(office, *row) for row in rows]
        campaign = _campaign(office, questionnaire, today)
        rng = random.Random(office.slug)
        # Interleaved, so that every activity has submitted, started and invited-only ones.
        order = sorted(businesses, key=lambda b: rng.random())
        for position, business in enumerate(order):
            if business.diagnostics.filter(campaign=campaign).exists():
                continue
            link = _link(business, campaign)
            if position >= submitted + started:
                continue  # invited, not started
            link.opened_at = timezone.make_aware(
                datetime.combine(campaign.opens + timedelta(days=2 + position % 20), time(9))
            )
            link.save(update_fields=["opened_at"])
            _diagnostic(business, campaign, rng, submit=position < submitted, opened=link.opened_at)
            created += 1
    return created


def demo_link(office: Office) -> tuple[Business, str] | None:
    """A fresh link for a business of `office` that has not submitted yet (invited only
    first): the business and its token, for `make run` to print."""
    campaign = _latest_campaign(office)
    if campaign is None:
        return None
    businesses = Business.objects.filter(parent=office).order_by("name")
    waiting = businesses.exclude(diagnostics__campaign=campaign)
    business = (
        waiting.first()
        or businesses.exclude(
            diagnostics__campaign=campaign, diagnostics__status=Diagnostic.Status.SUBMITTED
        ).first()
    )
    if business is None:
        return None
    _link, token = services.business_link_issue(business=business, campaign=campaign)
    return business, token


def _latest_campaign(office: Office) -> Campaign | None:
    return (
        Campaign.objects.filter(audience=Audience.BUSINESSES, organiser=office)
        .order_by("-opens", "-pk")
        .first()
    )


def _business(office: Office, name: str, segment: str, subtype: str) -> Business:
    slug = slugify(f"{name}-{office.commune}")[:200]
    business, _ = Business.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "parent": office,
            "department_id": office.department_id,
            "commune": office.commune,
            "segment": segment,
            "subtype": subtype,
            "email": f"contact@{slugify(name)[:40]}.example.org",
            "phone": f"05 53 {len(name):02d} {sum(map(ord, name)) % 100:02d} 00",
        },
    )
    return business


def _campaign(office: Office, questionnaire: Questionnaire, today: date) -> Campaign:
    opens = today - timedelta(days=45)
    campaign, _ = Campaign.objects.get_or_create(
        name=campaign_name(opens),
        organiser=office,
        defaults={
            "questionnaire": questionnaire,
            "audience": Audience.BUSINESSES,
            "opens": opens,
            "closes": today + timedelta(days=45),
        },
    )
    return campaign


def _link(business: Business, campaign: Campaign) -> BusinessLink:
    live = BusinessLink.objects.filter(
        business=business, campaign=campaign, revoked_at__isnull=True
    ).first()
    if live is not None:
        return live
    # The token goes in the invitation e-mail; the demo never sends it (see demo_link).
    link, _token = services.business_link_issue(
        business=business,
        campaign=campaign,
        now=timezone.make_aware(datetime.combine(campaign.opens, time(8))),
    )
    return link


def demo_answers(diagnostic, axes, *, rng, maturity, bias, spread, submit, not_applicable) -> None:
    """Plausible answers around `maturity` (0–1), shifted per axis by `bias`: every
    question when `submit`, else the first half of each axis (a draft). A question
    that allows it is « non concerné » when `not_applicable(question)` says so. Stored,
    and returned."""
    answers = []
    for axis in axes:
        questions = list(axis.questions.all())
        if not submit:
            questions = questions[: max(1, len(questions) // 2)]
        for question in questions:
            if question.allow_not_applicable and not_applicable(question):
                answers.append(
                    Answer(diagnostic=diagnostic, question=question, not_applicable=True)
                )
                continue
            choices = list(question.choices.all())
            p = min(0.98, max(0.0, rng.gauss(maturity + bias.get(axis.code, 0), spread)))
            answers.append(
                Answer(
                    diagnostic=diagnostic,
                    question=question,
                    choice=choices[round(p * (len(choices) - 1))],
                )
            )
    return Answer.objects.bulk_create(answers)


def answers_dated(diagnostic, axes, until, *, days: int) -> None:
    """Each axis's answers stamped at a sitting before `until`, the first axis `days` days
    earlier and the last a few minutes before, as a team that fills its diagnostic over
    several sittings (or a business on the phone, `days=0`) would have left them: a
    submitted demo diagnostic's « Répondu le … » then reads as a date before its submission,
    not as the day the demo was seeded; the diagnostic itself begun a few minutes before its
    first answer. Answers are saved with `auto_now`, hence the updates."""
    last = len(axes) - 1
    for index, axis in enumerate(axes):
        before = timedelta(
            days=(last - index) * days // max(last, 1), minutes=5 * (last - index + 1)
        )
        Answer.objects.filter(diagnostic=diagnostic, question__axis=axis).update(
            updated_at=until - before
        )
    begun = until - timedelta(days=days, minutes=5 * (last + 2))
    Diagnostic.objects.filter(pk=diagnostic.pk).update(created_at=begun)


def _diagnostic(business: Business, campaign: Campaign, rng, *, submit: bool, opened) -> None:
    diagnostic = services.diagnostic_start(organisation=business, campaign=campaign)
    maturity = rng.uniform(0.2, 0.8)
    bias = {**SEGMENT_BIAS.get(business.segment, {})}
    for code, shift in SUBTYPE_BIAS.get(business.subtype, {}).items():
        bias[code] = bias.get(code, 0) + shift
    axes = applicability.applicable(
        selectors.questionnaire_axes(campaign.questionnaire), business
    ).axes
    demo_answers(
        diagnostic,
        # Only the questions of its activity, as a business fills them.
        axes,
        rng=rng,
        maturity=maturity,
        bias=bias,
        spread=0.22,
        submit=submit,
        not_applicable=lambda q: NOT_CONCERNED.get(q.code, lambda b: False)(business),
    )
    if submit:
        # One business in five keeps its detailed answers from its office.
        share_details = rng.random() >= 0.2
        moment = opened + timedelta(days=rng.randint(0, 6), hours=1)
        answers_dated(diagnostic, axes, moment, days=0)
        with services.reports_printed_on_demand():
            services.diagnostic_submit(
                diagnostic=diagnostic, share_details=share_details, now=moment
            )
