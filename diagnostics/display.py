"""How a score is shown on the pages, the report and the admin: its text and its colour."""

from django.template import Context
from django.template.base import render_value_in_context
from django.utils import dateformat, timezone
from django.utils.formats import date_format, number_format
from django.utils.html import conditional_escape
from django.utils.translation import gettext as _

from diagnostics.formatting import shown
from diagnostics.scoring import level_for


def score(value) -> str:
    """63 → « 63 », None → « — » (no score is not zero)."""
    if value is None or value == "":
        return "—"
    whole = shown(float(value))
    # A score is 0–100: no separator of thousands to localise (and a list shows hundreds).
    return str(whole) if -1000 < whole < 1000 else number_format(whole, 0)


# A template's default context: local time, localisation and escaping as settings say.
_DEFAULT_CONTEXT = Context()


def template_text(value) -> str:
    """A value as a template's {{ value }} (or a {% blocktranslate with x=value %}) writes
    it, through Django's own function: for rows written in Python as a template would."""
    return render_value_in_context(value, _DEFAULT_CONTEXT)


def get_item(mapping, key):
    """mapping[key], None when absent or when there is no mapping (the `get_item` filter)."""
    return mapping.get(key) if mapping else None


def translated(message: str) -> str:
    """A sentence as `{% translate message %}` writes it: translated, then escaped."""
    return conditional_escape(_(message))


MINUS = "\u2212"
TONES = 4  # .tone-t1 (lowest level, red) to .tone-t4 (highest, green) in the CSS


def delta(value) -> str:
    """Signed difference in points: +5, −3, ±0."""
    if value is None or value == "":
        return "—"
    rounded = round(float(value))
    if rounded == 0:
        return "±0"
    sign = "+" if rounded > 0 else MINUS
    return f"{sign}{abs(rounded)}"


def delta_tone(value) -> str:
    if value is None or value == "" or round(float(value)) == 0:
        return "flat"
    return "up" if float(value) > 0 else "down"


def tone(value, levels) -> str:
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


def clock(moment) -> str:
    """9:00 → « 9 h », 14:30 → « 14 h 30 » (no-break spaces), in Paris time."""
    local = timezone.localtime(moment)
    return f"{local.hour}\u00a0h" + (f"\u00a0{local.minute:02d}" if local.minute else "")


def long_date(value) -> str:
    """A date as French writes it in a sentence: « 15 février 2027 », and the first of a
    month « 1er février 2027 » (Django's « j F Y » writes « 1 février »). A
    datetime as given: a template's filter receives it in local time."""
    if value in (None, ""):  # as Django's « date » filter: nothing to write
        return ""
    try:
        text = date_format(value, "j F Y")
    except AttributeError:  # not a date (the « date » filter writes nothing either)
        return ""
    return "1er" + text[1:] if text.startswith("1 ") else text


def day(moment) -> str:
    """« mardi 5 décembre 2026 », in Paris time (« 1er » for the first of the month)."""
    local = timezone.localtime(moment)
    return f"{dateformat.format(local, 'l')} {long_date(local)}"


def when(starts, ends=None) -> str:
    """A session's time: « mardi 5 décembre 2026, 9 h 30 – 11 h 30 », or « du … au … »
    over several days."""
    if ends is None:
        return f"{day(starts)}, {clock(starts)}"
    if timezone.localdate(starts) == timezone.localdate(ends):
        return f"{day(starts)}, {clock(starts)} – {clock(ends)}"
    return _("du {start} au {end}").format(
        start=f"{day(starts)}, {clock(starts)}", end=f"{day(ends)}, {clock(ends)}"
    )


def on(starts, ends=None) -> str:
    """`when`, as it follows « prochaine session »: « le mardi 5 décembre 2026,
    9 h 30 – 11 h 30 », and over several days « du … au … » as it is (never
    « le du … »)."""
    if ends is not None and timezone.localdate(starts) != timezone.localdate(ends):
        return when(starts, ends)
    return _("le {when}").format(when=when(starts, ends))
