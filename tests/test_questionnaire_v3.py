"""The office questionnaire, version 3 (fixtures/questionnaire_snut_v3.json).

Version 2 duplicated and edited after the expert review of version 2
(`../shared/reviews/questionnaire-v2.md`); every flag and what v3 does with it is in
`fixtures/README.md`.
"""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import transaction

from diagnostics import services
from diagnostics.models import (
    Answer,
    Audience,
    AxisNarrative,
    Choice,
    Diagnostic,
    Question,
    Questionnaire,
)
from tests import factories
from tests.loaded import loaddata
from tests.snapshot import Snapshot

# What the shipped questionnaire says: checked on SQLite only in CI (the `content` mark).
pytestmark = pytest.mark.content

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
V2 = FIXTURES / "questionnaire_snut_v2.json"
V3 = FIXTURES / "questionnaire_snut_v3.json"

# Every version-2 code but mobilite-12, merged into accueil-11 and web-14: evolution,
# carry-over, the training catalogue, plans and pooling match questions by these codes.
KEPT_CODES = {
    "web": "web-01 web-02 web-13 web-04 web-05 web-06 web-07 web-14 web-09 web-12 web-15",
    "social": "social-01 social-02 social-03 social-04 social-13 social-06 social-07 "
    "social-08 social-09 social-10 social-11 social-12",
    "mobilite": "mobilite-01 mobilite-02 mobilite-03 mobilite-04 mobilite-05 mobilite-06 "
    "mobilite-07 mobilite-08 mobilite-09 mobilite-13",
    "infra": "infra-12 infra-13 infra-04 infra-09 infra-14",
    "accueil": "accueil-01 accueil-02 accueil-12 accueil-04 accueil-05 accueil-06 "
    "accueil-07 accueil-08 accueil-09 accueil-10 accueil-11 accueil-13",
    # infra-10 (cybersecurity) moved here from the weight-1 axis, with its code.
    "organisation": "organisation-01 organisation-13 organisation-14 organisation-03 "
    "organisation-04 organisation-05 organisation-06 organisation-07 organisation-17 "
    "organisation-18 organisation-15 organisation-16 organisation-08 organisation-11 infra-10",
}
DROPPED = {"mobilite-12"}
ADDED = {"organisation-19"}  # the renters of meublés de tourisme (review § 9.4)

# A deliberate choice never scores below neglect. vis-05, the fifth question the
# review names, belongs to the businesses' questionnaire.
DELIBERATE = {
    "infra-13": "Besoin étudié avec la collectivité",
    "mobilite-01": "Par choix, pas d’outil mobile propre",
    "web-09": "Par choix, clientèle étrangère marginale",
    "social-04": "Nous ne relayons pas",
}
NEGLECT = {
    "infra-13": "ne s’est jamais posée",
    "mobilite-01": "au coup par coup",
    "web-09": "n’existe qu’en français",
    "social-04": "sans toujours demander l’autorisation",
}

# Asking only happy customers for a review (« review gating ») is forbidden by Google
# and Tripadvisor: no text may advise it.
GATING = re.compile(
    r"(visiteurs|clients|voyageurs)\s+(satisfaits|contents|heureux|ravis)", re.IGNORECASE
)


def _texts(rows) -> list[str]:
    return [
        value
        for row in rows
        for field, value in row["fields"].items()
        if isinstance(value, str) and field not in ("code", "effort", "scale")
    ]


def _words(text: str) -> int:
    return len(re.findall(r"\w+(?:[’'-]\w+)*", text))


def _reading_minutes(rows) -> float:
    """The README's measure: words a director reads (questions, help texts, choices) at
    200 a minute, plus 15 s to decide each question."""
    questions = [r["fields"] for r in rows if r["model"] == "diagnostics.question"]
    labels = [r["fields"]["label"] for r in rows if r["model"] == "diagnostics.choice"]
    words = sum(_words(q["text"]) + _words(q["help_text"]) for q in questions)
    words += sum(_words(label) for label in labels)
    return words / 200 + len(questions) * 15 / 60


@pytest.fixture
def rows():
    return json.loads(V3.read_text(encoding="utf-8"))


# Session-scoped: a module-scoped fixture is set up again whenever another module's
# tests run between this one's on the same pytest-xdist worker.
@pytest.fixture(scope="session")
def three_versions(django_db_setup, django_db_blocker):
    """Versions 1, 2 and 3 loaded once for the test process (seconds), as a snapshot that each
    test restores (a tenth of one)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command(
            "loaddata",
            "questionnaire_snut",
            "questionnaire_snut_v2",
            "questionnaire_snut_v3",
            verbosity=0,
        )
        snapshot = Snapshot.take()
        transaction.set_rollback(True)
    return snapshot


@pytest.fixture
def snut_v3(db, three_versions):
    three_versions.restore()
    return Questionnaire.objects.get(code="snut-ot", version=3)


def _choice(questionnaire, code: str, fragment: str) -> Choice:
    return Choice.objects.get(
        question__questionnaire=questionnaire, question__code=code, label__contains=fragment
    )


def test_version_3_loads_after_1_and_2_published_valid_and_used_by_new_campaigns(snut_v3):
    assert snut_v3.status == Questionnaire.Status.PUBLISHED
    assert snut_v3.audience == Audience.OFFICES
    assert Questionnaire.objects.latest(Audience.OFFICES).get() == snut_v3
    out = StringIO()
    call_command("validate_questionnaire", "snut-ot", "--questionnaire-version", "3", stdout=out)
    assert "snut-ot v3 : structure valide" in out.getvalue().replace("\u00a0", " ")
    # Versions 1 and 2 are untouched: their diagnostics keep their questions.
    assert Question.objects.filter(questionnaire__version=1).count() == 69
    assert Question.objects.filter(questionnaire__version=2).count() == 66
    count = Question.objects.filter(questionnaire=snut_v3).count()
    assert f"{count} questions" in snut_v3.description


def test_version_3_keeps_the_codes_whose_meaning_stays(snut_v3):
    v2 = Questionnaire.objects.get(code="snut-ot", version=2)
    v2_codes = set(Question.objects.filter(questionnaire=v2).values_list("code", flat=True))
    by_axis = {
        axis.code: [q.code for q in axis.questions.order_by("order")]
        for axis in snut_v3.axes.order_by("order")
    }
    assert {axis: set(codes.split()) for axis, codes in KEPT_CODES.items()} == {
        axis: set(codes) - ADDED for axis, codes in by_axis.items()
    }
    kept = {code for codes in KEPT_CODES.values() for code in codes.split()}
    assert kept == v2_codes - DROPPED
    assert set(by_axis["organisation"]) >= ADDED
    # Cybersecurity now weighs like the other organisation questions (review, infra-10).
    infra_10 = Question.objects.get(questionnaire=snut_v3, code="infra-10")
    assert infra_10.axis.code == "organisation" and infra_10.weight == 3


def test_version_3_is_what_duplicating_version_2_makes_then_edits(db):
    """The fixture has the shape « Dupliquer en nouvelle version » gives (same models and
    fields, natural keys, no ids), and every question it changes is in the README table."""
    loaddata("questionnaire_snut", "questionnaire_snut_v2")
    v2 = Questionnaire.objects.get(code="snut-ot", version=2)
    copy = services.questionnaire_duplicate(questionnaire=v2)
    assert copy.version == 3
    objects = [
        copy,
        *copy.levels.all(),
        *copy.axes.all(),
        *AxisNarrative.objects.filter(axis__questionnaire=copy),
        *Question.objects.filter(questionnaire=copy),
        *Choice.objects.filter(question__questionnaire=copy),
    ]
    duplicated = json.loads(
        serializers.serialize(
            "json", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
    )
    fixture = json.loads(V3.read_text(encoding="utf-8"))
    assert all("pk" not in row for row in fixture)
    # The copy is a draft with a revision date; the fixture says « publié » and lets the
    # database date it on loading. A full questionnaire leaves the express fields empty.
    bookkeeping = {
        "status", "audience", "revised_at", "abbreviates", "margin_below", "margin_above",
        "shrinkage",
    }  # fmt: skip

    def shape(rows):
        return {(r["model"], frozenset(r["fields"]) - bookkeeping) for r in rows}

    assert shape(fixture) == shape(duplicated)

    def by_code(rows):
        parts = {}
        for r in rows:
            f = r["fields"]
            if r["model"] == "diagnostics.question":
                parts.setdefault(f["code"], []).append(sorted(f.items()))
            elif r["model"] == "diagnostics.choice":
                parts.setdefault(f["question"][2], []).append(sorted(f.items()))
        return {code: sorted(map(str, p)) for code, p in parts.items()}

    before, after = by_code(duplicated), by_code(fixture)
    changed = {code for code in before.keys() | after.keys() if before.get(code) != after.get(code)}
    documented = set(re.findall(r"[a-z]+-\d\d", (FIXTURES / "README.md").read_text()))
    assert changed and changed <= documented, sorted(changed - documented)


def test_a_deliberate_choice_never_scores_below_neglect(snut_v3):
    for code, fragment in DELIBERATE.items():
        deliberate = _choice(snut_v3, code, fragment)
        neglect = _choice(snut_v3, code, NEGLECT[code])
        assert deliberate.points > neglect.points, code
        assert deliberate.recommendation.strip(), code
    for code in ("infra-13", "mobilite-01", "web-09"):  # level 2, as the review asks
        assert _choice(snut_v3, code, DELIBERATE[code]).points == 2
    # Any « par choix » answer of the questionnaire scores above its question's lowest.
    for choice in Choice.objects.filter(
        question__questionnaire=snut_v3, label__icontains="par choix"
    ):
        lowest = min(c.points for c in choice.question.choices.all())
        assert choice.points > lowest, choice.question.code


def test_no_text_advises_asking_only_satisfied_visitors_for_reviews(rows):
    assert not [text for text in _texts(rows) if GATING.search(text)]
    social_08 = next(
        r["fields"]
        for r in rows
        if r["model"] == "diagnostics.choice" and r["fields"]["question"][2] == "social-08"
        if r["fields"]["order"] == 2
    )
    assert "inviter tous les visiteurs à laisser un avis" in social_08["recommendation"]
    # The check can fail: version 2 had the phrase.
    assert any(GATING.search(t) for t in _texts(json.loads(V2.read_text(encoding="utf-8"))))


def test_no_recommendation_contradicts_another_question(snut_v3):
    recommendations = " ".join(
        Choice.objects.filter(question__questionnaire=snut_v3).values_list(
            "recommendation", flat=True
        )
    )
    # A shared login goes against two-factor authentication (infra-10).
    assert "compte institutionnel partagé" not in recommendations
    # The office's web agency is not one of its « prestataires » (tourism businesses).
    assert "prestataire web" not in recommendations
    # Booking links come after the role in mise en marché is decided (organisation-16).
    first = _choice(snut_v3, "organisation-16", "Aucun rôle")
    assert first.recommendation.startswith("Décider")


def test_recommendations_point_to_snut_business_campaign(snut_v3):
    for code, order in [
        ("organisation-06", 0),
        ("organisation-06", 1),
        ("social-10", 0),
        ("organisation-17", 0),
    ]:
        choice = Choice.objects.get(
            question__questionnaire=snut_v3, question__code=code, order=order
        )
        assert "campagne" in choice.recommendation and "SNUT" in choice.recommendation, code
        assert choice.effort == "quick", code


def test_effort_follows_the_review(snut_v3):
    """The effort is the office's own work; a decision taken elsewhere is a chantier."""
    for code, order in [("web-02", 2), ("social-11", 3), ("organisation-13", 2)]:
        choice = Choice.objects.get(
            question__questionnaire=snut_v3, question__code=code, order=order
        )
        assert choice.effort == "worksite", code
        assert choice.recommendation.startswith(("Proposer", "Bâtir")), code


def test_version_3_reads_within_the_time_the_readme_states(rows):
    """About 47 minutes at 200 words a minute plus 15 s a decision (README), no longer
    than version 2."""
    v2 = json.loads(V2.read_text(encoding="utf-8"))
    assert round(_reading_minutes(v2)) == 47
    assert _reading_minutes(rows) <= 47


def test_version_3_follows_french_typography():
    text = V3.read_text(encoding="utf-8")
    assert "'" not in text, "apostrophe droite : utiliser ’"
    assert not re.search(r"[ \w][?!;:%]", text.replace("https:", "")), (
        "espace insécable attendue avant ? ! ; : %"
    )
    assert not re.search(r"«(?!\u00a0)|(?<!\u00a0)»", text), "guillemets sans espace insécable"
    assert "  " not in "".join(_texts(json.loads(text)))


def test_carry_over_from_a_version_2_diagnostic_to_version_3(snut_v3):
    v2 = Questionnaire.objects.get(code="snut-ot", version=2)
    office = factories.make_office()
    director = factories.director_of(office)
    last_year = factories.open_campaign(v2, name="Campagne 2025", days_ago=300)
    previous = services.diagnostic_start(organisation=office, campaign=last_year, user=director)
    factories.answer_all(previous, pick=lambda choices: choices[0])
    # Answers whose choice moved or was relabelled in version 3.
    for code, order in [("infra-13", 2), ("organisation-16", 2), ("infra-10", 3)]:
        Answer.objects.filter(diagnostic=previous, question__code=code).update(
            choice=Choice.objects.get(question__questionnaire=v2, question__code=code, order=order)
        )
    services.diagnostic_submit(diagnostic=previous, user=director)

    campaign = factories.open_campaign(snut_v3, name="Campagne 2026", days_ago=5)
    draft = services.diagnostic_start(
        organisation=office, campaign=campaign, user=director, carry_over=True
    )
    assert draft.questionnaire == snut_v3
    carried = {a.question.code: a for a in draft.answers.select_related("question__axis", "choice")}
    assert all(
        a.carried_over and a.choice.question.questionnaire_id == snut_v3.pk
        for a in carried.values()
    )
    kept = {code for codes in KEPT_CODES.values() for code in codes.split()}
    assert set(carried) == kept
    # social-04: « we don't relay » keeps its meaning and now scores above unauthorised relaying.
    assert carried["social-04"].choice.label == "Nous ne relayons pas de contenus d’autres auteurs."
    assert carried["social-04"].choice.points == 1
    # infra-13: the same answer, found by its label although a choice was inserted before it.
    assert carried["infra-13"].choice.label.startswith("Les points wifi répondent")
    # organisation-16: same rank, same meaning on the ladder rebased on the decision.
    assert (
        carried["organisation-16"].choice.label
        == "Le rôle est décidé, écrit et connu des prestataires."
    )
    # infra-10 follows its code into the organisation axis.
    assert carried["infra-10"].question.axis.code == "organisation"
    assert carried["infra-10"].choice.points == 3
    assert "organisation-19" not in carried and "mobilite-12" not in carried
    assert Diagnostic.objects.filter(organisation=office).count() == 2


def test_duplicating_keeps_the_audience(db):
    """The businesses' questionnaire duplicated stays the businesses' (it became an office
    questionnaire before)."""
    loaddata("questionnaire_prestataires")
    original = Questionnaire.objects.get(code="snut-prestataires", version=1)
    copy = services.questionnaire_duplicate(questionnaire=original)
    assert copy.audience == Audience.BUSINESSES == original.audience
    assert copy.status == Questionnaire.Status.DRAFT
