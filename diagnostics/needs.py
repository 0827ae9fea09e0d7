"""« Besoins et disponibilités »: what an office's businesses said they want, for « Mon
territoire ». Read path only (the selectors' layer): counts per answer of the unscored
questions of a business campaign, never a name.

Counts only from territory.MIN_GROUP submitted answers to a question: fewer would let
the office tell who asked for what.
"""

from dataclasses import dataclass

from django.db.models import Count

from diagnostics import selectors
from diagnostics.models import Answer, Campaign, Diagnostic, Office, Question
from diagnostics.selectors.territory import MIN_GROUP


@dataclass(frozen=True)
class NeedRow:
    label: str
    count: int


@dataclass(frozen=True)
class Need:
    question: Question
    answered: int  # submitted businesses that answered it with a choice
    rows: tuple[NeedRow, ...]  # every choice in order, most wanted first

    @property
    def shown(self) -> bool:
        return self.answered >= MIN_GROUP


def campaign_needs(office: Office, campaign: Campaign) -> list[Need]:
    """The unscored questions of the campaign's questionnaire with, for each choice, how
    many of the office's submitted businesses chose it. One query (none more for the
    questionnaire once frozen)."""
    structure = selectors.questionnaire_axes(campaign.questionnaire)
    questions = [q for axis in structure for q in axis.questions.all() if not q.scored]
    if not questions:
        return []
    counts = dict(
        Answer.objects.filter(
            diagnostic__campaign=campaign,
            diagnostic__status=Diagnostic.Status.SUBMITTED,
            diagnostic__organisation__parent=office,
            question__in=[q.pk for q in questions],
            choice__isnull=False,
        )
        .values_list("choice_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    needs = []
    for question in questions:
        choices = sorted(question.choices.all(), key=lambda c: c.order)
        rows = [NeedRow(c.label, counts.get(c.pk, 0)) for c in choices]
        rows.sort(key=lambda r: -r.count)  # stable: ties keep the questionnaire's order
        needs.append(Need(question, sum(r.count for r in rows), tuple(rows)))
    return needs
