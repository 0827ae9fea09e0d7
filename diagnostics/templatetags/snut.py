"""Formatting of scores for pages and the report, French style."""

from django import template
from django.utils.formats import number_format

from diagnostics.formatting import shown
from diagnostics.forms import confirm_field_name
from diagnostics.scoring import LevelSpec, level_for

register = template.Library()

MINUS = "\u2212"
NARROW_NBSP = "\u202f"


@register.filter
def score(value) -> str:
    """63 → « 63 », None → « — » (no score is not zero)."""
    if value is None or value == "":
        return "—"
    whole = shown(float(value))
    # A score is 0–100: no separator of thousands to localise (and a list shows hundreds).
    return str(whole) if -1000 < whole < 1000 else number_format(whole, 0)


@register.filter
def delta(value) -> str:
    """Signed difference in points: +5, −3, ±0."""
    if value is None or value == "":
        return "—"
    rounded = round(float(value))
    if rounded == 0:
        return "±0"
    sign = "+" if rounded > 0 else MINUS
    return f"{sign}{abs(rounded)}"


@register.filter
def delta_tone(value) -> str:
    if value is None or value == "" or round(float(value)) == 0:
        return "flat"
    return "up" if float(value) > 0 else "down"


# The lower bounds of the network's questionnaires, only for the staff pages that do not pass
# their campaign's levels yet (diagnostics/admin/offices.py and the pages regional.py feeds).
NETWORK_BOUNDS = (LevelSpec(0, ""), LevelSpec(25, ""), LevelSpec(50, ""), LevelSpec(75, ""))
TONES = 4  # .tone-t1 (lowest level, red) to .tone-t4 (highest, green) in the CSS


@register.filter
def tone(value, levels=NETWORK_BOUNDS) -> str:
    """The colour of a 0–100 score: the rank, among the questionnaire's levels (any objects
    with a lower_bound, in order), of the level it reaches, spread over the four tones."""
    if value is None or value == "":
        return "none"
    levels = list(levels)
    level = level_for(float(value), levels)
    if level is None:
        return "none"
    last = len(levels) - 1
    if not last:
        return "t3"  # a single level is neither low nor high
    return f"t{1 + round((TONES - 1) * levels.index(level) / last)}"


@register.filter
def percent(value) -> str:
    if value is None:
        return "—"
    return f"{number_format(round(float(value)), 0)}{NARROW_NBSP}%"


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, None when absent."""
    return mapping.get(key) if mapping else None


@register.filter
def confirm_name(question) -> str:
    return confirm_field_name(question)


@register.filter
def trainings_for(results, item) -> list:
    """The catalogue's trainings that address a priority of the results (question, else axis)."""
    if results.trainings is None:
        return []
    return results.trainings.for_priority(item.question.code, item.axis.code)
