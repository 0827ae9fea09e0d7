"""What a diagnostic's admin page shows below its fields, read-only for everyone: its
reopenings, axis scores, axes' importance and answers, as plain tables rather than inline
formsets (which cost most of the page's time). The 69 answers' rows are written here, each
cell as the template wrote it: the template engine spent a third of the page on them."""

from datetime import datetime
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from diagnostics import selectors
from diagnostics.admin.cells import datetime_writer
from diagnostics.models import AxisImportance, AxisNarrative, AxisScore, Diagnostic

ANSWER_ROW = (
    '\n        <tr>\n          <th scope="row">{question}</th>\n'
    '          <td class="snut-text">{choice}</td>\n          <td>{not_applicable}</td>\n'
    "          <td>{comment}</td>\n          <td>{updated_by}</td>\n"
    "          <td>{updated_at}</td>\n        </tr>\n      "
)


def answer_rows(answers) -> SafeString:
    """The answers' rows of one axis's table (_sections.html), as {% for %} wrote them:
    `{{ answer.question }}`, `{{ answer.choice|default:"—" }}`, "oui" or "non",
    `{{ answer.comment|linebreaksbr|default:"—" }}`, `{{ answer.updated_by|default:"—" }}`
    and `{{ answer.updated_at }}` (localised in the current time zone)."""
    yes, no = conditional_escape(gettext("oui")), conditional_escape(gettext("non"))
    write_date = datetime_writer()  # the format split once, not for each answer (cells.py)
    rows = []
    for answer in answers:
        choice, updated_by, updated_at = answer.choice, answer.updated_by, answer.updated_at
        if write_date is not None and isinstance(updated_at, datetime):
            updated_at = write_date(template_localtime(updated_at))
        else:
            updated_at = conditional_escape(localize(template_localtime(updated_at)))
        rows.append(
            ANSWER_ROW.format(
                question=conditional_escape(answer.question),
                choice="—" if choice is None else conditional_escape(choice),
                not_applicable=yes if answer.not_applicable else no,
                comment=linebreaksbr(answer.comment, autoescape=True) or "—",
                updated_by="—" if updated_by is None else conditional_escape(updated_by),
                updated_at=updated_at,
            )
        )
    return mark_safe("".join(rows))


def diagnostic_sections(diagnostic: Diagnostic) -> dict:
    """The sections' context (four queries)."""
    own_text = AxisNarrative.objects.filter(axis=OuterRef("axis"), level=OuterRef("level"))
    reopenings = list(diagnostic.reopenings.select_related("reopened_by"))
    for reopening in reopenings:
        reopening.previous_lines = [
            (item["name"], localize(Decimal(item["score"])) if item["score"] else "—")
            for item in reopening.previous_axis_scores
        ]
    return {
        "reopenings": reopenings,
        "axis_scores": list(
            AxisScore.objects.filter(diagnostic=diagnostic)
            .select_related("axis", "level")
            .annotate(
                narrative_text=Coalesce(Subquery(own_text.values("text")[:1]), "level__description")
            )
            .order_by("axis__order", "axis__pk")
        ),
        "importances": list(
            AxisImportance.objects.filter(diagnostic=diagnostic)
            .select_related("axis")
            .order_by("axis__order", "axis__pk")
        ),
        "answers_by_axis": [
            (axis, answer_rows(answers)) for axis, answers in selectors.answers_by_axis(diagnostic)
        ],
    }
