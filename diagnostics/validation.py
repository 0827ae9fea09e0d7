"""Structural checks of a questionnaire, shared by the command and publishing."""

from django.db.models import Q
from django.utils.translation import gettext as _

from diagnostics import selectors
from diagnostics.models import Audience, AxisNarrative, Organisation, Questionnaire


def questionnaire_faults(questionnaire: Questionnaire) -> list[str]:
    """Every structural fault of a questionnaire, in French; empty when sound."""
    faults: list[str] = []
    levels = list(questionnaire.levels.order_by("lower_bound"))
    if not levels:
        faults.append(_("Aucun niveau de maturité : il en faut au moins un, à partir de 0."))
    elif levels[0].lower_bound != 0:
        faults.append(
            _("Les niveaux ne couvrent pas 0–100 : le premier commence à %(bound)s au lieu de 0.")
            % {"bound": levels[0].lower_bound}
        )
    for level in levels:
        if level.lower_bound > 100:
            faults.append(
                _("Le niveau « %(name)s » commence au-delà de 100.") % {"name": level.name}
            )
        if not level.name.strip():
            faults.append(
                _("Un niveau (borne %(bound)s) n’a pas de nom.") % {"bound": level.lower_bound}
            )

    axes = selectors.questionnaire_axes(questionnaire)
    if not axes:
        faults.append(_("Le questionnaire n’a aucun axe."))
    strays = questionnaire.questions.exclude(axis__questionnaire=questionnaire)
    for question in strays.order_by("code"):
        faults.append(
            _("Question %(code)s : elle est rangée sous un axe d’un autre questionnaire.")
            % {"code": question.code}
        )
    narratives = AxisNarrative.objects.filter(
        Q(axis__questionnaire=questionnaire) | Q(level__questionnaire=questionnaire)
    ).select_related("axis", "level")
    for narrative in narratives.order_by("axis__code", "level__lower_bound"):
        if narrative.axis.questionnaire_id != narrative.level.questionnaire_id:
            faults.append(
                _(
                    "Texte de l’axe %(code)s (niveau « %(level)s ») : l’axe et le niveau "
                    "n’appartiennent pas au même questionnaire."
                )
                % {"code": narrative.axis.code, "level": narrative.level.name}
            )
    # Effort and scale are asked of every recommendation once the questionnaire uses them.
    uses_effort = any(
        c.effort for axis in axes for q in axis.questions.all() for c in q.choices.all()
    )
    for axis in axes:
        where = _("Axe %(code)s") % {"code": axis.code}
        questions = list(axis.questions.all())
        if not axis.name.strip():
            faults.append(_("%(where)s : il n’a pas de nom.") % {"where": where})
        if axis.weight <= 0:
            faults.append(_("%(where)s : le poids doit être positif.") % {"where": where})
        if not questions:
            faults.append(_("%(where)s : aucune question.") % {"where": where})
        elif not any(q.scored for q in questions):
            faults.append(
                _("%(where)s : aucune question ne compte dans le score.") % {"where": where}
            )
        for question in questions:
            faults.extend(_question_faults(questionnaire, question, uses_effort=uses_effort))
    if questionnaire.abbreviates_id:
        faults.extend(_express_faults(questionnaire, axes))
    return faults


def _express_faults(questionnaire: Questionnaire, axes) -> list[str]:
    """An express questionnaire asks questions of the full one it abbreviates, under the same
    axis codes, with as many choices: its answers carry into the full diagnostic by code."""
    full = selectors.questionnaire_axes(questionnaire.abbreviates)
    full_questions = {q.code: (a.code, q) for a in full for q in a.questions.all()}
    faults = []
    for axis in axes:
        for question in axis.questions.all():
            found = full_questions.get(question.code)
            if found is None or found[0] != axis.code:
                faults.append(
                    _(
                        "Question %(code)s : le questionnaire complet n’a pas cette question "
                        "dans l’axe %(axis)s, ses réponses express ne pourraient pas y être "
                        "reprises."
                    )
                    % {"code": question.code, "axis": axis.code}
                )
            elif len(found[1].choices.all()) != len(question.choices.all()):
                faults.append(
                    _(
                        "Question %(code)s : elle n’a pas autant de choix que dans le "
                        "questionnaire complet."
                    )
                    % {"code": question.code}
                )
    return faults


def _question_faults(questionnaire: Questionnaire, question, *, uses_effort: bool) -> list[str]:
    where = _("Question %(code)s") % {"code": question.code}
    faults = []
    if question.questionnaire_id != questionnaire.pk:
        faults.append(
            _("%(where)s : elle appartient à un autre questionnaire que son axe.")
            % {"where": where}
        )
    if not question.text.strip():
        faults.append(_("%(where)s : elle n’a pas d’intitulé.") % {"where": where})
    if question.weight <= 0:
        faults.append(_("%(where)s : le poids doit être positif.") % {"where": where})
    faults.extend(_activity_faults(questionnaire, question, where))
    choices = list(question.choices.all())
    if len(choices) < 2:
        faults.append(
            _("%(where)s : %(count)s choix, il en faut au moins 2.")
            % {"where": where, "count": len(choices)}
        )
    if not choices:
        return faults
    if not question.scored:
        if any(c.points for c in choices):
            faults.append(
                _("%(where)s : elle ne compte pas dans le score, ses choix doivent valoir 0 point.")
                % {"where": where}
            )
        return faults
    best = max(c.points for c in choices)
    tops = [c for c in choices if c.points == best]
    if best == 0:
        faults.append(_("%(where)s : aucun choix ne rapporte de points.") % {"where": where})
    elif len(tops) > 1:
        faults.append(
            _(
                "%(where)s : %(count)s choix à %(points)s points, un seul doit être la meilleure réponse."
            )
            % {"where": where, "count": len(tops), "points": best}
        )
    for choice in choices:
        if not choice.label.strip():
            faults.append(
                _("%(where)s : le choix n°%(order)s n’a pas de libellé.")
                % {"where": where, "order": choice.order}
            )
        if choice.points < best and not choice.recommendation.strip():
            faults.append(
                _("%(where)s : le choix n°%(order)s « %(label)s » n’a pas de recommandation.")
                % {"where": where, "order": choice.order, "label": choice.label}
            )
        elif uses_effort and choice.points < best and not (choice.effort and choice.scale):
            faults.append(
                _(
                    "%(where)s : la recommandation du choix n°%(order)s « %(label)s » "
                    "n’a pas d’effort ou d’échelle."
                )
                % {"where": where, "order": choice.order, "label": choice.label}
            )
    return faults


def _activity_faults(questionnaire: Questionnaire, question, where: str) -> list[str]:
    """A question's activities are business segments, on a business questionnaire only."""
    activities = question.activities
    if not activities:
        return []
    if questionnaire.audience != Audience.BUSINESSES:
        return [
            _("%(where)s : seul un questionnaire de prestataires distingue les activités.")
            % {"where": where}
        ]
    known = Organisation.BUSINESS_SEGMENTS
    if not isinstance(activities, list) or any(a not in known for a in activities):
        return [
            _("%(where)s : activités inconnues %(found)s (attendu : %(known)s).")
            % {"where": where, "found": activities, "known": ", ".join(known)}
        ]
    return []
