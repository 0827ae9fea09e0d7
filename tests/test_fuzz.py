"""Random and adversarial input on every form endpoint and on questionnaire fixtures.

Each Hypothesis example runs inside a savepoint that is rolled back, so examples
are independent. Whatever is posted, the site answers below 500, never touches
another office's data nor a submitted diagnostic, and never stores an incoherent
answer. Malformed questionnaire fixtures fail cleanly or load a sound questionnaire.
"""

import json
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.core.serializers.base import DeserializationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from diagnostics import selectors, services
from diagnostics.models import (
    Answer,
    Axis,
    AxisScore,
    Choice,
    Diagnostic,
    MaturityLevel,
    Question,
    Questionnaire,
)
from tests import factories

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "questionnaire_snut.json"
PASSWORD = "secret-pass"  # factories.make_user
NEW_PASSWORD = "Tourisme-2026!"

# Hundreds of examples: CI runs them, `make test-fast` does not.
pytestmark = [pytest.mark.slow, pytest.mark.postgres]  # NUL bytes: PostgreSQL refuses them


def fuzz(max_examples):
    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,  # no .hypothesis/ directory written by the suite
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


# --- the world: our office, a neighbour, drafts and submitted diagnostics ----------


@dataclass
class World:
    questionnaire: Questionnaire
    questions: list
    foreign_questions: list
    office: object
    other_office: object
    director: object
    draft: Diagnostic
    submitted: Diagnostic
    other_draft: Diagnostic
    other_submitted: Diagnostic
    closed_draft: Diagnostic  # ours, in a campaign that has closed: frozen too
    campaigns: dict

    @property
    def ids(self) -> list[str]:
        """Every id an attacker could try: ours, the neighbour's, another questionnaire's."""
        found = {q.pk for q in self.questions + self.foreign_questions}
        found |= {c.pk for q in self.questions + self.foreign_questions for c in q.choices.all()}
        found |= {c.pk for c in self.campaigns.values()}
        found |= {
            d.pk
            for d in (
                self.draft,
                self.submitted,
                self.other_draft,
                self.other_submitted,
                self.closed_draft,
            )
        }
        return sorted(str(i) for i in found)


def ordered_questions(questionnaire):
    return list(
        Question.objects.filter(questionnaire=questionnaire)
        .order_by("axis__order", "order")
        .select_related("axis")
        .prefetch_related("choices")
    )


@pytest.fixture
def world(db):
    """Our office (a draft, a submitted diagnostic, a draft in a closed campaign) and a neighbour."""
    questionnaire = factories.build_questionnaire(axes=2, questions=3)
    foreign = factories.build_questionnaire(axes=1, questions=2)
    campaigns = {
        "current": factories.open_campaign(questionnaire),  # both offices have a draft
        "past": factories.open_campaign(questionnaire),  # both offices submitted
        "spare": factories.open_campaign(questionnaire),  # nobody started
        "closed": factories.closed_campaign(questionnaire),
        "foreign": factories.open_campaign(foreign),
    }
    office = factories.make_office("Office de tourisme du Val d’Albret")
    other_office = factories.make_office("Office de tourisme de Port-Voisin")
    director = factories.make_user("directrice", office=office)
    stranger = factories.make_user("voisin", office=other_office)
    questions = ordered_questions(questionnaire)
    closed_draft = Diagnostic.objects.create(
        organisation=office, campaign=campaigns["closed"], questionnaire=questionnaire
    )
    Answer.objects.create(
        diagnostic=closed_draft, question=questions[0], choice=questions[0].choices.all()[1]
    )

    def diagnostic(owner, user, campaign, submit):
        diag = Diagnostic.objects.create(
            organisation=owner, campaign=campaign, questionnaire=questionnaire, created_by=user
        )
        if submit:
            factories.answer_all(diag, pick=lambda c: c[1])
            return services.diagnostic_submit(diagnostic=diag, user=user)
        first = questions[0]
        services.answer_save(
            diagnostic=diag,
            question=first,
            choice=first.choices.all()[0],
            comment="Vu en conseil",
            user=user,
        )
        return diag

    return World(
        questionnaire=questionnaire,
        questions=questions,
        foreign_questions=ordered_questions(foreign),
        office=office,
        other_office=other_office,
        director=director,
        draft=diagnostic(office, director, campaigns["current"], submit=False),
        submitted=diagnostic(office, director, campaigns["past"], submit=True),
        other_draft=diagnostic(other_office, stranger, campaigns["current"], submit=False),
        other_submitted=diagnostic(other_office, stranger, campaigns["past"], submit=True),
        closed_draft=closed_draft,
        campaigns=campaigns,
    )


# --- invariants -----------------------------------------------------------------


def protected_state(world, submitted_ids):
    """What no post may change: the neighbour's data, submitted diagnostics, our draft in a
    closed campaign, the questionnaires."""
    diagnostics = Diagnostic.objects.filter(
        Q(organisation=world.other_office) | Q(pk__in=[*submitted_ids, world.closed_draft.pk])
    ).order_by("pk")
    ids = [d["id"] for d in diagnostics.values("id")]
    return {
        "diagnostics": list(diagnostics.values()),
        "answers": list(Answer.objects.filter(diagnostic__in=ids).order_by("pk").values()),
        "scores": list(AxisScore.objects.filter(diagnostic__in=ids).order_by("pk").values()),
        "questions": list(Question.objects.order_by("pk").values()),
        "choices": list(Choice.objects.order_by("pk").values()),
    }


def assert_answers_coherent():
    for answer in Answer.objects.select_related("question", "diagnostic", "choice"):
        assert answer.choice_id is None or answer.choice.question_id == answer.question_id
        assert not (answer.choice_id and answer.not_applicable)
        assert not answer.not_applicable or answer.question.allow_not_applicable
        assert answer.question.questionnaire_id == answer.diagnostic.questionnaire_id
        assert len(answer.comment) <= services.COMMENT_MAX_LENGTH
        assert "\x00" not in answer.comment


def assert_submitted_scores_match_answers():
    for diagnostic in Diagnostic.objects.filter(status=Diagnostic.Status.SUBMITTED):
        profile = selectors.diagnostic_profile(diagnostic)
        stored = {
            s.axis_id: (s.score, s.level_id)
            for s in AxisScore.objects.filter(diagnostic=diagnostic)
        }
        assert stored == {
            r.axis.id: (services.score_decimal(r.score), r.level.id if r.level else None)
            for r in profile.axes
        }
        assert diagnostic.overall_score == services.score_decimal(profile.score)


@contextmanager
def guarded(world):
    """Runs one example in a rolled-back savepoint and checks the invariants around it."""
    with transaction.atomic():
        submitted_ids = list(
            Diagnostic.objects.filter(status=Diagnostic.Status.SUBMITTED).values_list(
                "pk", flat=True
            )
        )
        before = protected_state(world, submitted_ids)
        yield
        assert protected_state(world, submitted_ids) == before
        assert_answers_coherent()
        assert_submitted_scores_match_answers()
        transaction.set_rollback(True)


@pytest.fixture
def web():
    """One client per test: building one loads the middleware (WhiteNoise scans static/)."""
    return Client()


def logged_in(client, user) -> Client:
    """The client, logged in afresh as the user as stored now (examples may change passwords)."""
    client.cookies.clear()
    client.force_login(type(user).objects.get(pk=user.pk))
    return client


def anonymous(client) -> Client:
    client.cookies.clear()
    return client


# --- strategies -------------------------------------------------------------------

SPECIAL = [
    "",
    " ",
    "na",
    "NA",
    "-1",
    "0",
    "-0",
    "+1",
    "1.0",
    "1e3",
    "0x1F",
    "²",
    "١٢",
    "Ⅻ",
    "9" * 30,
    "null",
    "None",
    "[]",
    "on",
    "off",
    "false",
    "\x00",
    "1\x00",
    "שלום \u202eעולם",
    "مرحبا بكم",
    "' OR '1'='1",
    "<script>alert(1)</script>",
    "\r\n",
    "\ufeff1",
    "x" * 100_000,
    "é" * 2001,
    "  " + "a" * 2000 + "  ",
]


def values(world):
    ids = world.ids
    return st.one_of(
        st.sampled_from(ids),
        st.sampled_from(ids).map(lambda i: "00" + i),
        st.sampled_from(SPECIAL),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.text(max_size=30),
    )


def mostly(common, rare, weight=3):
    """`common` weight times out of weight + 1, else `rare`."""
    return st.sampled_from([True] * weight + [False]).flatmap(lambda c: common if c else rare)


def form_keys(world):
    known = ["continue", "quit", "confirm", "campaign", "csrfmiddlewaretoken"]
    for q in world.questions + world.foreign_questions:
        known += [f"q-{q.pk}", f"initial-q-{q.pk}", f"c-{q.pk}", f"initial-c-{q.pk}"]
    return st.one_of(st.sampled_from(known), st.text(max_size=12))


@st.composite
def pairs_for(draw, world, fields):
    """Form pairs from fields {key: (plausible, adversarial)}: each absent, once or repeated.

    Half the examples are clean (plausible values only) so that accepted posts get
    checked too; the others mix in adversarial values and noise keys.
    """
    clean = draw(st.booleans())
    pairs = []
    for key, (plausible, adversarial) in fields.items():
        for _ in range(draw(st.sampled_from([0, 1, 1, 1, 1, 2]))):
            pairs.append((key, draw(plausible if clean else mostly(plausible, adversarial))))
    if not clean:
        pairs += draw(st.lists(st.tuples(form_keys(world), values(world)), max_size=4))
    return draw(st.permutations(pairs))


def answer_fields(world, questions):
    """Answers to `questions`: their own choices, "na" or nothing; comments."""
    fields = {}
    for q in questions:
        plausible = st.sampled_from([str(c.pk) for c in q.choices.all()] + ["", "na"])
        fields |= {
            f"q-{q.pk}": (plausible, values(world)),
            f"initial-q-{q.pk}": (plausible, values(world)),
            f"c-{q.pk}": (st.sampled_from(["", "Budget voté", " À revoir "]), values(world)),
            f"initial-c-{q.pk}": (st.sampled_from(["", "Vu en conseil"]), values(world)),
        }
    return fields


ENCODINGS = ["multipart", "urlencoded", "empty", "json", "garbage"]


def post(client, url, pairs, encoding):
    """Posts the pairs (repeated keys allowed) in one of several body encodings."""
    if encoding == "multipart":
        data = {}
        for key, value in pairs:
            data.setdefault(key, []).append(value)
        return client.post(url, data)
    if encoding == "urlencoded":
        return client.post(url, urlencode(pairs), content_type="application/x-www-form-urlencoded")
    if encoding == "empty":
        return client.post(url, "", content_type="application/x-www-form-urlencoded")
    if encoding == "json":
        return client.post(url, json.dumps(dict(pairs)), content_type="application/json")
    return client.post(url, b"\xff\xfe\x00--\r\n", content_type="multipart/form-data; boundary=x")


def last(pairs, key, encoding, default=None):
    """What request.POST[key] gives for these pairs: the last value."""
    if encoding not in ("multipart", "urlencoded"):
        return default
    found = [v for k, v in pairs if k == key]
    return found[-1] if found else default


def targets(world):
    """Mostly our draft; else our frozen diagnostics, the neighbour's, unknown ids."""
    return mostly(
        st.just(world.draft.pk),
        st.sampled_from(
            [
                world.submitted.pk,
                world.closed_draft.pk,
                world.other_draft.pk,
                world.other_submitted.pk,
                0,
                10**25,
            ]
        ),
        weight=3,
    )


slugs = st.from_regex(r"[-a-zA-Z0-9_]{1,20}", fullmatch=True)


# --- endpoints --------------------------------------------------------------------


def assert_changes_saved(world, pairs, encoding, questions):
    """After an accepted post, every answer the user changed holds what was posted."""
    answers = {a.question_id: a for a in Answer.objects.filter(diagnostic=world.draft)}
    for q in questions:
        value = last(pairs, f"q-{q.pk}", encoding, "")
        initial = last(pairs, f"initial-q-{q.pk}", encoding, "") or ""
        if value and value != initial:
            answer = answers[q.pk]
            if value == "na":
                assert answer.not_applicable and answer.choice_id is None
            else:
                assert str(answer.choice_id) == value
        comment = (last(pairs, f"c-{q.pk}", encoding, "") or "").strip()
        initial_comment = (last(pairs, f"initial-c-{q.pk}", encoding, "") or "").strip()
        if comment and comment != initial_comment:
            assert answers[q.pk].comment == comment


def encodings():
    return mostly(
        st.sampled_from(["multipart", "urlencoded"]), st.sampled_from(["empty", "json", "garbage"])
    )


@fuzz(90)
@given(data=st.data())
def test_axis_page_survives_any_post(world, web, data):
    """Axis page (continue/quit): below 500, scoped to the member, only coherent answers."""
    pk = data.draw(targets(world))
    code = data.draw(mostly(st.sampled_from(["axe-1", "axe-2"]), slugs, weight=5))
    axis_questions = [q for q in world.questions if q.axis.code == code]
    fields = answer_fields(world, axis_questions or world.questions[:3])
    button = "continue" if data.draw(st.booleans()) else "quit"
    fields[button] = (st.sampled_from(["1", ""]), values(world))
    pairs = data.draw(pairs_for(world, fields))
    encoding = data.draw(encodings())
    with guarded(world):
        url = f"/diagnostics/{pk}/axes/{code}/"
        response = post(logged_in(web, world.director), url, pairs, encoding)
        event(f"status {response.status_code}")
        assert response.status_code < 500
        if pk in (world.other_draft.pk, world.other_submitted.pk, 0, 10**25):
            assert response.status_code == 404
        if pk == world.draft.pk and response.status_code == 302 and axis_questions:
            assert_changes_saved(world, pairs, encoding, axis_questions)


@fuzz(90)
@given(data=st.data())
def test_autosave_survives_any_post(world, web, data):
    """Autosave: below 500, JSON errors, scoped to the member, only coherent answers."""
    pk = data.draw(targets(world))
    question = data.draw(
        mostly(st.sampled_from(world.questions), st.sampled_from(world.foreign_questions))
    )
    question_pk = data.draw(
        mostly(st.just(question.pk), st.integers(min_value=0, max_value=10**25))
    )
    pairs = data.draw(pairs_for(world, answer_fields(world, [question])))
    encoding = data.draw(encodings())
    with guarded(world):
        client = logged_in(web, world.director)
        response = post(client, f"/diagnostics/{pk}/questions/{question_pk}/", pairs, encoding)
        event(f"status {response.status_code}")
        assert response.status_code < 500
        if pk in (world.other_draft.pk, world.other_submitted.pk, 0, 10**25):
            assert response.status_code == 404
        if response.status_code in (200, 400, 409):
            body = response.json()
            assert ("error" in body) == (response.status_code != 200)
        if response.status_code == 200:
            # (a post that changes nothing is fine even on the closed campaign's draft)
            assert pk in (world.draft.pk, world.closed_draft.pk)
            target = next(q for q in world.questions if q.pk == question_pk)  # the URL's
            if pk == world.draft.pk:
                assert_changes_saved(world, pairs, encoding, [target])


@fuzz(50)
@given(data=st.data())
def test_review_and_submission_survive_any_post(world, web, data):
    """Review page: only a complete, confirmed draft of our own office gets submitted."""
    pk = data.draw(targets(world))
    complete = data.draw(st.booleans())
    confirm = st.sampled_from(["on", "1", "true", "True", "false", "0", ""])
    pairs = data.draw(pairs_for(world, {"confirm": (confirm, values(world))}))
    encoding = data.draw(encodings())
    with guarded(world):
        if complete:
            Answer.objects.filter(diagnostic=world.draft).delete()
            factories.answer_all(world.draft)
        url = f"/diagnostics/{pk}/relecture/"
        response = post(logged_in(web, world.director), url, pairs, encoding)
        event(f"status {response.status_code}")
        assert response.status_code < 500
        value = last(pairs, "confirm", encoding)
        confirmed = bool(value) and value.lower() != "false"  # CheckboxInput: "0" is checked
        draft = Diagnostic.objects.get(pk=world.draft.pk)
        should_submit = pk == world.draft.pk and complete and confirmed
        event(f"submitted: {should_submit}")
        assert draft.is_submitted == should_submit
        if should_submit:
            assert response.url == reverse("diagnostics:results", args=[draft.pk])
            assert draft.submitted_by == world.director


@fuzz(50)
@given(data=st.data())
def test_start_survives_any_post(world, web, data):
    """« Commencer »: a draft only for our office, in an open campaign it has no diagnostic in."""
    slug = data.draw(
        mostly(st.just(world.office.slug), st.one_of(st.just(world.other_office.slug), slugs))
    )
    campaigns = st.sampled_from([str(c.pk) for c in world.campaigns.values()])
    pairs = data.draw(pairs_for(world, {"campaign": (campaigns, values(world))}))
    encoding = data.draw(encodings())
    with guarded(world):
        before = set(Diagnostic.objects.values_list("pk", flat=True))
        response = post(
            logged_in(web, world.director), f"/offices/{slug}/commencer/", pairs, encoding
        )
        event(f"status {response.status_code}")
        assert response.status_code < 500
        created = list(Diagnostic.objects.exclude(pk__in=before))
        event(f"started: {bool(created)}")
        value = last(pairs, "campaign", encoding)
        campaign_id = int(value) if value and value.isascii() and value.isdigit() else None
        # open campaigns where our office has no diagnostic (it submitted one in "past")
        startable = {world.campaigns[name].pk for name in ("spare", "foreign")}
        if slug == world.office.slug and campaign_id in startable:
            assert len(created) == 1
            assert response.url == reverse("diagnostics:resume", args=[created[0].pk])
            assert created[0].campaign_id == campaign_id
            assert created[0].questionnaire_id == created[0].campaign.questionnaire_id
            assert (created[0].organisation, created[0].created_by) == (
                world.office,
                world.director,
            )
        else:
            assert created == []


NEXT_URLS = [
    "/",
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http:///evil.example",
]


@fuzz(40)
@given(data=st.data())
def test_login_survives_any_post(world, web, data):
    """Login (with django-axes): below 500, safe redirects, in only with the right password."""
    fields = {
        "username": (st.sampled_from(["directrice", " ｄｉｒｅｃｔｒｉｃｅ "]), values(world)),
        "password": (mostly(st.just(PASSWORD), values(world), weight=2), values(world)),
        "next": (
            st.sampled_from(NEXT_URLS + [f"/diagnostics/{world.other_draft.pk}/"]),
            values(world),
        ),
    }
    attempts = data.draw(st.lists(pairs_for(world, fields), min_size=1, max_size=6))
    encoding = data.draw(encodings())
    with guarded(world):
        client = anonymous(web)
        for pairs in attempts:
            response = post(client, reverse("login"), pairs, encoding)
            event(f"status {response.status_code}")
            assert response.status_code < 500
            if response.status_code == 302:
                assert url_has_allowed_host_and_scheme(response.url, allowed_hosts={"testserver"})
            if "_auth_user_id" in client.session:
                username = last(pairs, "username", encoding)
                assert unicodedata.normalize("NFKC", username.strip()) == "directrice"
                assert last(pairs, "password", encoding) == PASSWORD
                break


@fuzz(30)
@given(data=st.data())
def test_password_change_survives_any_post(world, web, data):
    """Password change: below 500; the password changes only on a valid, confirmed request."""
    secrets = st.sampled_from([PASSWORD, NEW_PASSWORD, "Tourisme-2027!"])
    fields = {
        "old_password": (mostly(st.just(PASSWORD), secrets), values(world)),
        "new_password1": (mostly(st.just(NEW_PASSWORD), secrets), values(world)),
        "new_password2": (mostly(st.just(NEW_PASSWORD), secrets), values(world)),
    }
    pairs = data.draw(pairs_for(world, fields))
    encoding = data.draw(encodings())
    with guarded(world):
        response = post(logged_in(web, world.director), reverse("password_change"), pairs, encoding)
        event(f"status {response.status_code}")
        assert response.status_code < 500
        director = type(world.director).objects.get(pk=world.director.pk)
        if director.check_password(PASSWORD):
            assert response.status_code != 302 or last(pairs, "new_password1", encoding) == PASSWORD
        else:
            assert response.url == reverse("password_change_done")
            assert last(pairs, "old_password", encoding) == PASSWORD
            new = last(pairs, "new_password1", encoding)
            assert new == last(pairs, "new_password2", encoding)
            assert director.check_password(new)


# --- questionnaire fixtures ---------------------------------------------------------


def base_fixture() -> list[dict]:
    """The official fixture cut to two axes of three questions: quick to load, still real."""
    entries = json.loads(FIXTURE.read_text())
    axes = [e["fields"]["code"] for e in entries if e["model"] == "diagnostics.axis"][:2]
    codes = {
        code
        for axis in axes
        for code in [
            e["fields"]["code"]
            for e in entries
            if e["model"] == "diagnostics.question" and e["fields"]["axis"][2] == axis
        ][:3]
    }
    return [
        entry
        for entry in entries
        if entry["model"] in ("diagnostics.questionnaire", "diagnostics.maturitylevel")
        or (entry["model"] == "diagnostics.axis" and entry["fields"]["code"] in axes)
        or (entry["model"] == "diagnostics.question" and entry["fields"]["code"] in codes)
        or (entry["model"] == "diagnostics.choice" and entry["fields"]["question"][2] in codes)
    ]


BASE = base_fixture()
WRONG_VALUES = [None, "", "abc", -1, -5, 0, 1.5, True, [], {}, [1, 2], 10**6, "x" * 400]


def cross_link(question, entries) -> None:
    """Files a version-1 question (with its choices) under a version-2 axis."""
    if question["model"] != "diagnostics.question" or "code" not in question["fields"]:
        return
    code = question["fields"]["code"]
    new_code = f"{code}-v1"
    question["fields"] |= {"questionnaire": ["snut-ot", 1], "code": new_code}
    for entry in entries:
        if entry["model"] == "diagnostics.choice" and entry["fields"].get("question") == [
            "snut-ot",
            2,
            code,
        ]:
            entry["fields"]["question"] = ["snut-ot", 1, new_code]


def points_of(choice) -> int:
    points = choice["fields"].get("points", 0)
    return points if isinstance(points, int) else -1


@st.composite
def mutated_fixture(draw):
    """The base fixture with a few random mutations, as JSON text (or plain garbage)."""
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return draw(
            st.sampled_from(
                # (a top-level JSON scalar is left to test_loaddata_of_a_json_scalar below)
                [
                    "",
                    "not json",
                    "{}",
                    '"x"',
                    "[]",
                    "[1, 2]",
                    "[null]",
                    '[{"model": 1}]',
                    "[{",
                    "\x00",
                ]
            )
        )
    entries = json.loads(json.dumps(BASE))
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3, 4]))):
        kind = draw(
            st.sampled_from(
                [
                    "drop_field",
                    "wrong_type",
                    "negative_points",
                    "duplicate_entry",
                    "duplicate_code",
                    "remove_top_choice",
                    "remove_model",
                    "tie_top",
                    "zero_points",
                    "clear_recommendation",
                    "zero_weight",
                    "shift_levels",
                    "broken_reference",
                    "unknown_model",
                    "second_version",
                    "shuffle",
                ]
            )
        )
        if not entries:
            break
        index = draw(st.integers(min_value=0, max_value=len(entries) - 1))
        entry = entries[index]
        fields = entry.setdefault("fields", {})
        choices = [
            e
            for e in entries
            if e["model"] == "diagnostics.choice" and isinstance(e["fields"].get("question"), list)
        ]
        if kind == "drop_field" and fields:
            fields.pop(draw(st.sampled_from(sorted(fields))))
        elif kind == "wrong_type" and fields:
            fields[draw(st.sampled_from(sorted(fields)))] = draw(st.sampled_from(WRONG_VALUES))
        elif kind == "negative_points" and choices:
            draw(st.sampled_from(choices))["fields"]["points"] = -draw(st.integers(1, 5))
        elif kind == "duplicate_entry":
            entries.insert(draw(st.integers(0, len(entries))), json.loads(json.dumps(entry)))
        elif kind == "duplicate_code":
            same = [e for e in entries if e["model"] == entry["model"] and "code" in e["fields"]]
            if len(same) > 1 and "code" in fields:
                fields["code"] = draw(st.sampled_from(same))["fields"]["code"]
        elif kind in ("remove_top_choice", "tie_top", "zero_points", "clear_recommendation"):
            question = draw(
                st.sampled_from(
                    sorted({tuple(map(str, c["fields"]["question"])) for c in choices}) or [None]
                )
            )
            own = [c for c in choices if tuple(map(str, c["fields"]["question"])) == question]
            if own:
                top = max(own, key=lambda c: points_of(c))
                if kind == "remove_top_choice":
                    entries.remove(top)
                elif kind == "tie_top":
                    draw(st.sampled_from(own))["fields"]["points"] = points_of(top)
                elif kind == "zero_points":
                    for c in own:
                        c["fields"]["points"] = 0
                else:
                    draw(st.sampled_from(own))["fields"]["recommendation"] = " "
        elif kind == "remove_model":
            model = draw(st.sampled_from(sorted({e["model"] for e in entries}, key=str)))
            keep_one = draw(st.booleans())
            gone = [e for e in entries if e["model"] == model][keep_one:]
            entries = [e for e in entries if all(e is not g for g in gone)]
        elif kind == "zero_weight":
            weighted = [e for e in entries if "weight" in e["fields"]]
            if weighted:
                draw(st.sampled_from(weighted))["fields"]["weight"] = 0
        elif kind == "shift_levels":
            levels = [e for e in entries if e["model"] == "diagnostics.maturitylevel"]
            if levels:
                draw(st.sampled_from(levels))["fields"]["lower_bound"] = draw(
                    st.sampled_from([5, 10, 100, 101, 150, -1])
                )
        elif kind == "broken_reference":
            refs = [k for k, v in fields.items() if isinstance(v, list)]
            if refs:
                fields[draw(st.sampled_from(refs))] = draw(
                    st.sampled_from([["nope", 1], ["snut-ot"], ["snut-ot", 1, "nope"], [], "x"])
                )
        elif kind == "unknown_model":
            entry["model"] = draw(st.sampled_from(["diagnostics.nope", "nope", "", 3]))
        elif kind == "second_version":
            copy = json.loads(json.dumps(entries).replace('"snut-ot", 1', '"snut-ot", 2'))
            for e in copy:
                if e["model"] == "diagnostics.questionnaire":
                    e["fields"]["version"] = 2
            if draw(st.booleans()):
                cross_link(draw(st.sampled_from(copy)), copy)
            entries += copy
        elif kind == "shuffle":
            entries = draw(st.permutations(entries))
    return json.dumps(entries, ensure_ascii=False)


def structural_faults(questionnaire: Questionnaire) -> list[str]:
    """An independent statement of what scoring needs from a questionnaire."""
    faults = []
    bounds = sorted(
        MaturityLevel.objects.filter(questionnaire=questionnaire).values_list("lower_bound", "name")
    )
    if not bounds or bounds[0][0] != 0:
        faults.append("levels do not start at 0")
    faults += [f"level {b} unnamed" for b, name in bounds if not name.strip()]
    faults += [f"level {b} above 100" for b, _name in bounds if b > 100]
    axes = Axis.objects.filter(questionnaire=questionnaire)
    if not axes.exists():
        faults.append("no axis")
    strays = Question.objects.filter(questionnaire=questionnaire).exclude(axis__in=axes)
    faults += [f"question {q.code} filed under another questionnaire's axis" for q in strays]
    for axis in axes:
        if not axis.name.strip():
            faults.append(f"axis {axis.code} unnamed")
        if axis.weight <= 0:
            faults.append(f"axis {axis.code} weight")
        questions = Question.objects.filter(axis=axis)
        if not questions.exists():
            faults.append(f"axis {axis.code} empty")
        for question in questions:
            if question.questionnaire_id != questionnaire.pk:
                faults.append(f"question {question.code} in another questionnaire's axis")
            if not question.text.strip():
                faults.append(f"question {question.code} has no text")
            if question.weight <= 0:
                faults.append(f"question {question.code} weight")
            if any(not c.label.strip() for c in question.choices.all()):
                faults.append(f"question {question.code}: a choice has no label")
            points = sorted((c.points, c.recommendation) for c in question.choices.all())
            if len(points) < 2:
                faults.append(f"question {question.code} has {len(points)} choice(s)")
            if points and (points[-1][0] == 0 or [p for p, _r in points].count(points[-1][0]) > 1):
                faults.append(f"question {question.code} has no single best choice")
            if any(p < points[-1][0] and not r.strip() for p, r in points):
                faults.append(f"question {question.code}: a choice lacks its recommendation")
    return faults


# A clean refusal: the fixture is unreadable, or the database refuses a row
# (DataError: PostgreSQL refuses out-of-range numbers and over-long strings).
CLEAN_ERRORS = (CommandError, DeserializationError, ValidationError, IntegrityError, DataError)


def validates(questionnaire: Questionnaire) -> bool:
    try:
        call_command(
            "validate_questionnaire",
            questionnaire.code,
            questionnaire_version=questionnaire.version,
            stdout=StringIO(),
            stderr=StringIO(),
        )
    except CommandError:
        return False
    return True


@pytest.mark.filterwarnings("ignore:No fixture data found")
@fuzz(80)
@given(text=mutated_fixture())
def test_malformed_questionnaire_fixtures_fail_cleanly_or_load_soundly(db, tmp_path, text):
    """loaddata + validate_questionnaire: success or a clean error; valid exactly when sound."""
    path = tmp_path / "questionnaire.json"
    path.write_text(text, encoding="utf-8")
    with transaction.atomic():
        try:
            with transaction.atomic():
                call_command("loaddata", str(path), verbosity=0)
            event("loaddata: loaded")
        except CLEAN_ERRORS as error:
            event(f"loaddata: {type(error).__name__}")
        questionnaires = list(Questionnaire.objects.all())
        if not questionnaires:
            with pytest.raises(CommandError):
                call_command("validate_questionnaire", stdout=StringIO(), stderr=StringIO())
        for questionnaire in questionnaires:
            if not questionnaire.code:
                continue  # an empty code means « every questionnaire » to the command
            valid, faults = validates(questionnaire), structural_faults(questionnaire)
            event(f"validate: {'ok' if valid else 'refused'}")
            assert valid == (not faults), faults
        transaction.set_rollback(True)


def test_the_official_fixture_is_sound(db):
    """The oracle above agrees with validate_questionnaire on the real questionnaire."""
    call_command("loaddata", str(FIXTURE), verbosity=0)
    call_command("validate_questionnaire", stdout=StringIO())
    assert structural_faults(Questionnaire.objects.get(code="snut-ot")) == []


@pytest.mark.parametrize("text", ["null", "1", "true"])
def test_loaddata_of_a_json_scalar_fails_and_loads_nothing(db, tmp_path, text):
    """A fixture that is a bare JSON scalar is refused and leaves the database as it was.

    Django 5.2 raises TypeError rather than DeserializationError here (it iterates the
    scalar outside its wrapper); what matters to us is that nothing is loaded.
    """
    path = tmp_path / "scalar.json"
    path.write_text(text)
    with pytest.raises((DeserializationError, TypeError)), transaction.atomic():
        call_command("loaddata", str(path), verbosity=0)
    assert not Questionnaire.objects.exists()


def load_and_validate(tmp_path, entries, *args, **options) -> bool:
    path = tmp_path / "questionnaire.json"
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    call_command("loaddata", str(path), verbosity=0)
    try:
        call_command(
            "validate_questionnaire", *args, stdout=StringIO(), stderr=StringIO(), **options
        )
    except CommandError:
        return False
    return True


@pytest.mark.parametrize(
    ("model", "field"),
    [("question", "text"), ("choice", "label"), ("axis", "name")],
)
def test_validation_refuses_blank_wording(db, tmp_path, model, field):
    """A fixture entry without its wording loads with "" and must not pass validation."""
    entries = json.loads(json.dumps(BASE))
    next(e for e in entries if e["model"] == f"diagnostics.{model}")["fields"].pop(field)
    assert not load_and_validate(tmp_path, entries)


def test_validating_one_version_sees_its_question_filed_under_another(db, tmp_path):
    """validate_questionnaire snut-ot --questionnaire-version 1 flags its stray question.

    Version 1 would otherwise have a question that no axis page shows but that the
    office page counts and answer_save accepts.
    """
    entries = json.loads(json.dumps(BASE))
    copy = json.loads(json.dumps(entries).replace('"snut-ot", 1', '"snut-ot", 2'))
    next(e for e in copy if e["model"] == "diagnostics.questionnaire")["fields"]["version"] = 2
    cross_link(next(e for e in copy if e["model"] == "diagnostics.question"), copy)
    assert not load_and_validate(tmp_path, entries + copy, "snut-ot", questionnaire_version=2)
    stray = Question.objects.get(questionnaire__version=1, axis__questionnaire__version=2)
    assert stray.choices.count() >= 2  # the setup did what it says
    assert not load_and_validate(tmp_path, entries + copy, "snut-ot", questionnaire_version=1)
