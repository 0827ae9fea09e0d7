"""The answers of one axis as the review page lists them (also the business's review and
the submitted answers' page), one <li> per question, written in Python as the template's
loop wrote them (includes/review_answers.html kept it until this module): sixty-nine
questions took the template about 7 ms, most of the review page's time.

Every value is escaped as a template writes it, each translated sentence is the one the
template asked for (the same message ids), dates as its `date` and `time` filters wrote
them."""

from django.template.loader import render_to_string
from django.utils.formats import time_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, gettext_noop

from diagnostics.display import get_item, long_date, translated

TO_CONFIRM = gettext_noop("À confirmer")
NOT_APPLICABLE = gettext_noop("Non concerné")
NO_ANSWER = gettext_noop("Sans réponse")
EDIT = gettext_noop("Modifier")
COMMENT = gettext_noop("Commentaire\u00a0: %(comment)s")
ANSWERED_BY = gettext_noop("Répondu par %(name)s le %(when)s à %(at)s")
ANSWERED = gettext_noop("Répondu le %(when)s à %(at)s")


def review_items(rows, *, axis_url, observed, read_only, campaign_open) -> str:
    """The <li> of each (question, answer or None) of `rows`; `axis_url`: the axis page
    each "Modifier" link opens; `observed`: what the website check saw
    (websites.declared_observed), shown beside the answers it bears on; `read_only`: with
    who answered and when."""
    words = {
        "to_confirm": translated(TO_CONFIRM),
        "not_applicable": translated(NOT_APPLICABLE),
        "no_answer": translated(NO_ANSWER),
        "edit": translated(EDIT),
    }
    link = conditional_escape(axis_url)
    last = len(rows) - 1
    written = []
    for index, (question, answer) in enumerate(rows):
        text = conditional_escape(question.text)
        html = [
            f'<li class="py-2{"" if index == last else " border-bottom"}">\n'
            f'<p class="mb-1 fw-semibold">{text}</p>\n<p class="mb-1">\n'
        ]
        if answer and answer.carried_over:
            html.append(f'<span class="badge text-bg-warning me-1">{words["to_confirm"]}</span>')
        html.append("\n")
        if answer and answer.not_applicable:
            html.append(words["not_applicable"])
        elif answer and answer.choice_id:
            html.append(conditional_escape(answer.choice.label))
        else:
            html.append(f'<span class="text-danger fw-semibold">{words["no_answer"]}</span>')
        html.append("\n</p>\n")
        if observed:
            row = get_item(observed.by_code, question.code)
            if row and row.seen:
                html.append(
                    render_to_string(
                        "diagnostics/observed/beside.html", {"row": row, "observed": observed}
                    )
                )
        if answer and answer.comment:
            comment = gettext(COMMENT) % {"comment": conditional_escape(answer.comment)}
            html.append(f'\n<p class="small text-body-secondary mb-1 snut-comment">{comment}</p>')
        if read_only and answer:
            html.append(
                '\n<p class="small text-body-secondary mb-0 snut-answered-by">'
                f"{_answered(answer)}</p>"
            )
        if campaign_open:
            html.append(
                f'\n<a class="small" href="{link}#q-{conditional_escape(question.code)}">'
                f'{words["edit"]}<span class="visually-hidden"> — {text}</span></a>'
            )
        html.append("\n</li>\n")
        written.append("".join(html))
    return mark_safe("".join(written))


def _answered(answer) -> str:
    """Who answered and when, as the template's `date` and `time` filters wrote it."""
    moment = template_localtime(answer.updated_at)
    if moment is None:  # what the filters write for no date
        values = {"when": "", "at": ""}
    else:
        values = {
            "when": conditional_escape(long_date(moment)),
            "at": conditional_escape(time_format(moment, "H:i")),
        }
    user = answer.updated_by
    if user:
        name = user.get_full_name() or user.get_username()
        return gettext(ANSWERED_BY) % {**values, "name": conditional_escape(name)}
    return gettext(ANSWERED) % values
