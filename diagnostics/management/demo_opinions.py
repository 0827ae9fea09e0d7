"""The demo's « Avis de l’équipe »: Castelroc's draft of the open campaign, opened to the
opinions of five people on two axes (two of the team, an élue, a board member, a partner),
who disagree on a few questions, the three invited also saying what matters for the
territory. Created through the services, except the invited people's links: the demo sends
no e-mail (« Renvoyer le lien » on the page sends one, printed by the console backend)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from diagnostics import selectors
from diagnostics.models import Diagnostic, Membership, OpinionRound, Respondent
from diagnostics.services import opinions
from diagnostics.tokens import unusable_hash

DEMO_OPINION_AXES = ("web", "social")
DEMO_OPINION_COLLEAGUE = "conseillere"  # Castelroc's other team member
# The invited: name, e-mail, role; then each one's lean (how far from the team's
# answer they place the office: -1 lower, 0 the same, +1 higher) on every question.
DEMO_INVITED = [
    ("Martine Cazaubon", "martine.cazaubon@castelroc.example", Respondent.Role.ELECTED),
    ("Jean-Luc Peyrot", "jean-luc.peyrot@castelroc.example", Respondent.Role.BOARD),
    ("Sophie Laffitte", "sophie.laffitte@gites-castelroc.example", Respondent.Role.PARTNER),
]
# Per person (team first, then the invited), the choice taken relative to the team's answer,
# question by question (cycled): real disagreement on some questions, agreement elsewhere.
DEMO_LEANS = [
    (0, 0, 0, 0, 1),
    (0, -1, 0, 0, 1),
    (0, -2, 0, 1, -1),
    (0, -1, 1, 0, -1),
    (0, 0, 0, 1, 1),
]
# What matters for the territory, according to the board and the partners.
DEMO_BOARD_IMPORTANCE = [
    {"web": "important", "social": "essential", "mobilite": "essential", "infra": "secondary"},
    {"web": "important", "social": "essential", "mobilite": "important", "infra": "secondary"},
    {"web": "essential", "social": "important", "mobilite": "essential", "infra": "important"},
]


def seed_opinions(office, campaign, director, password: str) -> int:
    """Opens the office's draft of `campaign` to opinions, once; returns how many people
    gave theirs (0 when it was done already or there is no draft)."""
    draft = Diagnostic.objects.filter(
        organisation=office, campaign=campaign, status=Diagnostic.Status.DRAFT
    ).first()
    if draft is None or OpinionRound.objects.filter(diagnostic=draft).exists():
        return 0
    colleague, created = get_user_model().objects.get_or_create(
        username=DEMO_OPINION_COLLEAGUE,
        defaults={
            "first_name": "Léa",
            "last_name": "Darrigade",
            "email": f"{DEMO_OPINION_COLLEAGUE}@snut.localhost",
        },
    )
    if created:
        colleague.set_password(password)
        colleague.save()
    Membership.objects.get_or_create(
        user=colleague, office=office, defaults={"role": Membership.Role.MEMBER}
    )
    axes = selectors.questionnaire_axes(draft.questionnaire)
    asked = [a for a in axes if a.code in DEMO_OPINION_AXES]
    opinions.opinion_round_open(
        diagnostic=draft, axis_ids=[a.pk for a in asked], asks_importance=True, user=director
    )
    found = OpinionRound.objects.get(diagnostic=draft)
    now = timezone.now()
    invited = [
        Respondent.objects.create(
            round=found,
            role=role,
            name=name,
            email=email,
            token_hash=unusable_hash(),
            created_at=now,
            expires_at=opinions.link_expiry(draft, now),
            last_sent_at=now - timedelta(days=3),
        )
        for name, email, role in DEMO_INVITED
    ]
    team = [Respondent.objects.get(round=found, user=u) for u in (director, colleague)]
    answers = {a.question_id: a for a in draft.answers.all()}
    for index, person in enumerate(team + invited):
        leans = DEMO_LEANS[index]
        choices = {}
        for number, question in enumerate(q for a in asked for q in a.questions.all()):
            ordered = list(question.choices.all())
            team_answer = answers.get(question.pk)
            at = next(
                (i for i, c in enumerate(ordered) if team_answer and c.pk == team_answer.choice_id),
                len(ordered) // 2,
            )
            at = min(len(ordered) - 1, max(0, at + leans[number % len(leans)]))
            choices[question.pk] = str(ordered[at].pk)
        importances = None
        if person.is_invited:
            wanted = DEMO_BOARD_IMPORTANCE[index - len(team)]
            importances = {a.pk: wanted.get(a.code, "important") for a in axes}
        opinions.opinions_save(respondent=person, choices=choices, importances=importances)
    return len(team) + len(invited)
