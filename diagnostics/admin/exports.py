"""Exports of scores and raw answers, streamed so that 1,000 offices never sit in memory.

CSV is written row by row (UTF-8 with a BOM and « ; » separators, as French
Excel expects); XLSX goes through openpyxl's write-only mode into a temporary
file that is streamed back and deleted.
"""

import csv
import tempfile
from collections.abc import Iterator
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from diagnostics import regional, selectors
from diagnostics.formatting import shown
from diagnostics.models import Answer, Department, Organisation

KINDS = ("scores", "reponses")
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 500


def _number(value) -> float | None:
    return None if value is None else round(float(value), 2)


def _shown(value) -> int | None:
    """The whole number pages, the PDF and the admin show for this score."""
    return None if value is None else shown(float(value))


def score_rows(campaign, offices, axes) -> Iterator[list]:
    """Scores as shown everywhere (whole numbers); the exact values in columns of their own, last."""
    exact = _("score exact")
    yield [
        _("Office"),
        _("Commune"),
        _("Département"),
        _("Classement"),
        _("Statut"),
        _("Score global"),
        _("Niveau global"),
        *[label for axis in axes for label in (f"{axis.name} — score", f"{axis.name} — niveau")],
        f"{_('Score global')} — {exact}",
        *[f"{axis.name} — {exact}" for axis in axes],
    ]
    for office in offices.iterator(chunk_size=CHUNK):
        row = [
            office.name,
            office.commune,
            str(office.department),
            office.get_segment_display(),
            str(regional.STATUS_LABELS[office.campaign_status]),
            _shown(office.overall_score),
            office.overall_level_name or "",
        ]
        aliases = [regional.axis_alias(axis) for axis in axes]
        for alias in aliases:
            row += [_shown(getattr(office, alias)), getattr(office, f"{alias}_level") or ""]
        row.append(_number(office.overall_score))
        row += [_number(getattr(office, alias)) for alias in aliases]
        yield row


def answer_rows(campaign, offices, axes) -> Iterator[list]:
    yield [
        _("Office"),
        _("Département"),
        _("Classement"),
        _("Axe"),
        _("Code"),
        _("Question"),
        _("Réponse"),
        _("Points"),
        _("Points max"),
        _("Commentaire"),
    ]
    best = {
        question.pk: question.best_points
        for axis in selectors.questionnaire_axes(campaign.questionnaire)
        for question in axis.questions.all()
    }
    diagnostics = selectors.latest_submitted().filter(
        campaign=campaign, organisation__in=offices.values("pk")
    )
    departments = {d.code: str(d) for d in Department.objects.all()}
    segments = dict(Organisation.Segment.choices)
    answers = (
        Answer.objects.filter(diagnostic__in=diagnostics)
        .order_by(
            "diagnostic__organisation__name",
            "diagnostic_id",
            "question__axis__order",
            "question__order",
        )
        .values_list(
            "diagnostic__organisation__name",
            "diagnostic__organisation__department",
            "diagnostic__organisation__segment",
            "question__axis__name",
            "question_id",
            "question__code",
            "question__text",
            "not_applicable",
            "choice__label",
            "choice__points",
            "comment",
        )
    )
    not_applicable, unanswered = _("Non concerné"), _("Sans réponse")
    for (
        office,
        department,
        segment,
        axis,
        question_id,
        code,
        text,
        na,
        label,
        points,
        comment,
    ) in answers.iterator(chunk_size=CHUNK * 10):
        if na:
            label, points = not_applicable, None
        elif label is None:
            label = unanswered
        yield [
            office,
            str(departments.get(department, department)),
            str(segments.get(segment, segment)),
            axis,
            code,
            text,
            label,
            points,
            best.get(question_id),
            comment,
        ]


class _Echo:
    """A file-like object whose write() hands the line back to the generator."""

    def write(self, value):
        return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value):
    """Free text never becomes a spreadsheet formula: a leading = + - @ is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_cell(value):
    if isinstance(value, float | Decimal):
        return f"{value:.2f}".replace(".", ",")
    return "" if value is None else _text(value)


def _csv(rows: Iterator[list], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff"  # lets Excel read the file as UTF-8
        for row in rows:
            yield writer.writerow([_csv_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_cell(sheet, value):
    """Numbers with a French-friendly format (whole scores, two decimals for exact ones)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return _text(value)
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "0" if isinstance(value, int) else "0.00"
    return cell


def _xlsx(rows: Iterator[list], filename: str, title: str) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    header = [str(value) for value in next(rows)]
    # Write-only sheets take their layout before the first row: widths from the headers,
    # the header row frozen; the auto-filter covers every row once they are written.
    for index, value in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(len(value), 10), 45)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=_text(value))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    count = 1
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count}"
    # An unnamed temporary file disappears when the response closes it.
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def respond(kind: str, fmt: str, campaign, offices, axes):
    rows = (score_rows if kind == "scores" else answer_rows)(campaign, offices, axes)
    filename = f"snut-{kind}-{slugify(campaign.name)}.{fmt}"
    if fmt == "csv":
        return _csv(rows, filename)
    title = _("Scores") if kind == "scores" else _("Réponses")
    return _xlsx(rows, filename, title)


# The office's own exports (its territory, a workshop's contacts) stream the same way.
csv_response = _csv
xlsx_response = _xlsx
