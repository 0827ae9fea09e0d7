"""Every cache is invisible: after each of a sequence of writes made as the demo's users make
them, every page the caches keep reads, byte for byte, as the page computed with every cache
off.

What is kept: whole pages for their reader (snut/page_memo.py, settings.PAGE_MEMO), the
results, plan, « Mon territoire » and workshop programme parts for every reader of a role
(diagnostics/views/kept_parts.py), the values every page shares (`page_memo.kept`,
settings.PAGE_VALUES_KEPT), and what is kept under a key naming what it is drawn from: the
results page's fragments and plan layout (diagnostics/results_cache.py), the medians, the
businesses' weakest questions, the dashboard's figures in the shared cache and in the
database (selectors/stored_figures.py, the figures task). Off (`every_cache_off`): the three
settings, and the shared cache and the stored figures each an empty store of their own, so
that the reference draws everything from the tables.

Who reads: the demo office's director, a colleague (without, then with, the right to manage
the businesses), the director of a second office, the network's staff (« Réseau ») and a
superuser, each in their own browser, signed in once. Every page of settings.PAGE_MEMO they
may open is read after the seeding, then after each write the pages that may show it and a
few that should not: once with every cache off, then twice with the caches on. Both must be
the reference once the CSRF tokens are taken out, and the second view must be served again
without computing anything (the session's and the account's queries only). The writes, in
order, each through the app's own page where there is one: an autosave, an action added from
the results then updated, a business edited, a business added and every business not yet
invited invited, a member allowed to manage the businesses, a training session added and
another changed in the admin, the office renamed in the admin, a pooling opt-out, a
submission, the second office's business edited, a business's submission.

Left out, on purpose: the PDF report (`diagnostics:report_pdf`: a WeasyPrint print of ~2 s
each time it is computed, two a step) and its print at submission (skipped); the bilan as
PDF or XLSX (the PDF prints the time it was made, openpyxl dates its file: the CSV is read);
pages no cache keeps (the forms, the businesses' list); a person consulted on a draft
(« Avis de l’équipe ») as a reader; writes not made here (targets, opinions, an office's
own workshops and their registrations, a CSV import, a diagnostic reopened); the clock (what
`PAGE_MEMO_SECONDS` lets move on); writes made outside Django or by a task worker of its own
(the immediate backend runs each task in the process, at commit).
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.html import escape

from diagnostics.models import (
    Business,
    Diagnostic,
    Membership,
    Question,
    Training,
    TrainingSession,
)
from tests.caching_reference import (
    BUSINESS_TOKEN,
    Demo,
    answers_completed,
    form_fields,
    posted,
)

# On SQLite in CI (~9 s; `slow`): what a page read and what a write wrote are found in the
# SQL each database is sent (snut/table_stamps.py), which tests/test_table_stamps.py and
# tests/test_page_memo.py check on PostgreSQL too; this module, run there by hand
# (DATABASE_URL=postgres://…, 2026-12-06: ~10 s), found every page the same.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("caching-is-invisible"),
]


def an_autosave(demo: Demo) -> list[str]:
    """The second office's director answers one more question of her draft."""
    draft = demo.draft
    question = (
        Question.objects.filter(questionnaire=draft.questionnaire)
        .exclude(answers__diagnostic=draft)
        .order_by("pk")
        .first()
    )
    choice = question.choices.order_by("order").last()
    response = demo.acting["other"].post(
        reverse("diagnostics:autosave", args=[draft.pk, question.pk]),
        {f"q-{question.pk}": choice.pk},
    )
    assert response.status_code == 200, response.content
    return ["other:office", "other:review", "network:diagnostics", "network:draft",
            "network:dashboard", "director:plan"]  # fmt: skip


def an_action_added_from_the_results(demo: Demo) -> list[str]:
    """The director adds one of his priorities to the plan (« Ajouter au plan »)."""
    page = demo.readers["director"].get(demo.pages["director:results"]).text
    demo.priority = re.search(r'name="question" value="(\d+)"', page).group(1)
    posted(
        demo.acting["director"],
        reverse("diagnostics:plan_priority", args=[demo.office.slug]),
        {"diagnostic": demo.submitted.pk, "question": demo.priority},
    )
    return ["director:results", "director:plan", "director:office", "colleague:plan",
            "network:pooling", "other:plan"]  # fmt: skip


def an_action_updated(demo: Demo) -> list[str]:
    """The colleague takes the action on and marks it done (its edit page)."""
    action = demo.office.actions.get(question_id=demo.priority)
    edit = reverse("diagnostics:action_edit", args=[demo.office.slug, action.pk])
    fields = form_fields(demo.acting["colleague"], edit)
    fields |= {"status": ["done"], "owner": [str(demo.colleague.pk)], "note": ["Fiche refaite."]}
    posted(demo.acting["colleague"], edit, fields)
    return ["director:plan", "colleague:plan", "director:office", "network:pooling"]  # fmt: skip


def a_business_edited(demo: Demo) -> list[str]:
    """The director corrects a business's name, commune and e-mail (its edit page): one
    « Mon territoire » lists, which its new name moves from the end of the list to its top."""
    business = (
        Business.objects.filter(
            parent=demo.office,
            diagnostics__status=Diagnostic.Status.SUBMITTED,
            diagnostics__share_details=True,
            diagnostics__campaign__closes__gte=timezone.localdate(),
        )
        .order_by("-name")
        .first()
    )
    edit = reverse("diagnostics:business_edit", args=[demo.office.slug, business.pk])
    fields = form_fields(demo.acting["director"], edit)
    fields |= {
        "name": ["Abri du Vieux Moulin"],
        "commune": ["Saint-Aulaye"],
        "email": ["contact@vieux-moulin.example.org"],
    }
    posted(demo.acting["director"], edit, fields)
    return ["director:territory", "director:workshops", "colleague:territory",
            "network:businesses", "network:business-campaigns", "other:territory"]  # fmt: skip


def a_business_added_and_invited(demo: Demo) -> list[str]:
    """The director adds a business, then invites every business not yet invited."""
    add = reverse("diagnostics:business_add", args=[demo.office.slug])
    fields = form_fields(demo.acting["director"], add)
    fields |= {
        "name": ["Camping des Berges"],
        "segment": [Business.Segment.ACCOMMODATION],
        "commune": ["Ribérac"],
        "email": ["accueil@berges.example.org"],
    }
    posted(demo.acting["director"], add, fields)
    posted(
        demo.acting["director"],
        reverse("diagnostics:businesses_invite", args=[demo.office.slug]),
        {"uninvited": "1"},
    )
    return ["director:territory", "director:workshops", "director:rediagnosis",
            "network:businesses", "network:business-campaigns", "other:territory"]  # fmt: skip


def a_member_allowed_to_manage_the_businesses(demo: Demo) -> list[str]:
    """The director lets the colleague manage the businesses (the team page)."""
    membership = Membership.objects.get(user=demo.colleague, office=demo.office)
    posted(
        demo.acting["director"],
        reverse("diagnostics:member_businesses", args=[demo.office.slug, membership.pk]),
        {"allowed": "1"},
    )
    demo.pages["colleague:rediagnosis"] = demo.pages["director:rediagnosis"]
    return ["colleague:office", "colleague:territory", "colleague:workshops",
            "colleague:rediagnosis", "director:territory", "other:territory"]  # fmt: skip


def a_training_session_added_in_the_admin(demo: Demo) -> list[str]:
    """The network adds a session of a training the director's results suggest."""
    page = demo.readers["director"].get(demo.pages["director:results"]).content
    suggested = next(
        training
        for training in Training.objects.filter(audience="offices", organiser=None).order_by("pk")
        if escape(training.title).encode() in page
    )
    change = reverse("admin:diagnostics_training_change", args=[suggested.pk])
    fields = form_fields(demo.acting["network"], change, "training_form")
    extra = f"sessions-{int(fields['sessions-TOTAL_FORMS'][0]) - 1}"
    day = (timezone.localdate() + timedelta(days=24)).strftime("%d/%m/%Y")
    fields |= {
        f"{extra}-starts_0": [day],
        f"{extra}-starts_1": ["09:30:00"],
        f"{extra}-ends_0": [day],
        f"{extra}-ends_1": ["12:30:00"],
        f"{extra}-place": ["Périgueux"],
    }
    posted(demo.acting["network"], change, fields)
    assert suggested.sessions.filter(place="Périgueux").exists()
    return ["director:results", "director:plan", "network:training-needs",
            "director:office"]  # fmt: skip


def a_training_session_changed_in_the_admin(demo: Demo) -> list[str]:
    """The network changes the place and seats of a session the demo office runs of one of
    its workshops for businesses."""
    session = (
        TrainingSession.objects.filter(
            training__audience="businesses", office=demo.office, starts__gt=timezone.now()
        )
        .order_by("starts", "pk")
        .first()
    )
    change = reverse("admin:diagnostics_training_change", args=[session.training_id])
    fields = form_fields(demo.acting["network"], change, "training_form")
    row = next(
        name.removesuffix("-id")
        for name, value in fields.items()
        if name.endswith("-id") and value == [str(session.pk)]
    )
    fields |= {f"{row}-place": ["Bergerac"], f"{row}-capacity": ["12"]}
    posted(demo.acting["network"], change, fields)
    return ["director:workshops", "colleague:workshops", "other:workshops",
            "network:training-needs"]  # fmt: skip


def the_office_renamed_in_the_admin(demo: Demo) -> list[str]:
    """The network renames the demo office."""
    change = reverse("admin:diagnostics_office_change", args=[demo.office.pk])
    fields = form_fields(demo.acting["network"], change, "office_form")
    fields |= {"name": ["Office de tourisme du Val de Dronne"]}
    posted(demo.acting["network"], change, fields)
    return ["director:office", "director:results", "director:territory", "network:offices",
            "network:compare", "network:pooling", "network:businesses",
            "other:office"]  # fmt: skip


def a_pooling_opt_out(demo: Demo) -> list[str]:
    """The second office's director no longer lets its name show in pooling leads."""
    posted(
        demo.acting["other"],
        reverse("diagnostics:pooling", args=[demo.other.slug]),
        {"opt_in": "0"},
    )
    return ["director:results", "network:pooling", "network:compare", "other:office",
            "other:plan", "director:plan"]  # fmt: skip


def a_submission(demo: Demo) -> list[str]:
    """The second office's director answers the rest of her draft and submits it."""
    answers_completed(demo.draft, demo.filler)
    posted(
        demo.acting["other"],
        reverse("diagnostics:review", args=[demo.draft.pk]),
        {"confirm": "on"},
    )
    del demo.pages["other:review"]
    demo.pages["other:results"] = reverse("diagnostics:results", args=[demo.draft.pk])
    return ["other:office", "other:results", "director:results", "network:dashboard",
            "network:offices", "network:training-needs", "network:pooling",
            "network:diagnostics", "network:campaigns", "superuser:dashboard"]  # fmt: skip


def the_second_office_s_business_edited(demo: Demo) -> list[str]:
    """The second office's director corrects one of its businesses: of the tables kept by
    office, only that office's rows are written (table_stamps.office_writes)."""
    business = Business.objects.filter(parent=demo.other).order_by("pk").first()
    edit = reverse("diagnostics:business_edit", args=[demo.other.slug, business.pk])
    fields = form_fields(demo.acting["other"], edit)
    fields |= {"name": ["Moulin de la Pique"], "commune": ["Nontron"]}
    posted(demo.acting["other"], edit, fields)
    return ["other:territory", "network:businesses", "director:territory",
            "director:workshops"]  # fmt: skip


def a_business_s_submission(demo: Demo) -> list[str]:
    """A business of the demo office answers the rest of its diagnostic and sends it
    (its personal link's pages)."""
    answers_completed(demo.business_draft, None)
    posted(
        Client(),
        reverse("diagnostics:business_link_review", args=[BUSINESS_TOKEN]),
        {"share_details": "yes", "confirm": "on"},
    )
    return ["director:territory", "director:workshops", "director:results", "director:bilan",
            "network:weakest", "network:business-campaigns", "network:offices",
            "other:territory"]  # fmt: skip


WRITES = [
    an_autosave,
    an_action_added_from_the_results,
    an_action_updated,
    a_business_edited,
    a_business_added_and_invited,
    a_member_allowed_to_manage_the_businesses,
    a_training_session_added_in_the_admin,
    a_training_session_changed_in_the_admin,
    the_office_renamed_in_the_admin,
    a_pooling_opt_out,
    a_submission,
    the_second_office_s_business_edited,
    a_business_s_submission,
]


@pytest.fixture
def demo(demo_snapshot, db, monkeypatch):
    demo_snapshot[0].restore()
    # The report printed at submission: WeasyPrint's seconds, for a page left out.
    monkeypatch.setattr("diagnostics.services.diagnostics.report_pdf_enqueue", lambda **_: None)
    return Demo()


def test_every_kept_page_equals_the_page_computed_with_every_cache_off_after_each_write(demo):
    # Every page the memo keeps is read, but the PDF report (the module's docstring).
    kept = {resolve(urlsplit(url).path).view_name for url in demo.pages.values()}
    assert kept == set(settings.PAGE_MEMO) - {"diagnostics:report_pdf"}
    demo.check("the demo as seeded", list(demo.pages))
    for write in WRITES:
        demo.check(write.__name__.replace("_", " "), write(demo))
