"""What tests/test_caching_is_invisible.py compares with: pages fetched with every cache off
(the reference) and as served, told apart only by their CSRF tokens; the demo's readers,
each signed in in a browser of their own, and the forms they post as a browser would."""

import difflib
import re
from contextlib import contextmanager
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diagnostics import services
from diagnostics.management.demo_offices import (
    DEMO_COLLEAGUE,
    DEMO_DIRECTOR,
    DEMO_FILLER,
    DEMO_STAFF,
)
from diagnostics.models import (
    Answer,
    BusinessLink,
    Diagnostic,
    Office,
    Question,
)
from diagnostics.selectors import structure
from diagnostics.selectors.stored_figures import FIGURES
from diagnostics.tokens import token_hash
from snut import page_memo

# All that differs from one response to the next: Django masks the CSRF token anew for each
# response (the same secret, another mask). No page has a CSRF meta tag or attribute
# (static/js/autosave.js reads the cookie, or this input).
CSRF_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+(")')
DIFF_LINES = 60
# A page the memo serves again reads the session and the account, nothing else.
SERVED_AGAIN_QUERIES = 2
BUSINESS_TOKEN = "lien-du-prestataire"


@contextmanager
def every_cache_off():
    """The pages computed from the tables alone: no page memo, no kept part, no kept value,
    and the shared cache and the stored figures each an empty store (what they keep under a
    key naming what it was drawn from is drawn again). The memo counts the settings' changes
    into its keys (`page_memo.generation`): the count is put back after, or no page kept
    before a write would ever be looked up after it, and none could be seen served stale."""
    generation = page_memo.generation()
    empty = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    try:
        with override_settings(
            PAGE_MEMO=(),
            PAGE_PARTS_KEPT=False,
            PAGE_VALUES_KEPT=False,
            CACHES={
                **settings.CACHES,
                "default": {**empty, "LOCATION": "every-cache-off"},
                FIGURES: {**empty, "LOCATION": "every-cache-off-figures"},
            },
        ):
            caches["default"].clear()
            caches[FIGURES].clear()
            # A frozen questionnaire's axes and levels, kept by the process.
            structure._frozen_axes.clear()
            structure._frozen_levels.clear()
            yield
    finally:
        page_memo._settings_changes = generation


def fetched(client: Client, url: str) -> tuple[int, bytes, int | None]:
    """The page's status, its body without its CSRF tokens, and how many queries it took
    (None for a streamed body, which the memo never keeps: the bilan's CSV, drawn again
    from its kept figures)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
    count = None if response.streaming else len(queries)
    return response.status_code, CSRF_TOKEN.sub(rb"\1\2", body), count


def unified_diff(reference: bytes, served: bytes) -> str:
    lines = list(
        difflib.unified_diff(
            reference.decode(errors="replace").splitlines(),
            served.decode(errors="replace").splitlines(),
            "every cache off",
            "caches on",
            lineterm="",
            n=2,
        )
    )
    more = f"\n… {len(lines) - DIFF_LINES} more lines" if len(lines) > DIFF_LINES else ""
    return "\n".join(line[:300] for line in lines[:DIFF_LINES]) + more


class FormFields(HTMLParser):
    """What a browser posts from a page's form: its fields' values as shown."""

    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.done = form_id, False, False
        self.fields: dict[str, list[str]] = {}
        self._select = self._textarea = None
        self._options: list[str] = []
        self._multiple = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done:
            wanted = attrs.get("id") == self.form_id if self.form_id else "action" not in attrs
            self.inside = wanted and attrs.get("method") == "post"
            return
        name = attrs.get("name") or ""
        if not self.inside or "__prefix__" in name:  # an inline's template
            return
        kind = attrs.get("type", "text")
        if tag == "option" and self._select:
            self._options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self.fields[self._select].append(attrs.get("value", ""))
        elif not name:
            return
        elif tag == "input" and kind not in ("submit", "button", "file"):
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                value = attrs.get("value") or ("on" if kind == "checkbox" else "")
                self.fields.setdefault(name, []).append(value)
        elif tag == "select":
            self._select, self._options, self._multiple = name, [], "multiple" in attrs
            self.fields.setdefault(name, [])
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = [""]

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "select" and self._select:
            # A list with no option selected sends its first one.
            if not self.fields[self._select] and self._options and not self._multiple:
                self.fields[self._select].append(self._options[0])
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea][0] += data


def form_fields(client: Client, url: str, form_id: str | None = None) -> dict[str, list[str]]:
    """The fields of the page's form `form_id` (or of its first post form without an action),
    as the browser would post them untouched."""
    response = client.get(url)
    assert response.status_code == 200, url
    parser = FormFields(form_id)
    parser.feed(response.content.decode())
    assert parser.fields, f"no form on {url}"
    # A textarea's first newline is not its content (HTML's parsing rules).
    return {name: [v.removeprefix("\n") for v in values] for name, values in parser.fields.items()}


def posted(client: Client, url: str, data) -> None:
    """A form sent, its work committed (the tasks it queued run then)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, (url, response.status_code, response.content[:3000])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def answers_completed(diagnostic: Diagnostic, user) -> None:
    """Every question without an answer answered, every answer carried over confirmed, as
    the autosave saves them (services.answers_save)."""
    answers = {a.question_id: a for a in Answer.objects.filter(diagnostic=diagnostic)}
    changes = []
    questions = Question.objects.filter(questionnaire=diagnostic.questionnaire).order_by("pk")
    for question in questions.prefetch_related("choices"):
        answer = answers.get(question.pk)
        if answer is None:
            choice = min(question.choices.all(), key=lambda c: c.order)
            changes.append(services.AnswerChange(question, choice, fields=("choice",)))
        elif answer.carried_over:
            changes.append(
                services.AnswerChange(
                    question, answer.choice, answer.not_applicable, fields=(), confirm=True
                )
            )
    services.answers_save(diagnostic=diagnostic, changes=changes, user=user)


class Demo:
    """The demo's readers, each in a browser of their own, and the pages they read
    (`reader:page` → address); who writes does it in another browser (a message a page
    shows once is not what the test compares)."""

    def __init__(self):
        users = get_user_model().objects
        self.director = users.get(username=DEMO_DIRECTOR)
        self.colleague = users.get(username=DEMO_COLLEAGUE)
        self.filler = users.get(username=DEMO_FILLER)
        self.staff = users.get(username=DEMO_STAFF)
        superuser = users.create_superuser("racine", "racine@snut.localhost", "snut-demo")
        self.office = Office.objects.get(memberships__user=self.director)
        self.other = Office.objects.get(memberships__user=self.filler)
        self.submitted = self.office.diagnostics.filter(status="submitted").latest("submitted_at")
        self.draft = self.other.diagnostics.get(status=Diagnostic.Status.DRAFT)
        self.pages = self._pages()
        self.readers = {
            "director": signed_in(self.director),
            "colleague": signed_in(self.colleague),
            "other": signed_in(self.filler),
            "network": signed_in(self.staff),
            "superuser": signed_in(superuser),
        }
        self.acting = {
            name: signed_in(user)
            for name, user in (
                ("director", self.director),
                ("colleague", self.colleague),
                ("other", self.filler),
                ("network", self.staff),
            )
        }
        self.references: dict[str, bytes] = {}  # each page's, as last read
        self.priority: str | None = None  # the question the director adds to the plan
        # A business of the demo office half-way through this year's diagnostic: its link.
        self.business_draft = (
            Diagnostic.objects.filter(
                organisation__parent=self.office,
                status=Diagnostic.Status.DRAFT,
                campaign__closes__gte=timezone.localdate(),
            )
            .order_by("pk")
            .first()
        )
        BusinessLink.objects.filter(
            business=self.business_draft.organisation_id,
            campaign=self.business_draft.campaign,
            revoked_at__isnull=True,
        ).update(token_hash=token_hash(BUSINESS_TOKEN))

    def _pages(self) -> dict[str, str]:
        office, other = self.office, self.other
        other_submitted = other.diagnostics.filter(status="submitted").latest("submitted_at")
        results = reverse("diagnostics:results", args=[self.submitted.pk])
        compare = reverse("admin:diagnostics_office_compare")
        network = {
            "offices": reverse("admin:diagnostics_office_changelist"),
            "compare": f"{compare}?offices={office.pk},{other.pk}",
            "evolution": f"{compare}?evolution={office.pk}",
            "dashboard": reverse("admin:diagnostics_office_dashboard"),
            "training-needs": reverse("admin:diagnostics_training_needs"),
            "pooling": reverse("admin:diagnostics_action_pooling"),
            "business-campaigns": reverse("admin:diagnostics_businesscampaign_changelist"),
            "weakest": reverse("admin:diagnostics_businesscampaign_weakest"),
            "businesses": reverse("admin:diagnostics_business_changelist"),
            "diagnostics": reverse("admin:diagnostics_diagnostic_changelist"),
            "draft": reverse("admin:diagnostics_diagnostic_change", args=[self.draft.pk]),
            "campaigns": reverse("admin:diagnostics_campaign_changelist"),
            "results": results,
        }

        def members(slug: str) -> dict[str, str]:
            return {
                "office": reverse("diagnostics:office", args=[slug]),
                "plan": reverse("diagnostics:plan", args=[slug]),
                "territory": reverse("diagnostics:territory", args=[slug]),
                "workshops": reverse("diagnostics:workshops", args=[slug]),
            }

        year = timezone.localdate().year
        return {
            **{f"director:{name}": url for name, url in members(office.slug).items()},
            "director:results": results,
            "director:rediagnosis": reverse("diagnostics:rediagnosis", args=[office.slug]),
            "director:bilan": reverse("diagnostics:bilan", args=[office.slug, year, "csv"]),
            **{f"colleague:{name}": url for name, url in members(office.slug).items()},
            "colleague:results": results,
            **{f"other:{name}": url for name, url in members(other.slug).items()},
            "other:review": reverse("diagnostics:review", args=[self.draft.pk]),
            "other:results": reverse("diagnostics:results", args=[other_submitted.pk]),
            **{f"network:{name}": url for name, url in network.items()},
            # A superuser reads the results part kept for the network's staff (one role).
            **{f"superuser:{name}": network[name] for name in ("dashboard", "draft", "results")},
        }

    def differences(self, names: list[str]) -> tuple[dict[str, str], list[str]]:
        """Each page read with every cache off, then twice with the caches on: the pages that
        differ (name → how), and those whose second view was not served again."""
        differ, computed = {}, []
        for name in names:
            client, url = self.readers[name.split(":")[0]], self.pages[name]
            with every_cache_off():
                status, reference, _queries = fetched(client, url)
            assert status == 200, f"{name} ({url}) answered {status} with every cache off"
            self.references[name] = reference
            for view in ("first", "second"):
                status, served, queries = fetched(client, url)
                if status != 200 or served != reference:
                    differ[name] = (
                        f"{name} ({url}), its {view} view with the caches on (status {status}), "
                        f"is not the page computed with every cache off:\n"
                        + unified_diff(reference, served)
                    )
                    break
            else:
                if queries is not None and queries > SERVED_AGAIN_QUERIES:
                    computed.append(f"{name} ({queries} queries)")
        return differ, computed

    def check(self, write: str, names: list[str]) -> None:
        before = {name: self.references.get(name) for name in names}
        differ, computed = self.differences(names)
        if differ:
            first, *others = differ.values()
            also = f"\n\nThese differ too: {', '.join(list(differ)[1:])}" if others else ""
            pytest.fail(f"After {write}, {first}{also}", pytrace=False)
        assert not computed, f"After {write}, second views computed again: {', '.join(computed)}"
        # A write that changed none of the pages read after it tested nothing.
        assert any(self.references[name] != before[name] for name in names), (
            f"{write} changed none of the pages read after it"
        )


# The writes, in order: each made as its user makes it, then the pages it may change and a
# few it should not, to read.
