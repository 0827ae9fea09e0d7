"""The rows of the staff's training needs and pooling tables, written in Python as their
templates' loops wrote them: a table of several hundred cells cost its page more through
the template's loop than its data."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


def number_cells(values, shown: dict | None = None) -> str:
    """Numbers in <td>s as the template's {{ value }} writes them: a table of several hundred
    counts cost its page more through the template's loop than anything else. `shown`
    keeps each number localised once across a table's rows (its counts repeat)."""
    shown = {} if shown is None else shown
    for value in values:
        if value not in shown:
            shown[value] = format_html("<td>{}</td>", localize(value))
    return mark_safe("".join(shown[value] for value in values))


def cluster_rows(clusters) -> list[str]:
    """The clusters' table rows as the template's loop wrote them, each cell escaped: a page
    of 50 clusters and their neighbours cost the page more through that loop than its data.
    What repeats (a question, a department, a count) is written once per page."""
    numbers: dict[int, str] = {}
    texts: dict[tuple[str, str], str] = {}

    def number(value: int) -> str:
        if value not in numbers:
            numbers[value] = conditional_escape(localize(value))
        return numbers[value]

    def text(kind: str, key: str, value) -> str:
        if (kind, key) not in texts:
            texts[kind, key] = conditional_escape(value)
        return texts[kind, key]

    def neighbour(department, count: int) -> str:
        if ("neighbour", department.code) not in texts:
            texts["neighbour", department.code] = (
                f"{conditional_escape(department.name)}\xa0({conditional_escape(department.code)})"
            )
        return (
            f'<span class="snut-nowrap">{texts["neighbour", department.code]}'
            f"\xa0:\xa0{number(count)}</span>"
        )

    rows = []
    for c in clusters:
        code = c.question.code
        rows.append(
            mark_safe(
                f"<tr><td><strong>{text('code', code, code)}</strong>"
                f"<br><small>{text('text', code, c.question.text)}</small></td>"
                f"<td>{text('department', c.department.code, c.department)}</td>"
                f"<td>{number(len(c.offices))}</td>"
                f'<td class="snut-names">{conditional_escape(c.names)}</td>'
                f"<td>{'<br>'.join(neighbour(d, n) for d, n in c.neighbours) or '—'}</td></tr>"
            )
        )
    return rows


def need_row(need, cells: str) -> str:
    """A training's row of the needs page as the template's loop wrote it: its link, format,
    next session, total and the cells of its columns (number_cells)."""
    training = need.training
    session = training.upcoming[0] if training.upcoming else None
    when = (
        '<span class="snut-nowrap">'
        f"{conditional_escape(date_format(timezone.localtime(session.starts), 'j F Y'))}"
        f"</span>, {conditional_escape(session.where)}"
        if session
        else "—"
    )
    url = reverse("admin:diagnostics_training_change", args=[training.pk])
    total = conditional_escape(localize(need.total))
    return mark_safe(
        f'<tr><th scope="row"><a href="{conditional_escape(url)}">'
        f"{conditional_escape(training.title)}</a><br>"
        f"<small>{conditional_escape(training.get_format_display())}</small></th>\n"
        f"      <td>{when}</td>\n"
        f"      <td><strong>{total}</strong></td>{cells}</tr>"
    )
