"""Formatting of scores for pages and the report, French style."""

import re

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from diagnostics.answer_fields import confirm_field_name
from diagnostics.display import (
    delta,
    delta_tone,
    get_item,
    long_date,
    on,
    score,
    template_text,
    tone,
    when,
)
from diagnostics.french import with_article
from diagnostics.question_cards import question_cards
from diagnostics.review_items import review_items

register = template.Library()

# Where a kept part leaves room for a piece kept apart (views/kept_parts.py): a comment,
# so that a hole nothing fills shows nothing.
HOLE = re.compile(r"<!--snut-hole:([\w:-]+)-->")
# A list whose items the view puts in order when it fills the holes (`{% in_order %}`): a
# kept part whose items are named in holes keeps no order that a rename would change.
IN_ORDER = re.compile(r"<!--snut-in-order-->(.*?)<!--/snut-in-order-->", re.S)
ITEM = re.compile(r"<!--snut-item:([\w:-]+)-->")
NARROW_NBSP = "\u202f"


@register.filter
def percent(value) -> str:
    if value is None:
        return "—"
    return f"{number_format(round(float(value)), 0)}{NARROW_NBSP}%"


@register.filter
def confirm_name(question) -> str:
    return confirm_field_name(question)


@register.filter
def trainings_for(results, item) -> list:
    """The catalogue's trainings that address a priority of the results (question, else axis)."""
    if results.trainings is None:
        return []
    return results.trainings.for_priority(item.question.code, item.axis.code)


@register.filter
def page_numbers(page) -> list:
    """The numbers to link around a Paginator page: 1 2 … 6 7 8 … 39 40."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.filter
def input_tag(widget) -> str:
    """A radio button's or a checkbox's <input> (a BoundWidget) as `widget.tag` writes it,
    byte for byte (django/forms/widgets/input.html and attrs.html), without going through
    the form renderer's templates: a page of radio groups spent a third of its time there."""
    data = widget.data
    html = [
        f'<input type="{conditional_escape(data["type"])}" name="{conditional_escape(data["name"])}"'
    ]
    if data["value"] is not None:
        html.append(f' value="{conditional_escape(str(data["value"]))}"')
    for name, value in data["attrs"].items():
        if value is True:
            html.append(f" {conditional_escape(name)}")
        elif value is not False:
            html.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    html.append(">")
    return mark_safe("".join(html))


register.filter(with_article)
register.filter(get_item)
register.simple_tag(question_cards)
register.simple_tag(review_items)
register.filter(score)
register.filter(delta)
register.filter(delta_tone)
register.filter(tone)
register.filter(long_date, expects_localtime=True)


@register.simple_tag
def levels_bar(levels, total, scale) -> str:
    """How many of `total` scores reach each level (`levels`: (level, count) pairs): a bar
    of the levels reached, each in the tone of its level among `scale` (the campaign's
    levels), then the counts in words. One per axis on the regional dashboard, written
    here rather than by an included template: its seven bars took a third of the time its
    figures took to render."""
    counted = [(level, count, template_text(count)) for level, count in levels]
    spans = format_html_join(
        "",
        '<span class="tone-{}" style="width: {}%; background: var(--tone)" title="{}\u00a0: {}"></span>',
        (
            (tone(level.lower_bound, scale), round(count / total * 100), level.name, shown)
            for level, count, shown in counted
            if count
        ),
    )
    return format_html(
        '<div class="snut-bar" role="img" aria-label="{}">{}</div>\n<small>{}</small>\n',
        ", ".join(f"{level.name}\u00a0: {shown}" for level, _count, shown in counted),
        spans,
        " · ".join(f"{level.name} {shown}" for level, _count, shown in counted),
    )


@register.filter
def session_when(session) -> str:
    return when(session.starts, session.ends)


@register.filter
def session_on(session) -> str:
    return on(session.starts, session.ends)


@register.simple_tag
def invitees(workshop, availability) -> str:
    """The named businesses of a proposed workshop (programme.ProposedWorkshop), one <li>
    each with when it prefers (`availability`, diagnostic id → preferences.Availability) and
    whether it asked for the topic or its site shows the lack: the workshop programme's
    longest list, written here rather than by a template loop (a third of the page's time
    at 50 businesses)."""
    asked = format_html(' <span class="badge text-bg-info">{}</span>', gettext("l’a demandé"))
    seen = format_html(
        ' <span class="badge text-bg-light border">{}</span>', gettext("vu sur son site")
    )
    items = []
    for r in workshop.named:
        when = availability.get(r.diagnostic_id) if availability else None
        items.append(
            format_html(
                '{}<li>{} <span class="text-body-secondary">({}, {}){}</span>{}{}</li>',
                item("business", r.business_id),  # in order by name when filled
                hole("name", r.business_id),
                r.segment_label,
                hole("commune", r.business_id),  # kept apart (selectors/territory_rows.py)
                format_html(" — {}", when.label) if when else "",
                asked if r.diagnostic_id in workshop.wished_by else "",
                seen if r.diagnostic_id in workshop.seen_by else "",
            )
        )
    # Names and communes are holes, and the list is put in order when they are filled:
    # the kept part holds none of what a business's rename or move changes.
    return mark_safe(in_order() + "".join(items) + end_in_order())


@register.simple_tag
def hole(*names) -> str:
    """A hole named by its parts (`{% hole "plan" item.question.id %}` → plan:12), which the
    view fills with what is kept apart from the page's part (views/kept_parts.py)."""
    return _mark("snut-hole", HOLE, names)


def _mark(kind: str, pattern: re.Pattern, names) -> str:
    """The comment `<!--kind:a:b-->` for the names' parts, refused unless `pattern` reads
    it back whole (a name that could close the comment or inject markup)."""
    name = ":".join(str(n) for n in names)
    mark = f"<!--{kind}:{name}-->"
    if not pattern.fullmatch(mark):
        raise ValueError(f"not a {kind} name: {name!r}")
    return mark_safe(mark)


@register.simple_tag
def in_order() -> str:
    """Opens a list whose items (`{% item %}`) the view sorts when it fills the part's holes
    (views/kept_parts.py, `filled`); `{% end_in_order %}` closes it. Such lists do not
    nest, and an item runs from its mark to the next one or to the list's end: nothing
    but items after the first."""
    return mark_safe("<!--snut-in-order-->")


@register.simple_tag
def end_in_order() -> str:
    return mark_safe("<!--/snut-in-order-->")


@register.simple_tag
def item(*names) -> str:
    """Where an item of an `{% in_order %}` list begins, named by its parts as a hole is
    (`{% item "business" r.business_id %}` → business:7)."""
    return _mark("snut-item", ITEM, names)


@register.simple_tag
def action_items(plan, office) -> str:
    """« Toutes les actions » of the plan page (selectors.OfficePlan), one <li> each: its
    title to edit it, status, owner, due date (in red when late), axis, the diagnostic it
    was drawn from and the start of its note. Written here rather than by a template loop,
    which took about 2 of the 11 ms the plan page cost after any office's action was saved
    (12 actions, SQLite)."""
    overdue = {action.pk for action in plan.overdue}
    last = len(plan.actions) - 1
    items = []
    for index, action in enumerate(plan.actions):
        owner = action.owner
        drawn = ""
        if action.diagnostic_id:
            drawn = " · " + gettext("tirée du diagnostic « %(name)s »") % {
                "name": action.diagnostic.campaign.name
            }
        items.append(
            format_html(
                '<li class="py-3 {}"><a href="{}" class="fw-semibold">{}</a>'
                '<div class="small mt-1 d-flex flex-wrap gap-2 align-items-center">'
                '<span class="badge snut-status status-{}">{}</span><span>{} {}</span>'
                '<span class="{}">{} {}</span></div>'
                '<div class="small text-body-secondary">{}{}</div>{}</li>',
                "" if index == last else "border-bottom",
                reverse("diagnostics:action_edit", args=[office.slug, action.pk]),
                action.title,
                action.status,
                action.get_status_display(),
                gettext("Responsable :"),
                (owner and (owner.get_full_name() or owner.username)) or action.owner_name or "—",
                "text-danger fw-semibold" if action.pk in overdue else "",
                gettext("Échéance :"),
                long_date(action.due_date) if action.due_date else "—",
                action.axis.name if action.axis_id else gettext("Sans axe"),
                drawn,
                format_html('<div class="small mt-1">{}</div>', Truncator(action.note).chars(200))
                if action.note
                else "",
            )
        )
    return mark_safe("".join(items))
