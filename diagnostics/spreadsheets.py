"""Spreadsheets (CSV and XLSX) of scores and raw answers, written row by row so that 1,000 offices never sit in memory.

CSV is written line by line (UTF-8 with a BOM and « ; » separators, as French
Excel expects); XLSX goes through openpyxl's write-only mode. The staff's
exports are written into a file by a background task (diagnostics.services.exports);
the office's own exports (its territory, a workshop's contacts) are streamed back.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from diagnostics import selectors
from diagnostics.formatting import shown
from diagnostics.models import Answer, Department, Office, Organisation
from diagnostics.selectors import regional

KINDS = ("scores", "reponses")
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE}
CHUNK = 500


def _number(value) -> float | None:
    return None if value is None else round(float(value), 2)


def _shown(value) -> int | None:
    """The whole number pages, the PDF and the admin show for this score."""
    return None if value is None else shown(float(value))


def score_rows(campaign, offices: Iterable, axes) -> Iterator[list]:
    """Scores as shown everywhere (whole numbers); the exact values in columns of their own, last.

    `offices` are annotated by regional.offices_with_scores, in the order of the rows."""
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
    for office in offices:
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


def answer_rows(campaign, office_ids: list[int], axes) -> Iterator[list]:
    """One row per answer of the offices' latest submitted diagnostic, by office name."""
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
        campaign=campaign, organisation__in=office_ids
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


def _csv_lines(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # lets Excel read the file as UTF-8
    for row in rows:
        yield writer.writerow([_csv_cell(v) for v in row])


def write_csv(rows: Iterable[list], handle) -> int:
    """Writes the rows into a binary file; returns how many data rows (the header aside)."""
    lines = 0
    for line in _csv_lines(rows):
        handle.write(line.encode("utf-8"))
        lines += 1
    return max(lines - 2, 0)  # the BOM and the header are no data


def csv_response(rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    lines = _csv_lines(rows)
    response = StreamingHttpResponse(lines, content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_cell(sheet, value):
    """Numbers with a French-friendly format (whole scores, two decimals for exact ones)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return _text(value)
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "0" if isinstance(value, int) else "0.00"
    return cell


def write_xlsx(rows: Iterator[list], handle, title: str) -> int:
    """Writes the rows as a one-sheet workbook into a binary file; returns how many data rows."""
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
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    workbook.save(handle)
    return count


def xlsx_response(rows: Iterator[list], filename: str, title: str) -> FileResponse:
    # An unnamed temporary file disappears when the response closes it.
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(rows, handle, title)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def offices_in_order(campaign, office_ids: list[int], axes) -> Iterator:
    """The offices with their scores (regional.offices_with_scores) in the order of
    `office_ids`, read CHUNK at a time."""
    for start in range(0, len(office_ids), CHUNK):
        stop = start + CHUNK
        chunk = office_ids[start:stop]
        found = regional.offices_with_scores(Office.objects.filter(pk__in=chunk), campaign, axes)
        by_id = {office.pk: office for office in found}
        yield from (by_id[pk] for pk in chunk if pk in by_id)


def write(kind: str, fmt: str, campaign, office_ids: list[int], axes, handle) -> int:
    """Writes one of the staff's exports of these offices into a binary file; returns its
    data rows."""
    if kind == "scores":
        rows = score_rows(campaign, offices_in_order(campaign, office_ids, axes), axes)
    else:
        rows = answer_rows(campaign, office_ids, axes)
    if fmt == "csv":
        return write_csv(rows, handle)
    return write_xlsx(rows, handle, _("Scores") if kind == "scores" else _("Réponses"))
