"""The keys under which the results page keeps what a submitted diagnostic shows.

A submitted diagnostic never changes: its axis cards, narratives, strengths and
priorities are rendered once per submission and kept in the shared cache
(`{% cache %}` fragments of `diagnostics/results.html`). Its key changes when the
diagnostic is reopened and submitted again (a new `submitted_at`) or when its
questionnaire's structure or texts are revised (`revised_at`). The comparisons
(the peers' medians, the previous diagnostic) are read live and vary the
fragments that show them; the team's target levels, which order the headline
priorities and the plan and can change after the submission, vary both
(`Results.targets_key`); the pooling leads and the office's name stay outside
every fragment.

The plan is kept the same way (`plan_layout`): its order and groups and each item's
frozen part (recommendation, effort, scale, question, answer, comment) under the
submission, the comparisons and the targets, which decide the order; the page
writes each item's trainings and « Ajouter au plan » live. The board's importance,
which also orders it, is closed at submission.

The territorial summary of the office's businesses is drawn from their submitted
diagnostics: it is kept under the businesses' submissions key, varied by what
else it shows that can change without a submission (the invitation counts, the
workshop catalogue it picks from).
"""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.template.loader import render_to_string

from diagnostics.models import WebsiteCheck
from diagnostics.selectors import programme, regional

FRAGMENT_SECONDS = 7 * 24 * 3600  # a submission's key never comes back: this only frees memory


def submission_key(diagnostic) -> str:
    """Diagnostic id, submission time and questionnaire revision: no query."""
    submitted = diagnostic.submitted_at.isoformat() if diagnostic.submitted_at else "draft"
    revised = diagnostic.questionnaire.revised_at.isoformat()
    return f"{diagnostic.pk}:{submitted}:{revised}"


def comparisons_key(peers, previous) -> str:
    """What the comparisons show: the peers' medians (when shown) and the previous
    diagnostic's scores, both read live on every view."""
    previous_diagnostic = previous.diagnostic
    parts = (
        (peers.shown, peers.count, peers.overall, sorted(peers.axes.items()))
        if peers.shown
        else (False,),
        (
            previous_diagnostic.pk,
            previous_diagnostic.questionnaire_id,
            str(previous_diagnostic.overall_score),
            sorted(previous.axes.items()),
        )
        if previous_diagnostic is not None
        else None,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def territory_key(office, campaign, rates) -> str:
    """The businesses' submissions key, the response rates (read live), the workshops the
    programme picks from, with the questions and axes they address, and the businesses'
    latest website checks (what their sites lack counts in the programme): three queries."""
    workshops = list(
        programme.office_workshops(office)
        .order_by("pk", "questions__code", "axes__code")
        .values_list("pk", "title", "questions__code", "axes__code")
    )
    checks = list(
        WebsiteCheck.objects.filter(latest=True, organisation__parent=office)
        .order_by("pk")
        .values_list("pk", "status", "checked_at")
    )
    parts = (
        office.pk,
        office.slug,
        campaign.pk,
        regional.submissions_key(campaign, None),
        rates,
        workshops,
        checks,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


PLAN_ITEM_TEMPLATE = "diagnostics/includes/plan_item_frozen.html"


@dataclass(frozen=True)
class Ref:
    """A question or an axis as the live parts look it up."""

    id: int
    code: str


@dataclass(frozen=True)
class PlanEntry:
    """A plan item of the results page: its frozen part written once (`html`), and what
    the trainings, the « Ajouter au plan » form and the pooling leads look up."""

    question: Ref
    axis: Ref
    recommendation: str
    scale: str  # its label
    alone: bool
    html: str  # safe: rendered by PLAN_ITEM_TEMPLATE


@dataclass
class PlanLayout:
    """The results page's « Plan d’action » as kept per submission and comparisons."""

    quick_first: bool  # quick wins lead (an office at the first levels, efforts stated)
    uses_scale: bool  # grouped by who carries the actions
    entries: list[PlanEntry]
    alone: list[PlanEntry] = field(default_factory=list)
    with_others: list[tuple[str, list[PlanEntry]]] = field(default_factory=list)


def plan_layout(results) -> PlanLayout:
    """The plan of a results.Results, from the cache or written and kept (one cache read)."""
    diagnostic = results.diagnostic
    # A business's activity decides which questions count (applicability): it varies too;
    # so do an office's targets, set after submission, which order the plan.
    key = (
        f"results-plan:{submission_key(diagnostic)}:{results.comparisons_key}"
        f":{diagnostic.organisation.segment}:{results.targets_key}"
    )
    layout = cache.get(key)
    if layout is None:
        entries = {
            id(item): PlanEntry(
                question=Ref(item.question.id, item.question.code),
                axis=Ref(item.axis.id, item.axis.code),
                recommendation=item.recommendation,
                scale=item.scale,
                alone=item.alone,
                html=render_to_string(PLAN_ITEM_TEMPLATE, {"item": item}),
            )
            for item in results.plan
        }
        layout = PlanLayout(
            quick_first=results.profile.quick_first and results.uses_effort,
            uses_scale=results.uses_scale,
            entries=[entries[id(item)] for item in results.plan],
            alone=[entries[id(item)] for item in results.plan_alone],
            with_others=[
                (label, [entries[id(item)] for item in items])
                for label, items in results.plan_with_others
            ],
        )
        cache.set(key, layout, FRAGMENT_SECONDS)
    return layout
