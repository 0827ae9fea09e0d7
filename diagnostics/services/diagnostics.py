"""A diagnostic's life: started (carrying the previous campaign's answers over), abandoned,
submitted with its scores, reopened by the network.

Every write to a diagnostic first locks its row, so a submission and a colleague's answer never
interleave: the answer lands before the submission or is refused after it."""

import logging
from collections.abc import Collection
from contextlib import ExitStack
from datetime import datetime
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from diagnostics import express, scoring, selectors
from diagnostics.access import is_director
from diagnostics.models import (
    Answer,
    Audience,
    AxisScore,
    Campaign,
    Choice,
    Diagnostic,
    DiagnosticReopening,
    Office,
    Organisation,
    Question,
)
from diagnostics.services.errors import ServiceError
from diagnostics.services.reports import (
    dashboard_figures_task,
    report_pdf_at_submission,
    report_pdf_enqueue,
)
from snut import table_stamps

CAMPAIGN_CLOSED = gettext_noop(
    "La campagne « {campaign} » n’est pas ouverte : elle court du {opens} au {closes}."
)
NOT_IN_AUDIENCE = gettext_noop(
    "La campagne « {campaign} » ne s’adresse pas à votre organisation : elle ne peut pas y "
    "répondre."
)
ALREADY_STARTED = gettext_noop(
    "Un diagnostic est déjà en cours pour cet office dans la campagne « {campaign} » : "
    "reprenez-le plutôt que d’en commencer un autre."
)
ALREADY_SUBMITTED = gettext_noop("Ce diagnostic a été soumis : il ne peut plus être modifié.")


ALREADY_SUBMITTED_IN_CAMPAIGN = gettext_noop(
    "Votre office a déjà soumis son diagnostic de la campagne « {campaign} » : "
    "un seul diagnostic par office et par campagne."
)
DIRECTOR_ONLY = gettext_noop(
    "Seule la direction de l’office peut soumettre ou abandonner le diagnostic : "
    "vos réponses sont enregistrées, elle le fera quand tout sera prêt."
)
NOTHING_TO_CARRY_OVER = gettext_noop(
    "Votre office n’a pas de diagnostic soumis lors d’une campagne précédente : "
    "il n’y a pas de réponses à reprendre."
)


# ngettext needs both forms as literals for the catalogue.
UNANSWERED_ONE = "Il reste {count} question sans réponse ou à confirmer : répondez-y (ou choisissez « non concerné » quand c’est possible) avant de soumettre."
UNANSWERED_MANY = "Il reste {count} questions sans réponse ou à confirmer : répondez-y (ou choisissez « non concerné » quand c’est possible) avant de soumettre."


logger = logging.getLogger("diagnostics.audit")


def check_open(campaign: Campaign, now: datetime | None) -> None:
    if not campaign.is_open(timezone.localdate(now) if now else None):
        raise ServiceError(
            _(CAMPAIGN_CLOSED).format(
                campaign=campaign.name,
                opens=campaign.opens.strftime("%d/%m/%Y"),
                closes=campaign.closes.strftime("%d/%m/%Y"),
            )
        )


def _check_director(user, office: Office) -> None:
    if not is_director(user, office):
        raise ServiceError(_(DIRECTOR_ONLY))


def diagnostic_start(
    *,
    organisation: Organisation,
    campaign: Campaign,
    user=None,
    carry_over: bool = False,
    now=None,
) -> Diagnostic:
    """Opens the organisation's one diagnostic of an open campaign of its audience.

    With `carry_over`, the answers of its diagnostic of the previous campaign
    pre-fill the questions of the same code, each to be confirmed. A business
    starts from its link, without an account: `user` is then None.
    """
    if not campaign.admits(organisation):
        raise ServiceError(_(NOT_IN_AUDIENCE).format(campaign=campaign.name))
    check_open(campaign, now)
    already = ServiceError(_(ALREADY_STARTED).format(campaign=campaign.name))
    # A business's draft is a row of its office's territory (table_stamps).
    office = organisation.parent_id if organisation.is_business else None
    try:
        with transaction.atomic(), ExitStack() as writes:
            if office is not None:
                writes.enter_context(table_stamps.office_writes(office))
            # Locking the office serialises two clicks on « Commencer »; the
            # database constraint still has the last word where locks are no-ops.
            Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
            existing = Diagnostic.objects.filter(
                organisation=organisation,
                campaign=campaign,
                status__in=[Diagnostic.Status.DRAFT, Diagnostic.Status.SUBMITTED],
            ).first()
            if existing is not None and existing.is_submitted:
                raise ServiceError(_(ALREADY_SUBMITTED_IN_CAMPAIGN).format(campaign=campaign.name))
            if existing is not None:
                raise already
            previous = None
            if carry_over:
                previous = selectors.previous_diagnostics(organisation.pk, campaign).first()
                if previous is None:
                    raise ServiceError(_(NOTHING_TO_CARRY_OVER))
            diagnostic = Diagnostic.objects.create(
                organisation=organisation,
                campaign=campaign,
                questionnaire_id=campaign.questionnaire_id,
                created_by=user,
            )
            if previous is not None:
                answers_carry_over(source=previous, diagnostic=diagnostic, user=user)
            return diagnostic
    except IntegrityError:
        raise already from None


def _matching_choice(old: Choice, question: Question) -> Choice | None:
    """The new question's choice that says what the old one said: same label, else the
    same rank when both questions have as many choices."""
    choices = list(question.choices.all())
    same_label = [c for c in choices if c.label.strip() == old.label.strip()]
    if same_label:
        return same_label[0]
    old_choices = list(old.question.choices.all())
    if len(old_choices) == len(choices):
        rank = [c.pk for c in old_choices].index(old.pk)
        return choices[rank]
    return None


def answers_carry_over(
    *, source: Diagnostic, diagnostic: Diagnostic, user, over_unconfirmed: bool = False
) -> int:
    """Pre-fills the draft's questions that have no answer yet with the source diagnostic's
    answers to the questions of the same code, each marked « à confirmer »; how many.
    With `over_unconfirmed`, an answer still « à confirmer » (carried from an older
    diagnostic) gives way too: a member's own answer never does."""
    existing = Answer.objects.filter(diagnostic=diagnostic)
    answered, unconfirmed = set(), {}
    for pk, carried_over, *value in existing.values_list(
        "question_id", "carried_over", "choice_id", "not_applicable", "comment"
    ):
        if over_unconfirmed and carried_over:
            unconfirmed[pk] = tuple(value)
        else:
            answered.add(pk)
    questions = {
        q.code: q
        for axis in selectors.questionnaire_axes(diagnostic.questionnaire)
        for q in axis.questions.all()
    }
    old_answers = Answer.objects.filter(diagnostic=source).select_related("question", "choice")
    old_answers = old_answers.prefetch_related("question__choices")
    carried = []
    for old in old_answers:
        question = questions.get(old.question.code)
        if question is None or question.pk in answered:
            continue
        choice = _matching_choice(old.choice, question) if old.choice_id else None
        not_applicable = old.not_applicable and question.allow_not_applicable
        if choice is None and not not_applicable and not old.comment:
            continue
        if unconfirmed.get(question.pk) == (choice and choice.pk, not_applicable, old.comment):
            continue  # already waiting for a confirmation, as it is
        carried.append(
            Answer(
                diagnostic=diagnostic,
                question=question,
                choice=choice,
                not_applicable=not_applicable,
                comment=old.comment,
                carried_over=True,
                updated_by=user,
            )
        )
    if over_unconfirmed:
        existing.filter(
            carried_over=True, question_id__in=[a.question.pk for a in carried]
        ).delete()
    Answer.objects.bulk_create(carried)
    return len(carried)


def diagnostic_abandon(*, diagnostic: Diagnostic, user) -> None:
    """Deletes a draft and its answers: the director's act, logged."""
    with transaction.atomic():
        locked = lock_draft(diagnostic)
        _check_director(user, locked.organisation)
        answers = locked.answers.count()
        locked.delete()
    logger.info(
        "diagnostic abandoned",
        extra={
            "diagnostic": diagnostic.pk,
            "organisation": diagnostic.organisation_id,
            "campaign": diagnostic.campaign_id,
            "answers": answers,
            "user": user.pk,
        },
    )


def lock_draft(diagnostic: Diagnostic) -> Diagnostic:
    """Re-reads the diagnostic under a row lock and checks it may still change."""
    locked = (
        Diagnostic.objects.select_for_update()
        .select_related("campaign", "organisation")
        .get(pk=diagnostic.pk)
    )
    if locked.status != Diagnostic.Status.DRAFT:
        raise ServiceError(_(ALREADY_SUBMITTED))
    return locked


def score_decimal(score: float | None) -> Decimal | None:
    return None if score is None else Decimal(f"{score:.2f}")


def diagnostic_submit(
    *,
    diagnostic: Diagnostic,
    user=None,
    share_details: bool = True,
    now: datetime | None = None,
) -> Diagnostic:
    """Freezes a complete diagnostic and stores its scores for good.

    An office's diagnostic is submitted by its director; a business's by the
    business itself, from its personal link (the caller checked it: no user),
    saying whether its office may read the detail of its answers.
    """
    with transaction.atomic(), ExitStack() as writes:
        locked = lock_draft(diagnostic)
        if not locked.organisation.is_business:
            _check_director(user, locked.organisation)
        else:  # of the tables scoped by office, only its office's rows (table_stamps)
            writes.enter_context(table_stamps.office_writes(locked.organisation.parent_id))
        # Read the clock once the lock is held: an answer saved while we waited
        # is scored, and stamped before the submission.
        now = now or timezone.now()
        check_open(locked.campaign, now)
        answers = selectors.scoring_answers(Answer.objects.filter(diagnostic=locked))
        profile = selectors.diagnostic_profile(locked, answers)
        missing = profile.total - profile.answered
        counted = [q.id for result in profile.axes for q in result.axis.questions]
        missing += Answer.objects.filter(
            diagnostic=locked, carried_over=True, question_id__in=counted
        ).count()
        if missing:
            message = ngettext(UNANSWERED_ONE, UNANSWERED_MANY, missing)
            raise ServiceError(message.format(count=missing))
        scores, overall = _submitted_scores(locked, profile)
        AxisScore.objects.bulk_create(
            AxisScore(
                diagnostic=locked,
                axis_id=result.axis.id,
                score=score_decimal(scores[result.axis.id][0]),
                level_id=scores[result.axis.id][1],
                answered=result.answered,
                total=result.total,
            )
            for result in profile.axes
        )
        locked.status = Diagnostic.Status.SUBMITTED
        locked.submitted_by = user
        locked.submitted_at = now
        locked.overall_score = score_decimal(overall[0])
        locked.overall_level_id = overall[1]
        locked.share_details = share_details if locked.organisation.is_business else True
        locked.weak_questions = selectors.weak_question_codes(locked.questionnaire, answers)
        locked.save()
        # The report is printed in the background once the submission is
        # committed, so that its first download is immediate; so are the
        # regional dashboard's figures, which the submission has made stale.
        if report_pdf_at_submission():
            transaction.on_commit(partial(report_pdf_enqueue, diagnostic_id=locked.pk), robust=True)
            if locked.campaign.audience == Audience.OFFICES:
                transaction.on_commit(
                    partial(dashboard_figures_task.enqueue, campaign_id=locked.campaign_id),
                    robust=True,
                )
    return locked


def weak_questions_store(*, diagnostic_ids: Collection[int]) -> int:
    """Stores the weak questions of these submitted diagnostics, computed from their answers
    as at their submission, for rows written without one (a campaign imported from a file
    older than the weak questions, rows seeded in bulk); nothing else of theirs changes.
    How many: three queries."""
    diagnostics = list(
        Diagnostic.objects.filter(
            pk__in=diagnostic_ids, status=Diagnostic.Status.SUBMITTED
        ).select_related("questionnaire")
    )
    answers: dict[int, list[scoring.AnswerSpec]] = {d.pk: [] for d in diagnostics}
    for diagnostic_id, *answer in Answer.objects.filter(diagnostic__in=answers).values_list(
        "diagnostic_id", "question_id", "choice_id", "not_applicable"
    ):
        answers[diagnostic_id].append(scoring.AnswerSpec(*answer))
    for diagnostic in diagnostics:
        diagnostic.weak_questions = selectors.weak_question_codes(
            diagnostic.questionnaire, answers[diagnostic.pk]
        )
    return Diagnostic.objects.bulk_update(diagnostics, ["weak_questions"])


def _submitted_scores(diagnostic: Diagnostic, profile: scoring.Profile):
    """The scores stored at submission: the profile's, or for an express diagnostic each
    axis's estimate (express.estimates, with its axis's shrinkage) and their weighted mean.
    (scores by axis id: (score, level id), and (overall, level id))."""

    def level_id(level):
        return level.id if level else None

    if not diagnostic.questionnaire.is_express:
        return (
            {r.axis.id: (r.score, level_id(r.level)) for r in profile.axes},
            (profile.score, level_id(profile.level)),
        )
    axes = selectors.questionnaire_axes(diagnostic.questionnaire)
    shrinkage = {axis.code: axis.shrinkage / 100 for axis in axes}
    estimated = express.estimates({r.axis.code: r.score for r in profile.axes}, shrinkage)
    levels = selectors.scoring_levels(diagnostic.questionnaire)
    scores = {
        r.axis.id: (
            estimated[r.axis.code],
            level_id(scoring.level_for(estimated[r.axis.code], levels)),
        )
        for r in profile.axes
    }
    overall = scoring.weighted_mean((r.axis.weight, estimated[r.axis.code]) for r in profile.axes)
    return scores, (overall, level_id(scoring.level_for(overall, levels)))


REOPEN_NOT_SUBMITTED = gettext_noop("Ce diagnostic n’est pas soumis : il n’y a rien à rouvrir.")
REOPEN_REASON_REQUIRED = gettext_noop(
    "Écrivez pourquoi ce diagnostic est rouvert : le motif est gardé dans son historique."
)
REOPEN_NOT_ALLOWED = gettext_noop("Seule l’équipe du réseau peut rouvrir un diagnostic soumis.")


def diagnostic_reopen(
    *, diagnostic: Diagnostic, user, reason: str, now: datetime | None = None
) -> DiagnosticReopening:
    """Puts a submitted diagnostic back to draft, for a written reason kept with its
    previous scores; refused once the campaign is closed."""
    reason = reason.strip()
    if not reason:
        raise ServiceError(_(REOPEN_REASON_REQUIRED))
    if not user.has_perm("diagnostics.reopen_diagnostic"):
        raise ServiceError(_(REOPEN_NOT_ALLOWED))
    with transaction.atomic():
        locked = (
            Diagnostic.objects.select_for_update().select_related("campaign").get(pk=diagnostic.pk)
        )
        if not locked.is_submitted:
            raise ServiceError(_(REOPEN_NOT_SUBMITTED))
        now = now or timezone.now()
        check_open(locked.campaign, now)
        scores = locked.axis_scores.select_related("axis", "level").order_by("axis__order")
        reopening = DiagnosticReopening.objects.create(
            diagnostic=locked,
            reopened_by=user,
            reopened_at=now,
            reason=reason,
            previous_submitted_at=locked.submitted_at,
            previous_overall_score=locked.overall_score,
            previous_axis_scores=[
                {
                    "axis": s.axis.code,
                    "name": s.axis.name,
                    "score": None if s.score is None else str(s.score),
                    "level": s.level.name if s.level else None,
                }
                for s in scores
            ],
        )
        scores.delete()
        locked.status = Diagnostic.Status.DRAFT
        locked.submitted_by = None
        locked.submitted_at = None
        locked.overall_score = None
        locked.overall_level = None
        locked.weak_questions = []  # written again at its next submission
        locked.save()
    return reopening
