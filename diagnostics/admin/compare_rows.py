"""The rows of the staff's comparison and evolution table, written in Python as the
template's loops wrote them: up to twelve offices by every axis, each cell a score, a
level, a difference and perhaps a target, cost the page more through the template (an
include per cell) than everything else on it."""

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from diagnostics.display import delta, delta_tone, score, template_text, tone
from diagnostics.selectors.regional.comparison import Comparison, ComparisonRow


def comparison_rows(comparison: Comparison, evolution: bool) -> tuple[list[SafeString], SafeString]:
    """The table's body rows, one per axis, and its foot row (the overall score), as
    templates/admin/diagnostics/office/compare.html wrote them; `evolution`: the staff's
    evolution page, with its last column."""
    tones: dict[object, str] = {}
    levels = list(comparison.levels)

    def badge(value) -> str:
        if value not in tones:
            tones[value] = tone(value, levels)
        return f'<span class="snut-badge tone-{tones[value]}">{conditional_escape(score(value))}</span>'

    versus = conditional_escape(_("vs médiane"))

    def cell_html(cell: dict, body: bool) -> str:
        best = "best" if cell["best"] else "worst" if cell["worst"] else ""
        if cell["score"] is None:
            inside = '<span class="snut-na">—</span>'
        else:
            mark = (" ▲" if cell["best"] else " ▼" if cell["worst"] else "") if body else ""
            inside = (
                f"{badge(cell['score'])}\n"
                f'        <span class="snut-badge-level">{conditional_escape(cell["level"])}</span>\n'
                f'        <span class="delta delta-{delta_tone(cell["delta"])}">'
                f"{conditional_escape(delta(cell['delta']))} {versus}</span>{mark}"
            )
            if body:  # the foot row has neither the marks nor the targets
                inside += f"\n        {_target(cell.get('target'))}"
        return f'\n      <td class="{best}">\n        {inside}\n      </td>'

    def row_html(row: ComparisonRow, head: str, body: bool) -> SafeString:
        change = (
            f'<td><span class="delta-{delta_tone(row.change)}">'
            f"{conditional_escape(delta(row.change))}</span></td>"
            if evolution
            else ""
        )
        return mark_safe(
            f'<tr>\n      <th scope="row">{conditional_escape(head)}</th>\n'
            f"      <td>{conditional_escape(score(row.median))}</td>"
            f"{''.join(cell_html(cell, body) for cell in row.cells)}\n"
            f"      {change}\n    </tr>"
        )

    body = [row_html(row, row.axis.name, True) for row in comparison.rows]
    return body, row_html(comparison.overall_row, _("Score global"), False)


def _target(outcome) -> str:
    """Whether the target set after the diagnostic before was reached (evolution only)."""
    if not outcome:
        return ""
    bound = template_text(outcome.target.level.lower_bound)
    if outcome.reached:
        text = _("objectif atteint (%(bound)s visé)") % {"bound": bound}
    elif outcome.score is None:
        text = conditional_escape(_("objectif non évalué"))
    else:
        shown = template_text(outcome.shown_score)
        text = _("objectif non atteint\u00a0: %(score)s sur %(bound)s visé") % {
            "score": shown,
            "bound": bound,
        }
    return f'<span class="snut-target">{text}</span>'
