"""« Avis de l’équipe », written: the director opens a draft to individual opinions, invites
people without an account through a personal link, and settles the team's answer; each
person gives their own opinion on their own page.

Personal links follow the house's rule (diagnostics/tokens.py): a person is created with the
hash of a token nobody knows, and the e-mail's task re-keys it just before the message
leaves, so no token sits in the queue. Settling goes through answers_save, the same
compare-and-set as autosave: it never overwrites a team answer newer than the page.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diagnostics import consensus
from diagnostics.access import is_director
from diagnostics.models import (
    Answer,
    Axis,
    AxisImportance,
    Choice,
    Diagnostic,
    ImportanceOpinion,
    Membership,
    Opinion,
    OpinionRound,
    Question,
    Respondent,
)
from diagnostics.services.answers import AnswerChange, answers_save
from diagnostics.services.diagnostics import ALREADY_SUBMITTED, check_open, lock_draft
from diagnostics.services.errors import ServiceError, ServiceForbidden
from diagnostics.services.mail import opinion_invitations_enqueue
from diagnostics.tokens import token_hash, unusable_hash

OPINIONS_DIRECTOR_ONLY = gettext_noop(
    "Seule la direction de l’office ouvre le diagnostic aux avis, invite et arrête la réponse "
    "de l’équipe."
)
OPINIONS_NO_AXIS = gettext_noop("Choisissez au moins un axe sur lequel demander l’avis de chacun.")
OPINIONS_NOT_OPEN = gettext_noop("Ce diagnostic n’est pas ouvert aux avis de l’équipe.")
OPINION_ROLE_UNKNOWN = gettext_noop(
    "Choisissez le rôle de la personne : élu·e, membre du conseil d’administration ou partenaire."
)
OPINION_NAME_REQUIRED = gettext_noop("Indiquez le nom de la personne invitée.")
OPINION_ALREADY_INVITED = gettext_noop("{email} est déjà invité·e à donner son avis.")
OPINION_MEMBER_EMAIL = gettext_noop(
    "{email} fait partie de l’équipe : elle donne son avis depuis son compte, sans invitation."
)
OPINION_NOT_INVITED = gettext_noop("Cette personne n’est pas invitée sur ce diagnostic.")
OPINION_LINK_INVALID = gettext_noop(
    "Ce lien n’est pas valide. Vérifiez qu’il a été copié en entier, ou demandez-en un nouveau "
    "à l’office."
)
OPINION_LINK_EXPIRED = gettext_noop(
    "Ce lien a expiré. Si l’office attend encore votre avis, demandez-lui un nouveau lien."
)
OPINION_LINK_REVOKED = gettext_noop(
    "Ce lien a été retiré par l’office : il n’ouvre plus rien. En cas de doute, contactez-le."
)
OPINION_INCOMPLETE = gettext_noop(
    "Répondez à chaque question (ou choisissez « non concerné » quand c’est proposé) avant "
    "d’envoyer votre avis."
)
OPINION_BAD_ANSWER = gettext_noop("Cette réponse n’appartient pas à la question posée.")
OPINION_QUESTION_NOT_ASKED = gettext_noop(
    "Cette question ne fait pas partie des axes soumis à l’avis."
)
OPINION_IMPORTANCE_INCOMPLETE = gettext_noop(
    "Dites pour chaque axe s’il est essentiel, important ou secondaire pour le territoire."
)

INVITED_ROLES = tuple(r for r in Respondent.Role.values if r != Respondent.Role.TEAM)


def _check_director(diagnostic: Diagnostic, user) -> None:
    if user is None or not is_director(user, diagnostic.organisation):
        raise ServiceForbidden(_(OPINIONS_DIRECTOR_ONLY))


def link_expiry(diagnostic: Diagnostic, now: datetime) -> datetime:
    """A person's link lives until the campaign closes, and at least the businesses'
    minimum from now (the same rule as their links)."""
    closes = datetime.combine(
        diagnostic.campaign.closes + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo
    )
    return max(closes, now + timedelta(days=settings.BUSINESS_LINK_MIN_AGE_DAYS))


def opinion_round_open(
    *,
    diagnostic: Diagnostic,
    axis_ids: list[int],
    asks_importance: bool,
    user,
    now: datetime | None = None,
) -> OpinionRound:
    """Opens the draft to opinions on these axes (or changes them), each member of the
    office's team asked; the director only."""
    _check_director(diagnostic, user)
    axes = list(Axis.objects.filter(questionnaire=diagnostic.questionnaire_id, pk__in=axis_ids))
    if not axes or len(axes) != len(set(axis_ids)):
        raise ServiceError(_(OPINIONS_NO_AXIS))
    with transaction.atomic():
        locked = lock_draft(diagnostic)
        check_open(locked.campaign, now)
        found, created = OpinionRound.objects.update_or_create(
            diagnostic=locked, defaults={"asks_importance": asks_importance}
        )
        if created:
            found.opened_by = user
            found.save(update_fields=["opened_by"])
        found.axes.set(axes)
        members = Membership.objects.filter(office=locked.organisation_id).values_list(
            "user_id", flat=True
        )
        asked = set(Respondent.objects.filter(round=found).values_list("user_id", flat=True))
        Respondent.objects.bulk_create(
            [Respondent(round=found, user_id=pk) for pk in members if pk not in asked]
        )
    return found


def _round(diagnostic: Diagnostic) -> OpinionRound:
    found = OpinionRound.objects.filter(diagnostic=diagnostic).first()
    if found is None:
        raise ServiceError(_(OPINIONS_NOT_OPEN))
    return found


def _send(respondents: list[Respondent], *, base_url: str, now: datetime) -> None:
    ids = [r.pk for r in respondents]
    opinion_invitations_enqueue(
        respondent_ids=ids, base_url=base_url, batch_id=f"opinions-{ids[0]}-{now.timestamp()}"
    )
    Respondent.objects.filter(pk__in=ids).update(last_sent_at=now)


def opinion_invite(
    *,
    diagnostic: Diagnostic,
    name: str,
    email: str,
    role: str,
    user,
    base_url: str,
    now: datetime | None = None,
) -> Respondent:
    """Invites a person without an account (an élu·e, a board member, a partner) to give
    their opinion, and e-mails them their personal link through the task queue."""
    _check_director(diagnostic, user)
    now = now or timezone.now()
    name, email = " ".join((name or "").split()), (email or "").strip().lower()
    if role not in INVITED_ROLES:
        raise ServiceError(_(OPINION_ROLE_UNKNOWN))
    if not name:
        raise ServiceError(_(OPINION_NAME_REQUIRED))
    if Membership.objects.filter(
        office=diagnostic.organisation_id, user__email__iexact=email
    ).exists():
        raise ServiceError(_(OPINION_MEMBER_EMAIL).format(email=email))
    with transaction.atomic():
        locked = lock_draft(diagnostic)
        check_open(locked.campaign, now)
        found = _round(locked)
        try:
            with transaction.atomic():
                respondent = Respondent.objects.create(
                    round=found,
                    role=role,
                    name=name[:150],
                    email=email,
                    token_hash=unusable_hash(),
                    created_at=now,
                    expires_at=link_expiry(locked, now),
                )
        except IntegrityError:
            raise ServiceError(_(OPINION_ALREADY_INVITED).format(email=email)) from None
    _send([respondent], base_url=base_url, now=now)
    return respondent


def _invited(diagnostic: Diagnostic, respondent_id: int) -> Respondent:
    found = Respondent.objects.filter(
        pk=respondent_id, round__diagnostic=diagnostic, user__isnull=True
    ).first()
    if found is None:
        raise ServiceError(_(OPINION_NOT_INVITED))
    return found


def opinion_invite_resend(
    *, diagnostic: Diagnostic, respondent_id: int, user, base_url: str, now=None
) -> Respondent:
    """Sends the person a new link (the previous one stops working), e.g. as a reminder."""
    _check_director(diagnostic, user)
    now = now or timezone.now()
    respondent = _invited(diagnostic, respondent_id)
    if respondent.revoked_at is not None:
        raise ServiceError(_(OPINION_LINK_REVOKED))
    if diagnostic.status != Diagnostic.Status.DRAFT:
        raise ServiceError(_(ALREADY_SUBMITTED))
    check_open(diagnostic.campaign, now)
    respondent.expires_at = link_expiry(diagnostic, now)
    respondent.save(update_fields=["expires_at"])
    _send([respondent], base_url=base_url, now=now)
    return respondent


def opinion_invite_revoke(
    *, diagnostic: Diagnostic, respondent_id: int, user, now=None
) -> Respondent:
    """The person's link stops working at once; an opinion already given stays counted."""
    _check_director(diagnostic, user)
    respondent = _invited(diagnostic, respondent_id)
    Respondent.objects.filter(pk=respondent.pk, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now(), token_hash=unusable_hash()
    )
    respondent.refresh_from_db()
    return respondent


def opinion_link_open(*, token: str, now: datetime | None = None) -> Respondent:
    """The person this token opens, or a French refusal with a code: "invalid", "expired",
    "revoked"."""
    now = now or timezone.now()
    found = (
        Respondent.objects.select_related(
            "round__diagnostic__organisation",
            "round__diagnostic__campaign",
            "round__diagnostic__questionnaire",
        )
        .filter(token_hash=token_hash(token or ""), user__isnull=True)
        .first()
    )
    if found is None:
        raise ServiceError(_(OPINION_LINK_INVALID), code="invalid")
    if found.revoked_at is not None:
        raise ServiceError(_(OPINION_LINK_REVOKED), code="revoked")
    if found.expires_at is None or found.expires_at <= now:
        raise ServiceError(_(OPINION_LINK_EXPIRED), code="expired")
    return found


def member_respondent(*, diagnostic: Diagnostic, user) -> Respondent:
    """The member's place among the people consulted (a member who joined the team after
    the opening gets one); the draft must be open to opinions."""
    found = _round(diagnostic)
    respondent, _created = Respondent.objects.get_or_create(round=found, user=user)
    return respondent


def opinions_save(
    *,
    respondent: Respondent,
    choices: dict[int, str],
    importances: dict[int, str] | None = None,
    now: datetime | None = None,
) -> Respondent:
    """Records a person's opinion on every question of the round's axes ({question id:
    answer token}, as the pages send them) and, for a person invited when the director asks
    it, the importance of every axis: all or nothing, while the draft may still change."""
    found = respondent.round
    questions = list(Question.objects.filter(axis__in=found.axes.all()).prefetch_related("choices"))
    if set(choices) != {q.pk for q in questions}:
        raise ServiceError(_(OPINION_INCOMPLETE))
    rows = []
    for question in questions:
        token = choices[question.pk]
        if token == consensus.NOT_APPLICABLE and question.allow_not_applicable:
            rows.append(Opinion(respondent=respondent, question=question, not_applicable=True))
            continue
        choice = next((c for c in question.choices.all() if str(c.pk) == token), None)
        if choice is None:
            raise ServiceError(_(OPINION_BAD_ANSWER))
        rows.append(Opinion(respondent=respondent, question=question, choice=choice))
    asked_importance = respondent.is_invited and found.asks_importance
    if asked_importance:
        axes = set(
            Axis.objects.filter(questionnaire=found.diagnostic.questionnaire_id).values_list(
                "pk", flat=True
            )
        )
        valid = set(AxisImportance.Importance.values)
        importances = importances or {}
        if set(importances) != axes or not set(importances.values()) <= valid:
            raise ServiceError(_(OPINION_IMPORTANCE_INCOMPLETE))
    with transaction.atomic():
        locked = lock_draft(found.diagnostic)
        check_open(locked.campaign, now)
        Opinion.objects.filter(respondent=respondent).delete()
        Opinion.objects.bulk_create(rows)
        if asked_importance:
            ImportanceOpinion.objects.filter(respondent=respondent).delete()
            ImportanceOpinion.objects.bulk_create(
                ImportanceOpinion(respondent=respondent, axis_id=pk, importance=value)
                for pk, value in importances.items()
            )
        respondent.answered_at = respondent.answered_at or now or timezone.now()
        respondent.save(update_fields=["answered_at"])
    return respondent


def opinion_settle(
    *,
    diagnostic: Diagnostic,
    question: Question,
    token: str,
    expected: str,
    user,
    now: datetime | None = None,
) -> Answer:
    """The director settles the team's answer to one question (« adopt the majority » or
    another answer): one deliberate act per question, through answers_save's compare-and-set
    (`expected`, the team's answer the page showed), so it never overwrites a newer one."""
    _check_director(diagnostic, user)
    found = _round(diagnostic)
    if not found.axes.filter(pk=question.axis_id).exists():
        raise ServiceError(_(OPINION_QUESTION_NOT_ASKED))
    choice = None
    not_applicable = token == consensus.NOT_APPLICABLE
    if not not_applicable:
        choice = Choice.objects.filter(question=question, pk=_id(token)).first()
        if choice is None:
            raise ServiceError(_(OPINION_BAD_ANSWER))
    change = AnswerChange(
        question=question,
        choice=choice,
        not_applicable=not_applicable,
        fields=("choice",),
        expected={"choice": expected},
        confirm=True,
    )
    return answers_save(diagnostic=diagnostic, changes=[change], user=user, now=now)[0]


def _id(token: str) -> int:
    return int(token) if token.isascii() and token.isdigit() else 0
