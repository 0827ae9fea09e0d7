"""A business's copy (« Télécharger mes réponses »): its contact data, its links, every diagnostic
with its scores and answers, whatever its consent: the data is its own."""

import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from diagnostics.models import (
    Answer,
    AxisScore,
    Business,
    BusinessLink,
    Diagnostic,
    Organisation,
    SessionRegistration,
)
from diagnostics.personal_data.tables import json_value, number_value, when_text, yes_no
from diagnostics.spreadsheets import write_csv
from diagnostics.visibility import office_reads

BUSINESS_DIAGNOSTIC_HEADERS = [
    "campagne",
    "statut",
    "envoyé le",
    "l’office peut lire le détail",
    "score global",
    "niveau global",
]


ANSWER_HEADERS = [
    "axe",
    "code de la question",
    "question",
    "réponse choisie",
    "points",
    "non concerné",
    "commentaire",
    "reprise à confirmer",
    "modifiée le",
]


def answer_row(answer: Answer) -> list:
    return [
        answer.question.axis.name,
        answer.question.code,
        answer.question.text,
        answer.choice.label if answer.choice_id else "",
        answer.choice.points if answer.choice_id else None,
        yes_no(answer.not_applicable),
        answer.comment,
        yes_no(answer.carried_over),
        when_text(answer.updated_at),
    ]


def answers_of(diagnostic_ids):
    """Every answer of these diagnostics, in the questionnaire's order: one query."""
    return (
        Answer.objects.filter(diagnostic_id__in=diagnostic_ids)
        .select_related("question__axis", "choice", "updated_by")
        .order_by("diagnostic_id", "question__axis__order", "question__order", "pk")
    )


def answers_by_diagnostic(diagnostic_ids) -> dict[int, list[Answer]]:
    found = defaultdict(list)
    for answer in answers_of(diagnostic_ids):
        found[answer.diagnostic_id].append(answer)
    return found


def axis_scores_by_diagnostic(diagnostic_ids) -> dict[int, list[AxisScore]]:
    found = defaultdict(list)
    scores = (
        AxisScore.objects.filter(diagnostic_id__in=diagnostic_ids)
        .select_related("axis", "level")
        .order_by("diagnostic_id", "axis__order")
    )
    for score in scores:
        found[score.diagnostic_id].append(score)
    return found


@dataclass
class BusinessCopy:
    """Everything SNUT holds about one business, for its download (CSV or JSON)."""

    business: Organisation
    links: list[BusinessLink]
    diagnostics: list[Diagnostic]
    answers: dict[int, list[Answer]]
    axis_scores: dict[int, list[AxisScore]]
    made_at: datetime
    registrations: list[SessionRegistration] = field(default_factory=list)

    def contact(self) -> dict:
        business = self.business
        return {
            "nom": business.name,
            "activité": business.get_segment_display(),
            "précision": business.subtype,
            "commune": business.commune,
            "département": str(business.department),
            "adresse e-mail": business.email,
            "téléphone": business.phone,
            "site web": business.website,
            "office de tourisme": business.parent.name,
        }

    def as_json(self) -> dict:
        return {
            "téléchargé le": when_text(self.made_at),
            "prestataire": self.contact(),
            "liens personnels": [
                {
                    "campagne": link.campaign.name,
                    "créé le": when_text(link.created_at),
                    "expire le": when_text(link.expires_at),
                    "dernier envoi": when_text(link.last_sent_at),
                    "envois": link.sent_count,
                    "première ouverture": when_text(link.opened_at),
                    "désactivé le": when_text(link.revoked_at),
                    "re-diagnostic après un atelier": yes_no(link.rediagnosis),
                }
                for link in self.links
            ],
            "diagnostics": [
                {
                    "campagne": diagnostic.campaign.name,
                    "questionnaire": diagnostic.questionnaire.name,
                    "statut": diagnostic.get_status_display(),
                    "commencé le": when_text(diagnostic.created_at),
                    "modifié le": when_text(diagnostic.updated_at),
                    "envoyé le": when_text(diagnostic.submitted_at),
                    "l’office peut lire le détail": diagnostic.share_details,
                    "score global": number_value(diagnostic.overall_score),
                    "niveau global": diagnostic.overall_level.name
                    if diagnostic.overall_level_id
                    else "",
                    "scores par axe": [
                        {
                            "axe": score.axis.name,
                            "score": number_value(score.score),
                            "niveau": score.level.name if score.level_id else "",
                            "questions répondues": score.answered,
                            "questions": score.total,
                        }
                        for score in self.axis_scores.get(diagnostic.pk, [])
                    ],
                    "réponses": [
                        {
                            h: json_value(v)
                            for h, v in zip(ANSWER_HEADERS, answer_row(answer), strict=True)
                        }
                        for answer in self.answers.get(diagnostic.pk, [])
                    ],
                }
                for diagnostic in self.diagnostics
            ],
            "inscriptions aux ateliers": [
                {
                    "atelier": r.session.training.title,
                    "session": when_text(r.session.starts),
                    "statut": r.get_status_display(),
                    "origine": r.get_source_display(),
                    "inscrit le": when_text(r.registered_at),
                    "désinscrit le": when_text(r.cancelled_at),
                    "présent": "" if r.attended is None else yes_no(r.attended),
                    "atelier utile": r.get_useful_display(),
                    "et maintenant": r.get_next_step_display(),
                    "commentaire": r.comment,
                }
                for r in self.registrations
            ],
        }

    def json_bytes(self) -> bytes:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=2).encode("utf-8")

    def csv_rows(self) -> list[list]:
        """One row per answer, with the business's contact data and its diagnostic's
        scores on each, so that the file reads alone in a spreadsheet. A diagnostic
        without answer, or a business without diagnostic, still gets one row."""
        contact = self.contact()
        headers = [*contact, *BUSINESS_DIAGNOSTIC_HEADERS, "score de l’axe", *ANSWER_HEADERS]
        rows = [headers]
        base = list(contact.values())
        if not self.diagnostics:
            rows.append(base + [""] * (len(headers) - len(base)))
        for diagnostic in self.diagnostics:
            axis_score = {s.axis_id: s.score for s in self.axis_scores.get(diagnostic.pk, [])}
            head = [
                *base,
                diagnostic.campaign.name,
                diagnostic.get_status_display(),
                when_text(diagnostic.submitted_at),
                yes_no(diagnostic.share_details) if diagnostic.is_submitted else "",
                diagnostic.overall_score,
                diagnostic.overall_level.name if diagnostic.overall_level_id else "",
            ]
            answers = self.answers.get(diagnostic.pk, [])
            if not answers:
                rows.append(head + [""] * (len(headers) - len(head)))
            for answer in answers:
                rows.append([*head, axis_score.get(answer.question.axis_id), *answer_row(answer)])
        return rows

    def csv_bytes(self) -> bytes:
        handle = io.BytesIO()
        write_csv(self.csv_rows(), handle)
        return handle.getvalue()


def business_copy(business: Organisation, *, for_office: bool = False) -> BusinessCopy:
    """The business's data, in six queries whatever its number of answers.

    `for_office`: the copy its office downloads for it, which holds the answers and
    scores only of the diagnostics the business shared; the business itself gets all."""
    links = list(
        BusinessLink.objects.filter(business=business)
        .select_related("campaign")
        .order_by("created_at", "pk")
    )
    diagnostics = list(
        Diagnostic.objects.filter(organisation=business)
        .select_related("campaign", "questionnaire", "overall_level")
        .order_by("created_at", "pk")
    )
    if for_office:
        for diagnostic in diagnostics:
            if not office_reads(diagnostic):
                diagnostic.overall_score = diagnostic.overall_level = None
    ids = [d.pk for d in diagnostics if not for_office or office_reads(d)]
    registrations = list(
        SessionRegistration.objects.filter(business=business)
        .select_related("session__training")
        .order_by("registered_at", "pk")
    )
    return BusinessCopy(
        business=business,
        registrations=registrations,
        links=links,
        diagnostics=diagnostics,
        answers=answers_by_diagnostic(ids),
        axis_scores=axis_scores_by_diagnostic(ids),
        made_at=timezone.now(),
    )


def business_for_copy(pk: int) -> Organisation:
    """The business with what its copy names (office, department): one query."""
    return Business.objects.select_related("parent", "department").get(pk=pk)
