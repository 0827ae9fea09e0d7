"""« Niveaux visés »: per axis, a level above its score and the month it is aimed for."""

import calendar
from datetime import date

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from diagnostics.services.targets import TargetChoice

YEARS_AHEAD = 5
NO_TARGET = ""


class AxisTargetsForm(forms.Form):
    """Three fields per scored axis: level (or none), month, year. Validation only."""

    def __init__(self, *args, rows: list, today: date, **kwargs):
        """`rows`: selectors.targets.TargetRow, one per scored axis."""
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.today = today
        kept_years = [r.target.due_date.year for r in rows if r.target is not None]
        first = min([today.year, *kept_years])
        years = [(str(y), str(y)) for y in range(first, today.year + YEARS_AHEAD + 1)]
        months = [(str(n), name) for n, name in MONTHS.items()]
        for row in rows:
            target = row.target
            parts = {
                "level": (
                    _("Niveau visé"),
                    [(NO_TARGET, _("Pas de niveau visé"))]
                    + [(str(lv.pk), lv.name) for lv in row.levels],
                    str(target.level_id) if target else NO_TARGET,
                    _("Choisissez un des niveaux proposés."),
                ),
                "month": (
                    _("Mois de l’échéance"),
                    [("", "—"), *months],
                    str(target.due_date.month) if target else "",
                    _("Choisissez un mois de la liste."),
                ),
                "year": (
                    _("Année de l’échéance"),
                    [("", "—"), *years],
                    str(target.due_date.year) if target else "",
                    _("Choisissez une année de la liste."),
                ),
            }
            for part, (label, choices, initial, invalid) in parts.items():
                self.fields[f"axis-{row.axis.pk}-{part}"] = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=choices,
                    initial=initial,
                    error_messages={"invalid_choice": invalid},
                )

    def axis_fields(self):
        """Per axis: its row and its three bound fields (level, month, year), for the template."""
        for row in self.rows:
            prefix = f"axis-{row.axis.pk}"
            yield row, [self[f"{prefix}-{n}"] for n in ("level", "month", "year")]

    def clean(self):
        data = super().clean()
        for row in self.rows:
            prefix = f"axis-{row.axis.pk}"
            level = data.get(f"{prefix}-level")
            month, year = data.get(f"{prefix}-month"), data.get(f"{prefix}-year")
            if not level:
                continue
            if not month or not year:
                self.add_error(
                    f"{prefix}-month",
                    _("Dites pour quand vous visez ce niveau : un mois et une année."),
                )
        return data

    def targets(self) -> dict[int, TargetChoice | None]:
        """axis id → (level id, last day of the chosen month), or None to clear; once valid."""
        chosen = {}
        for row in self.rows:
            prefix = f"axis-{row.axis.pk}"
            level = self.cleaned_data[f"{prefix}-level"]
            if not level:
                chosen[row.axis.pk] = None
                continue
            year, month = (
                int(self.cleaned_data[f"{prefix}-year"]),
                int(self.cleaned_data[f"{prefix}-month"]),
            )
            chosen[row.axis.pk] = TargetChoice(
                int(level), date(year, month, calendar.monthrange(year, month)[1])
            )
        return chosen
