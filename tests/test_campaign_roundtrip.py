"""export_campaign then import_campaign gives back every row of a campaign, scores untouched."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from diagnostics import services
from diagnostics.models import (
    Answer,
    AxisScore,
    Campaign,
    Diagnostic,
    Membership,
    Office,
    Question,
    Questionnaire,
)
from tests import factories

pytestmark = pytest.mark.django_db

CAMPAIGN = "Campagne 2025 — «\u00a0été\u00a0»"
COMMENT = (
    "Refonte prévue\u00a0: « site mobile » d’abord, puis l’accueil — coût 3\u202f000\u00a0€\u202f?"
)
TAMPERED_SCORE = Decimal("12.34")


def _start(office, campaign, user, *, days_ago):
    """A diagnostic started days ago, at a time with microseconds."""
    diagnostic = services.diagnostic_start(organisation=office, campaign=campaign, user=user)
    created = timezone.now().replace(microsecond=123457) - timedelta(days=days_ago)
    Diagnostic.objects.filter(pk=diagnostic.pk).update(created_at=created)
    diagnostic.refresh_from_db()
    return diagnostic


@pytest.fixture
def campaign():
    questionnaire = factories.build_questionnaire(code="snut-test", axes=2, questions=3)
    campaign = factories.open_campaign(questionnaire, name=CAMPAIGN)
    albret = factories.make_office("Office du Val d’Albret", slug="val-d-albret")
    dronne = factories.make_office("Office de la Dronne", slug="dronne", department="24")
    landes = factories.make_office("Office des Landes", slug="landes", department="40")
    directrice = factories.make_user(
        "directrice", office=albret, first_name="Hélène", last_name="Éluard", email="h@ot.fr"
    )
    collegue = factories.make_user("collegue", office=albret, role=Membership.Role.MEMBER)
    dronne_director = factories.make_user("dronne", office=dronne)
    landes_director = factories.make_user("landes", office=landes)
    leaver = factories.make_user("partie", office=landes)

    best = _start(albret, campaign, directrice, days_ago=5)
    factories.answer_all(best)
    services.diagnostic_submit(diagnostic=best, user=directrice)

    worst = _start(dronne, campaign, dronne_director, days_ago=4)
    factories.answer_all(worst, pick=lambda choices: choices[0])
    services.diagnostic_submit(diagnostic=worst, user=dronne_director)

    mixed = _start(landes, campaign, landes_director, days_ago=3)
    factories.answer_all(mixed, pick=lambda choices: choices[1])
    not_applicable = Answer.objects.filter(diagnostic=mixed, question__allow_not_applicable=True)
    not_applicable.filter(question__axis__code="axe-1").update(choice=None, not_applicable=True)
    services.diagnostic_submit(diagnostic=mixed, user=leaver)
    # A score stored by an older formula: the import must not recompute it.
    Diagnostic.objects.filter(pk=mixed.pk).update(overall_score=TAMPERED_SCORE)
    # The author has left the office since: the export still carries the account.
    Membership.objects.filter(user=leaver).delete()

    # One diagnostic per office and campaign: the draft is another office's.
    bastides = factories.make_office("Office des Bastides", slug="bastides", department="47")
    Membership.objects.create(user=collegue, office=bastides, role=Membership.Role.MEMBER)
    draft = _start(bastides, campaign, collegue, days_ago=1)
    first, second = Question.objects.filter(questionnaire=campaign.questionnaire)[:2]
    services.answer_save(
        diagnostic=draft,
        question=first,
        choice=first.choices.get(order=2),
        comment=COMMENT,
        user=collegue,
    )
    services.answer_save(
        diagnostic=draft,
        question=second,
        comment="Pas encore décidé…",
        fields=("comment",),
        user=directrice,
    )
    return campaign


def snapshot():
    """Every row of the campaign as plain data keyed by natural identifiers."""
    User = get_user_model()
    diagnostic = ("organisation__slug", "created_at")

    def rows(queryset, *fields):
        return sorted(queryset.values_list(*fields), key=repr)

    return {
        "campaigns": rows(
            Campaign.objects,
            "questionnaire__code",
            "questionnaire__version",
            "name",
            "opens",
            "closes",
        ),
        "offices": rows(
            Office.objects,
            "slug",
            "name",
            "department",
            "commune",
            "segment",
            "legal_form",
            "staff_band",
        ),
        "users": rows(User.objects, "username", "first_name", "last_name", "email", "is_staff"),
        "memberships": rows(Membership.objects, "user__username", "office__slug", "role"),
        "diagnostics": rows(
            Diagnostic.objects,
            *diagnostic,
            "campaign__name",
            "questionnaire__code",
            "questionnaire__version",
            "status",
            "created_by__username",
            "updated_at",
            "submitted_by__username",
            "submitted_at",
            "overall_score",
            "overall_level__lower_bound",
            "weak_questions",
        ),
        "answers": rows(
            Answer.objects,
            *(f"diagnostic__{field}" for field in diagnostic),
            "question__code",
            "choice__question__code",
            "choice__order",
            "not_applicable",
            "comment",
            "updated_by__username",
            "updated_at",
        ),
        "scores": rows(
            AxisScore.objects,
            *(f"diagnostic__{field}" for field in diagnostic),
            "axis__code",
            "score",
            "level__lower_bound",
            "answered",
            "total",
        ),
    }


def wipe(campaign, *, shared=True):
    """Deletes the campaign's rows; with shared, its offices and accounts too."""
    Diagnostic.objects.filter(campaign=campaign).delete()
    campaign.delete()
    if shared:
        Office.objects.all().delete()
        get_user_model().objects.all().delete()


def export(campaign, path):
    out = _Out()
    call_command("export_campaign", campaign.name, "-o", str(path), stdout=out)
    return out.text


def import_(path):
    out = _Out()
    call_command("import_campaign", str(path), stdout=out)
    return out.text


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_roundtrip_restores_every_row_and_the_stored_scores(campaign, tmp_path):
    before = snapshot()
    assert len(before["diagnostics"]) == 4
    assert len(before["answers"]) == 3 * 6 + 2
    assert len(before["scores"]) == 3 * 2
    assert Diagnostic.objects.filter(status="submitted", overall_level__isnull=False).count() == 3
    assert Diagnostic.objects.filter(overall_score=TAMPERED_SCORE).exists()
    assert Answer.objects.filter(comment=COMMENT).exists()
    assert Answer.objects.filter(not_applicable=True).exists()
    assert {d.created_at.microsecond for d in Diagnostic.objects.all()} == {123457}

    path = tmp_path / "campagne.json"
    summary = export(campaign, path)
    assert summary.startswith("Campagne «\u00a0Campagne 2025")
    assert "4 diagnostics, 20 réponses, 6 scores par axe." in summary
    text = path.read_text(encoding="utf-8")
    assert COMMENT in text  # ensure_ascii=False
    assert "password" not in text
    assert '"pk"' not in text

    wipe(campaign)
    assert not Answer.objects.exists() and not Office.objects.exists()
    assert not get_user_model().objects.exists()

    summary = import_(path)
    assert "importée\u00a0: 4 diagnostics, 20 réponses, 6 scores par axe" in summary
    assert snapshot() == before
    for user in get_user_model().objects.all():
        assert not user.has_usable_password()


def test_a_file_older_than_the_weak_questions_gets_them_from_its_answers(campaign, tmp_path):
    """Diagnostics exported before they stored their weak questions: computed at import
    from the answers restored, as their submission would have; nothing else changes."""
    before = snapshot()
    weak = [row[-1] for row in before["diagnostics"]]
    assert sorted(map(len, weak)) == [0, 0, 5, 6]  # a draft, the best, the mixed, the worst
    path = tmp_path / "campagne.json"
    export(campaign, path)
    wipe(campaign)
    rows = json.loads(path.read_text(encoding="utf-8"))
    for row in rows:
        if row["model"] == "diagnostics.diagnostic":
            del row["fields"]["weak_questions"]
    path.write_text(json.dumps(rows), encoding="utf-8")
    import_(path)
    assert snapshot() == before


def test_import_keeps_offices_and_accounts_already_there(campaign, tmp_path):
    before = snapshot()
    path = tmp_path / "campagne.json"
    export(campaign, path)
    wipe(campaign, shared=False)
    Membership.objects.filter(user__username="collegue").update(role=Membership.Role.DIRECTOR)

    summary = import_(path)

    assert "0 offices créés, 4 déjà présents" in summary
    after = snapshot()
    assert after["diagnostics"] == before["diagnostics"]
    assert after["answers"] == before["answers"]
    assert after["scores"] == before["scores"]
    assert ("collegue", "val-d-albret", "director") in after["memberships"]
    assert get_user_model().objects.get(username="directrice").check_password("secret-pass")


def test_import_refuses_a_malformed_file_and_writes_nothing(campaign, tmp_path):
    before = snapshot()
    path = tmp_path / "cassé.json"
    path.write_text('[{"model": "diagnostics.campaign", ', encoding="utf-8")
    with pytest.raises(CommandError, match="Fichier mal formé\u00a0: .* n’est pas du JSON valide"):
        import_(path)
    path.write_text('{"model": "diagnostics.campaign"}', encoding="utf-8")
    with pytest.raises(CommandError, match="n’est pas un export de campagne\u00a0:"):
        import_(path)
    with pytest.raises(CommandError, match="Fichier introuvable\u00a0:"):
        import_(tmp_path / "absent.json")
    assert snapshot() == before


def test_import_refuses_an_existing_campaign_and_writes_nothing(campaign, tmp_path):
    path = tmp_path / "campagne.json"
    export(campaign, path)
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        import_(path)
    assert str(refused.value) == (
        f"La campagne «\u00a0{CAMPAIGN}\u00a0» existe déjà\u00a0: la base doit être vide "
        "pour cette campagne. Rien n’a été importé."
    )
    assert snapshot() == before


def test_import_refuses_a_missing_questionnaire_version(campaign, tmp_path):
    path = tmp_path / "campagne.json"
    export(campaign, path)
    wipe(campaign)
    rows = json.loads(path.read_text(encoding="utf-8"))
    for row in rows:
        if row["model"] == "diagnostics.campaign":
            row["fields"]["questionnaire"] = ["snut-test", 99]
    path.write_text(json.dumps(rows), encoding="utf-8")
    with pytest.raises(CommandError, match="«\u00a0snut-test\u00a0» version 99 est absent"):
        import_(path)
    assert not Office.objects.exists() and not Campaign.objects.exists()


def test_a_failure_midway_rolls_the_whole_import_back(campaign, tmp_path):
    path = tmp_path / "campagne.json"
    export(campaign, path)
    wipe(campaign)
    rows = json.loads(path.read_text(encoding="utf-8"))
    rows[-1]["fields"]["axis"][-1] = "axe-inconnu"
    path.write_text(json.dumps(rows), encoding="utf-8")
    with pytest.raises(CommandError, match="Import annulé, rien n’a été écrit\u00a0:"):
        import_(path)
    assert not get_user_model().objects.exists()
    assert not Office.objects.exists() and not Campaign.objects.exists()
    assert not Diagnostic.objects.exists() and not Answer.objects.exists()
    assert Questionnaire.objects.filter(code="snut-test").exists()


def test_imported_accounts_never_bring_rights_or_passwords(campaign, tmp_path):
    path = tmp_path / "campagne.json"
    export(campaign, path)
    wipe(campaign)
    rows = json.loads(path.read_text(encoding="utf-8"))
    user = next(row for row in rows if row["model"] == "auth.user")
    user["fields"].update(is_superuser=True, is_staff=True, password="md5$x$y")
    path.write_text(json.dumps(rows), encoding="utf-8")
    import_(path)
    account = get_user_model().objects.get(username=user["fields"]["username"])
    assert not account.is_superuser and not account.is_staff
    assert not account.has_usable_password()


def test_export_names_an_unknown_campaign(db):
    with pytest.raises(CommandError, match="Campagne introuvable\u00a0: «\u00a0Nulle part\u00a0»"):
        call_command("export_campaign", "Nulle part")
