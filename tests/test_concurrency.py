"""Real races on PostgreSQL: colleagues saving, submitting and starting at the same moment.

Each operation runs in its own thread, hence on its own database connection, and
a barrier releases them together. The row locks taken by the services must turn
every race into one of the orders a single user could have produced.
"""

import random
import threading
import time
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from diagnostics import selectors, services
from diagnostics.models import Answer, AxisScore, Diagnostic, Membership, Question
from tests import factories

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL; SQLite serialises writers anyway",
    ),
    pytest.mark.django_db(transaction=True),
]

TIMEOUT = 30  # seconds; a thread still running after that is a deadlock


def run_together(*tasks, delays=None):
    """Runs each task in its own thread once all are connected; returns results or exceptions."""
    barrier = threading.Barrier(len(tasks))
    delays = delays or [0] * len(tasks)
    results = [None] * len(tasks)

    def worker(index, task):
        try:
            connection.ensure_connection()  # connect before the start line, not after
            barrier.wait(timeout=TIMEOUT)
            if delays[index]:
                time.sleep(delays[index])
            results[index] = task()
        except Exception as error:  # handed back to the test, which decides
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, t)) for i, t in enumerate(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread never finished"
    return results


def choices(question):
    return sorted(question.choices.all(), key=lambda c: c.order)


def questions_of(questionnaire):
    return list(
        Question.objects.filter(questionnaire=questionnaire)
        .order_by("axis__order", "order")
        .prefetch_related("choices")
    )


def is_already_submitted(result) -> bool:
    return isinstance(result, ValidationError) and "a été soumis" in " ".join(result.messages)


def new_diagnostic(office, questionnaire, user) -> Diagnostic:
    """A fresh draft in its own campaign (one draft per office and campaign)."""
    campaign = factories.open_campaign(questionnaire)
    return Diagnostic.objects.create(
        organisation=office, campaign=campaign, questionnaire=questionnaire, created_by=user
    )


def stored_scores(diagnostic):
    rows = AxisScore.objects.filter(diagnostic=diagnostic)
    return {row.axis_id: (row.score, row.level_id, row.answered, row.total) for row in rows}


def recomputed_scores(diagnostic):
    """The scores the current answers give, rounded as the submission stores them."""
    profile = selectors.diagnostic_profile(diagnostic)
    axes = {
        result.axis.id: (
            services.score_decimal(result.score),
            result.level.id if result.level else None,
            result.answered,
            result.total,
        )
        for result in profile.axes
    }
    overall = (services.score_decimal(profile.score), profile.level.id if profile.level else None)
    return axes, overall


@pytest.fixture(autouse=True)
def _reports_not_printed(settings):
    """The races are about rows: the report each submission prints once committed (seconds
    of WeasyPrint on a busy machine, dozens of submissions here) is queued and left there."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def team():
    """An office with a director and a colleague."""
    office = factories.make_office()
    director = factories.make_user(office=office)
    colleague = factories.make_user(office=office, role=Membership.Role.MEMBER)
    return office, director, colleague


def test_two_members_saving_different_answers_at_once_both_land(team):
    """Twenty rounds of simultaneous saves to two questions: no answer is ever lost."""
    office, director, colleague = team
    questionnaire = factories.build_questionnaire(axes=4, questions=10)
    diagnostic = new_diagnostic(office, questionnaire, director)
    questions = questions_of(questionnaire)
    for round_, (q1, q2) in enumerate(zip(questions[0::2], questions[1::2], strict=True)):
        c1, c2 = choices(q1)[round_ % 4], choices(q2)[(round_ + 1) % 4]
        results = run_together(
            partial(
                services.answer_save, diagnostic=diagnostic, question=q1, choice=c1, user=director
            ),
            partial(
                services.answer_save, diagnostic=diagnostic, question=q2, choice=c2, user=colleague
            ),
        )
        assert all(isinstance(r, Answer) for r in results), results
        saved = {
            a.question_id: (a.choice_id, a.updated_by_id)
            for a in Answer.objects.filter(diagnostic=diagnostic)
        }
        assert saved[q1.pk] == (c1.pk, director.pk), round_
        assert saved[q2.pk] == (c2.pk, colleague.pk), round_
    assert Answer.objects.filter(diagnostic=diagnostic).count() == len(questions)


def test_two_members_posting_the_same_axis_page_at_once_keep_both_answers(team):
    """The same race through the axis page: each page only writes what its user changed."""
    office, director, colleague = team
    questionnaire = factories.build_questionnaire(axes=1, questions=6)
    questions = questions_of(questionnaire)
    clients = []
    for user in (director, colleague):
        client = Client()
        client.force_login(user)
        clients.append(client)
    for round_ in range(6):
        diagnostic = new_diagnostic(office, questionnaire, director)
        mine, theirs = questions[round_], questions[(round_ + 3) % len(questions)]
        picks = {mine.pk: choices(mine)[1], theirs.pk: choices(theirs)[2]}
        url = reverse("diagnostics:axis", args=[diagnostic.pk, "axe-1"])

        def page(question, pick):
            # Both pages were displayed empty; each user picks one answer.
            data = {"continue": "1"}
            for q in questions:
                data |= {f"q-{q.pk}": "", f"initial-q-{q.pk}": "", f"c-{q.pk}": ""}
                data[f"initial-c-{q.pk}"] = ""
            data[f"q-{question.pk}"] = str(pick.pk)
            return data

        results = run_together(
            partial(clients[0].post, url, page(mine, picks[mine.pk])),
            partial(clients[1].post, url, page(theirs, picks[theirs.pk])),
        )
        assert [getattr(r, "status_code", r) for r in results] == [302, 302]
        saved = {a.question_id: a.choice for a in Answer.objects.filter(diagnostic=diagnostic)}
        assert saved == picks, round_


def test_double_submission_at_once_submits_exactly_once(team):
    """Two « Soumettre » at the same moment: one wins, the other is told it was submitted."""
    office, director, _colleague = team
    co_director = factories.make_user(office=office)  # submitting is a director's act
    questionnaire = factories.build_questionnaire(axes=3, questions=4)
    for round_ in range(8):
        diagnostic = new_diagnostic(office, questionnaire, director)
        factories.answer_all(diagnostic, pick=lambda c, r=round_: c[r % len(c)])
        users = (director, co_director)
        results = run_together(
            *(partial(services.diagnostic_submit, diagnostic=diagnostic, user=u) for u in users)
        )
        wins = [(r, u) for r, u in zip(results, users, strict=True) if isinstance(r, Diagnostic)]
        losses = [r for r in results if not isinstance(r, Diagnostic)]
        assert len(wins) == 1 and len(losses) == 1, results
        assert is_already_submitted(losses[0]), losses[0]
        won, winner = wins[0]
        diagnostic.refresh_from_db()
        assert diagnostic.status == Diagnostic.Status.SUBMITTED
        assert (diagnostic.submitted_at, diagnostic.submitted_by_id) == (
            won.submitted_at,
            winner.pk,
        )
        assert AxisScore.objects.filter(diagnostic=diagnostic).count() == 3
        axes, overall = recomputed_scores(diagnostic)
        assert stored_scores(diagnostic) == axes
        assert (diagnostic.overall_score, diagnostic.overall_level_id) == overall


def test_submission_while_a_colleague_saves_lands_before_or_is_refused(team):
    """Submit and save race (either may start first): the answer is scored or refused, never lost.

    Every round starts from a complete diagnostic answered with the worst choices;
    the colleague switches one question to its best choice. Whatever the order,
    the stored scores are those of the final answers.
    """
    office, director, colleague = team
    questionnaire = factories.build_questionnaire(axes=3, questions=4)
    questions = questions_of(questionnaire)
    rng = random.Random(2026)
    outcomes = {"landed": 0, "refused": 0}
    for round_ in range(24):
        diagnostic = new_diagnostic(office, questionnaire, director)
        factories.answer_all(diagnostic, pick=lambda c: c[0])
        question = questions[round_ % len(questions)]
        best = choices(question)[-1]
        # Alternate who starts first, by a few milliseconds or not at all.
        late = rng.choice([0, 0.001, 0.003, 0.006])
        delays = [0, late] if round_ % 2 else [late, 0]
        submitted, saved = run_together(
            partial(services.diagnostic_submit, diagnostic=diagnostic, user=director),
            partial(
                services.answer_save,
                diagnostic=diagnostic,
                question=question,
                choice=best,
                user=colleague,
            ),
            delays=delays,
        )
        assert isinstance(submitted, Diagnostic), submitted
        answer = Answer.objects.get(diagnostic=diagnostic, question=question)
        if isinstance(saved, Answer):
            outcomes["landed"] += 1
            assert answer.choice_id == best.pk
        else:
            outcomes["refused"] += 1
            assert is_already_submitted(saved), saved
            assert answer.choice_id == choices(question)[0].pk
        diagnostic.refresh_from_db()
        # Never an answer changed after the submission, whichever came first.
        stamps = Answer.objects.filter(diagnostic=diagnostic).values_list("updated_at", flat=True)
        assert max(stamps) <= diagnostic.submitted_at, round_
        assert diagnostic.is_submitted and diagnostic.submitted_by_id == director.pk
        axes, overall = recomputed_scores(diagnostic)
        assert stored_scores(diagnostic) == axes, round_
        assert (diagnostic.overall_score, diagnostic.overall_level_id) == overall, round_
    # Both orders happened, so both branches above were checked.
    assert outcomes["landed"] and outcomes["refused"], outcomes


def test_no_answer_is_stamped_after_the_submission_that_scored_it(team):
    """Answer.updated_at <= submitted_at, even when the submission waited for a colleague.

    The colleague's axis page saves two answers in one transaction (as the axis
    view does); the submission arrives between them and waits for the row lock.
    """
    office, director, colleague = team
    questionnaire = factories.build_questionnaire(axes=2, questions=3)
    diagnostic = new_diagnostic(office, questionnaire, director)
    factories.answer_all(diagnostic, pick=lambda c: c[0])
    q1, q2 = questions_of(questionnaire)[:2]
    holding = threading.Event()

    def colleague_page():
        with transaction.atomic():
            services.answer_save(
                diagnostic=diagnostic, question=q1, choice=choices(q1)[3], user=colleague
            )
            holding.set()  # the diagnostic row is locked until this page commits
            time.sleep(0.3)
            services.answer_save(
                diagnostic=diagnostic, question=q2, choice=choices(q2)[3], user=colleague
            )

    def submit_meanwhile():
        assert holding.wait(TIMEOUT)
        return services.diagnostic_submit(diagnostic=diagnostic, user=director)

    page, submitted = run_together(colleague_page, submit_meanwhile)
    assert page is None and isinstance(submitted, Diagnostic), (page, submitted)
    diagnostic.refresh_from_db()
    axes, _overall = recomputed_scores(diagnostic)
    assert stored_scores(diagnostic) == axes  # both answers were scored...
    latest = max(a.updated_at for a in Answer.objects.filter(diagnostic=diagnostic))
    assert latest <= diagnostic.submitted_at  # ...so none may look later than the submission


def test_two_clicks_on_commencer_at_once_open_one_draft(team):
    """Two simultaneous « Commencer »: one draft, the other click gets a clear refusal."""
    office, director, colleague = team
    questionnaire = factories.build_questionnaire(axes=1, questions=2)
    for _round in range(8):
        campaign = factories.open_campaign(questionnaire)
        results = run_together(
            *(
                partial(services.diagnostic_start, organisation=office, campaign=campaign, user=u)
                for u in (director, colleague)
            )
        )
        started = [r for r in results if isinstance(r, Diagnostic)]
        refused = [r for r in results if not isinstance(r, Diagnostic)]
        assert len(started) == 1 and len(refused) == 1, results
        assert isinstance(refused[0], ValidationError), refused[0]
        assert "déjà en cours" in " ".join(refused[0].messages)
        drafts = Diagnostic.objects.filter(organisation=office, campaign=campaign)
        assert list(drafts.values_list("pk", "status")) == [
            (started[0].pk, Diagnostic.Status.DRAFT)
        ]


def test_two_directors_settling_the_same_question_at_once_settle_it_once(team):
    """« Avis de l’équipe »: two directors settle the same question from the same page at
    once, on different answers: one lands, the other is refused as a conflict, whole."""
    from diagnostics.services import opinions
    from diagnostics.services.answers import AnswerConflict

    office, director, _colleague = team
    second = factories.make_user(office=office)  # an office may have two directors
    questionnaire = factories.build_questionnaire(axes=1, questions=4)
    diagnostic = new_diagnostic(office, questionnaire, director)
    factories.answer_all(diagnostic, pick=lambda c: c[1])
    opinions.opinion_round_open(
        diagnostic=diagnostic,
        axis_ids=[questionnaire.axes.get().pk],
        asks_importance=False,
        user=director,
    )
    for question in questions_of(questionnaire):
        shown = str(Answer.objects.get(diagnostic=diagnostic, question=question).choice_id)
        picks = choices(question)[0], choices(question)[3]
        results = run_together(
            *(
                partial(
                    opinions.opinion_settle,
                    diagnostic=diagnostic,
                    question=question,
                    token=str(pick.pk),
                    expected=shown,
                    user=user,
                )
                for user, pick in zip((director, second), picks, strict=True)
            )
        )
        landed = [r for r in results if isinstance(r, Answer)]
        refused = [r for r in results if isinstance(r, AnswerConflict)]
        assert len(landed) == 1 and len(refused) == 1, results
        stored = Answer.objects.get(diagnostic=diagnostic, question=question)
        assert (stored.choice_id, stored.updated_by_id) == (
            landed[0].choice_id,
            landed[0].updated_by_id,
        )
