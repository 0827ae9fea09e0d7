"""The questionnaire page's questions, one card each, written in Python as the template's
loop wrote them (axis.html kept it until this module): a dozen cards of five radio buttons
and a comment each took the template about half a millisecond a card, most of the page's
time.

Everything here is an id, a value or a text: nothing is localised (the loop ran with
localisation off), every value is escaped, and each translated sentence is the one the
template asked for (the same message ids, so the same catalogues)."""

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_noop

from diagnostics.answer_fields import confirm_field_name
from diagnostics.display import get_item, translated

# The template's sentences (gettext_noop: found by makemessages, translated when written).
OPTIONAL_HEADING = gettext_noop("Vos besoins et disponibilités")
OPTIONAL_HELP = gettext_noop(
    "Ces questions facultatives aident l’office à préparer des ateliers qui vous "
    "conviennent\u00a0: elles ne changent pas votre score."
)
OPTIONAL_BADGE = gettext_noop("Facultative, sans effet sur votre score")
TO_CONFIRM = gettext_noop("À confirmer")
CARRIED = gettext_noop("Réponse reprise du diagnostic précédent\u00a0: confirmez-la ou changez-la.")
CONFIRM = gettext_noop("Confirmer cette réponse")
ADD_COMMENT = gettext_noop("Ajouter un commentaire")


def _quoted(message: str, value) -> str:
    """`{% blocktranslate with value=… %}`: the value escaped, the sentence as translated."""
    return gettext(message) % {"value": conditional_escape(value)}


def question_cards(rows, *, answers, conflicts, autosave_urls, campaign_open, business) -> str:
    """The fieldsets of `rows` (AnswersForm.rows: question, choice field, its radio
    options, comment field), with the heading of the optional questions before the first
    of them."""
    written = []
    heading = False
    for counter, (question, field, options, comment) in enumerate(rows, 1):
        if not question.scored and not heading:
            heading = True
            written.append(
                f'<h2 class="h5 mt-4 mb-2">{translated(OPTIONAL_HEADING)}</h2>\n'
                f'<p class="small mb-3">{translated(OPTIONAL_HELP)}</p>\n'
            )
        written.append(
            _card(
                counter,
                question,
                field,
                options,
                comment,
                answer=get_item(answers, question.pk),
                conflict=get_item(conflicts, question.pk),
                autosave_url=get_item(autosave_urls, question.pk),
                campaign_open=campaign_open,
                business=business,
            )
        )
    return mark_safe("".join(written))


def _card(counter, question, field, options, comment, **page) -> str:
    answer, conflict = page["answer"], page["conflict"]
    pk, text = conditional_escape(question.pk), conditional_escape(question.text)
    errors = field.errors
    classes = "card shadow-sm mb-3 snut-question"
    if errors or comment.errors or conflict:
        classes += " border-danger"
    if answer and answer.carried_over:
        classes += " is-carried"
    html = [
        f'<fieldset class="{classes}" id="q-{conditional_escape(question.code)}"'
        f' data-autosave-url="{conditional_escape(page["autosave_url"])}"'
        f' data-question="{pk}"{"" if page["campaign_open"] else " disabled"}>\n'
        '<legend class="snut-legend-q h6 lh-base px-4 pt-4 mb-2">'
        f'<span class="text-body-secondary me-1">{counter}.</span> {text}'
    ]
    if not question.scored:
        html.append(
            ' <span class="badge text-bg-light border fw-normal">'
            f"{translated(OPTIONAL_BADGE)}</span>"
        )
    html.append('</legend>\n<div class="card-body px-4 pb-4 pt-0">\n')
    if question.help_text:
        html.append(
            f'<p class="snut-help small mb-3" id="help-{pk}">'
            f"{conditional_escape(question.help_text)}</p>\n"
        )
    if answer and answer.carried_over:
        html.append(
            '<p class="snut-carried small mb-3" data-carried>\n'
            f'<span class="badge text-bg-warning">{translated(TO_CONFIRM)}</span>\n'
            f"{gettext(CARRIED)}\n"
            '<button class="btn btn-sm btn-outline-dark ms-1" type="submit"'
            f' name="{conditional_escape(confirm_field_name(question))}" value="1" data-confirm>'
            f"{translated(CONFIRM)}</button>\n</p>\n"
        )
    if conflict:
        html.append(_conflict(conflict, page["business"]))
    for error in errors:
        html.append(
            f'<div class="alert alert-danger py-2 small" role="alert" id="error-{pk}">'
            f"{conditional_escape(error)}</div>"
        )
    html.append(
        f'\n<input type="hidden" name="initial-{conditional_escape(field.html_name)}"'
        f' value="{conditional_escape(field.initial)}" data-initial>\n'
        '<div class="snut-choices">\n'
    )
    described = ""
    if question.help_text or errors:
        described = (
            ' aria-describedby="'
            + (f"help-{pk}" if question.help_text else "")
            + (f" error-{pk}" if errors else "")
            + '"'
        )
    for radio in options:
        identifier = conditional_escape(radio.id)
        html.append(
            f'<label class="snut-choice{" snut-choice-na" if radio.value == "na" else ""}"'
            f' for="{identifier}">\n'
            f'<input class="form-check-input" type="radio" name="{conditional_escape(radio.name)}"'
            f' value="{conditional_escape(radio.value)}" id="{identifier}"'
            f"{' checked' if radio.checked else ''}{described}>\n"
            f"<span>{conditional_escape(radio.label)}</span>\n</label>\n"
        )
    html.append("</div>\n")
    html.append(_comment(comment, page["business"]))
    html.append(
        '<div class="snut-conflict d-none" data-conflict role="alert"></div>\n'
        '<p class="snut-saved small mb-0 mt-2" data-saved aria-live="polite"></p>\n'
        "</div>\n</fieldset>\n"
    )
    return "".join(html)


def _conflict(conflict: dict, business: bool) -> str:
    """What a colleague (or, for a business, another device) stored meanwhile."""
    html = [
        '<div class="alert alert-danger small" role="alert">\n'
        f'<p class="mb-1"><strong>{conditional_escape(conflict["message"])}</strong></p>\n'
    ]
    if conflict["choice"] is not None:
        message = (
            gettext_noop("Réponse enregistrée\u00a0: «\u00a0%(value)s\u00a0».")
            if business
            else gettext_noop("Sa réponse\u00a0: «\u00a0%(value)s\u00a0».")
        )
        html.append(f'<p class="mb-1">{_quoted(message, conflict["choice"])}</p>')
    html.append("\n")
    if conflict["comment"] is not None:
        message = (
            gettext_noop("Commentaire enregistré\u00a0: «\u00a0%(value)s\u00a0».")
            if business
            else gettext_noop("Son commentaire\u00a0: «\u00a0%(value)s\u00a0».")
        )
        # `default:"(vide)"` in the template: not a translated sentence.
        html.append(f'<p class="mb-1">{_quoted(message, conflict["comment"] or "(vide)")}</p>')
    keep = (
        gettext_noop(
            "La version de cette page est restée affichée\u00a0: enregistrez pour la garder, "
            "ou reprenez l’autre en la resélectionnant."
        )
        if business
        else gettext_noop(
            "Votre version est restée dans la page\u00a0: enregistrez pour la garder, ou "
            "reprenez la sienne en la resélectionnant."
        )
    )
    html.append(f'\n<p class="mb-0">{translated(keep)}</p>\n</div>\n')
    return "".join(html)


def _comment(comment, business: bool) -> str:
    """The comment's disclosure: open when there is one."""
    value = comment.value()
    identifier = conditional_escape(comment.id_for_label)
    placeholder = (
        gettext_noop("Une précision pour votre office de tourisme, si vous le souhaitez")
        if business
        else gettext_noop("Précisions pour votre équipe ou votre conseil d’administration")
    )
    html = [
        f'<details class="mt-3"{" open" if value else ""}>\n'
        f'<summary class="small">{translated(ADD_COMMENT)}</summary>\n'
        f'<input type="hidden" name="initial-{conditional_escape(comment.html_name)}"'
        f' value="{conditional_escape(comment.initial)}" data-initial>\n'
        f'<label class="visually-hidden" for="{identifier}">{conditional_escape(comment.label)}'
        "</label>\n"
        f'<textarea class="form-control mt-2" name="{conditional_escape(comment.html_name)}"'
        f' id="{identifier}" rows="2" maxlength="2000" placeholder="{translated(placeholder)}">'
        f"{conditional_escape(value or '')}</textarea>\n"
    ]
    for error in comment.errors:
        html.append(f'<div class="text-danger small mt-1">{conditional_escape(error)}</div>')
    html.append("\n</details>\n")
    return "".join(html)
