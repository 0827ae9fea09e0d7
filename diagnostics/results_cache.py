"""The keys under which the results page keeps what a submitted diagnostic shows.

A submitted diagnostic never changes: its axis cards, narratives, strengths and
priorities are rendered once per submission and kept in the shared cache
(`{% cache %}` fragments of `diagnostics/results.html`). Its key changes when the
diagnostic is reopened and submitted again (a new `submitted_at`) or when its
questionnaire's structure or texts are revised (`revised_at`). The comparisons
(the peers' medians, the previous diagnostic) are read live and vary the
fragments that show them; the team's target levels, which order the headline
priorities and can change after the submission, vary that fragment
(`Results.targets_key`); the plan, the pooling leads and the office's name stay
outside every fragment.

The territorial summary of the office's businesses is drawn from their submitted
diagnostics: it is kept under the businesses' submissions key, varied by what
else it shows that can change without a submission (the invitation counts, the
workshop catalogue it picks from).
"""

import hashlib

from diagnostics.selectors import regional, territory

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
    """The businesses' submissions key, the response rates (read live) and the workshops
    the programme picks from, with the questions and axes they address: two queries."""
    workshops = list(
        territory.office_workshops(office)
        .order_by("pk", "questions__code", "axes__code")
        .values_list("pk", "title", "questions__code", "axes__code")
    )
    parts = (
        office.pk,
        office.slug,
        campaign.pk,
        regional.submissions_key(campaign, None),
        rates,
        workshops,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
