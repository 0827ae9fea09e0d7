"""The weak answers as the pages computed them before each diagnostic stored its own: every
answer of the campaign's submitted diagnostics whose choice is weak, read from the answers.
What the stored weak questions must equal."""

from diagnostics import selectors
from diagnostics.models import Campaign


def every_code(campaign: Campaign) -> set[str]:
    return {
        q.code
        for axis in selectors.questionnaire_axes(campaign.questionnaire)
        for q in axis.questions.all()
    }


def weak_by_diagnostic(campaign: Campaign) -> dict[int, set[str]]:
    """Submitted diagnostic id → the codes of its weak answers (none: left out)."""
    choices, rows = selectors.weak_answers(
        campaign.questionnaire, campaign.pk, every_code(campaign), "diagnostic_id"
    )
    found: dict[int, set[str]] = {}
    for choice, diagnostic in rows:
        found.setdefault(diagnostic, set()).add(choices[choice])
    return found


def weak_organisations(campaign: Campaign) -> dict[str, list[int]]:
    """Question code → the organisations that answered it weakly, in id order: the old
    aggregate behind training needs and pooling (selectors.weak_organisations)."""
    choices, rows = selectors.weak_answers(
        campaign.questionnaire, campaign.pk, every_code(campaign), "diagnostic__organisation"
    )
    found: dict[str, list[int]] = {}
    for choice, organisation in rows:
        found.setdefault(choices[choice], []).append(organisation)
    return {code: sorted(ids) for code, ids in found.items()}


def in_order(weak: dict[str, list[int]]) -> dict[str, list[int]]:
    """The same, each code's organisations in id order: comparable with the reference."""
    return {code: sorted(ids) for code, ids in weak.items()}
