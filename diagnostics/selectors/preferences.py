"""Each business's wishes and availability, for the workshop programme: what its page, its
summary on the results page and the bilan count the same way (selectors/programme.py)."""

from dataclasses import dataclass

from diagnostics.models import Answer, Campaign, Office
from diagnostics.selectors.statistics import latest_submitted
from diagnostics.selectors.structure import questionnaire_axes

# The « besoins et disponibilités » questions of the businesses' questionnaire (version 2
# on) are read by their codes: the topic a business wants to work on first (WISH_QUESTION)
# meets the workshops on that axis or question (WISHED_TOPICS, by the choice's label), and
# when it is most available (AVAILABILITY_QUESTION) suggests the session's time. A
# questionnaire without them gives no wish and no availability.

WISH_QUESTION = "secu-90"
AVAILABILITY_QUESTION = "secu-92"
WISHED_TOPICS = {
    "Google, photos, réseaux sociaux": ("vis",),
    "Avis clients": ("avis",),
    "Réservation et vente en ligne": ("resa",),
    "Sécurité et règles": ("secu",),
    "Intelligence artificielle": ("secu-08",),
}


@dataclass(frozen=True)
class Availability:
    order: int
    label: str


@dataclass
class Preferences:
    """Per submitted diagnostic of the campaign: the question codes its topic wish meets,
    and when the business is most available."""

    wishes: dict[int, set[str]]
    availability: dict[int, Availability]


def business_preferences(office: Office, campaign: Campaign) -> Preferences:
    """The wishes and availability of the office's businesses' latest submitted diagnostics
    of the campaign: one query (none more for the questionnaire once frozen)."""
    structure = questionnaire_axes(campaign.questionnaire)
    by_code = {q.code: q for axis in structure for q in axis.questions.all()}
    axis_questions = {a.code: {q.code for q in a.questions.all()} for a in structure}
    asked = [by_code[c] for c in (WISH_QUESTION, AVAILABILITY_QUESTION) if c in by_code]
    preferences = Preferences({}, {})
    if not asked:
        return preferences
    topics: dict[int, set[str]] = {}
    times: dict[int, Availability] = {}
    for question in asked:
        for choice in question.choices.all():
            if question.code == WISH_QUESTION:
                codes = set()
                for code in WISHED_TOPICS.get(choice.label, ()):
                    codes |= axis_questions.get(code, {code} & set(by_code))
                topics[choice.pk] = codes
            else:
                times[choice.pk] = Availability(choice.order, choice.label)
    rows = Answer.objects.filter(
        diagnostic__in=latest_submitted().filter(campaign=campaign, organisation__parent=office),
        choice__in=[*topics, *times],
    ).values_list("diagnostic_id", "choice_id")
    for diagnostic_id, choice_id in rows:
        if choice_id in topics and topics[choice_id]:
            preferences.wishes.setdefault(diagnostic_id, set()).update(topics[choice_id])
        elif choice_id in times:
            preferences.availability[diagnostic_id] = times[choice_id]
    return preferences
