"""Which question each observed indicator informs, and when what is seen contradicts what
was declared: the one mapping of « Déclaré / observé ».

Keyed by questionnaire (code, version), then question code: the office questionnaire's (v2, v3)
« Site(s) web de destination » axis (and its mobile ticketing question) and the businesses'
v2 « Visibilité » and « Réservation » questions. Each rule reads the organisation's latest
website check (diagnostics/website_indicators.py's keys) and the points of the choice
declared, and returns what was observed, in French, and whether it disagrees. A
disagreement is shown beside the question, never changes a score: the observation sees one
page from outside, the team knows its whole site.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# Above these, a home page is heavy (HTML bytes, files it asks for).
HEAVY_BYTES = 500 * 1024
HEAVY_REQUESTS = 100
LANGUAGE_NAMES = {
    "fr": gettext_noop("français"),
    "en": gettext_noop("anglais"),
    "de": gettext_noop("allemand"),
    "es": gettext_noop("espagnol"),
    "it": gettext_noop("italien"),
    "nl": gettext_noop("néerlandais"),
    "pt": gettext_noop("portugais"),
    "zh": gettext_noop("chinois"),
    "ja": gettext_noop("japonais"),
    "oc": gettext_noop("occitan"),
    "br": gettext_noop("breton"),
    "eu": gettext_noop("basque"),
    "ca": gettext_noop("catalan"),
}
STATEMENT_POINTS = {"non": 1, "partiellement": 2, "totalement": 3}


@dataclass(frozen=True)
class Seen:
    text: str  # what was observed, one French sentence
    disagrees: bool = False


Rule = Callable[[dict, int | None], Seen]


def _yes(value) -> str:
    return _("oui") if value else _("non")


def _declared(points: int | None, at_least: int) -> bool:
    return points is not None and points >= at_least


def mobile(indicators: dict, points: int | None) -> Seen:
    viewport = indicators.get("viewport", False)
    text = _("Page d’accueil prévue pour les écrans mobiles (balise viewport) : %(yes)s.") % {
        "yes": _yes(viewport)
    }
    return Seen(text, not viewport and _declared(points, 2))


def accessibility_statement(indicators: dict, points: int | None) -> Seen:
    statement = indicators.get("accessibility") or {}
    if not statement.get("url"):
        text = _("Aucun lien vers une déclaration d’accessibilité sur la page d’accueil.")
        return Seen(text, _declared(points, 1))
    status = statement.get("status", "")
    if not status:
        return Seen(_("Déclaration d’accessibilité trouvée, sans état de conformité lisible."))
    text = _("Déclaration d’accessibilité : « %(status)s conforme ».") % {"status": _(status)}
    return Seen(text, points is not None and points != STATEMENT_POINTS[status])


def page_weight(indicators: dict, points: int | None) -> Seen:
    weight, requests = indicators.get("page_weight", 0), indicators.get("requests", 0)
    text = _("Page d’accueil : %(size)s Ko de HTML, %(count)s fichiers demandés.") % {
        "size": round(weight / 1024),
        "count": requests,
    }
    heavy = weight > HEAVY_BYTES or requests > HEAVY_REQUESTS
    return Seen(text, heavy and _declared(points, 2))


def language_names(codes: list[str]) -> str:
    return ", ".join(_(LANGUAGE_NAMES[c]) if c in LANGUAGE_NAMES else c for c in codes)


def languages(indicators: dict, points: int | None) -> Seen:
    codes = indicators.get("languages", [])
    if not codes:
        return Seen(_("Aucune langue déclarée dans la page d’accueil (attribut lang, hreflang)."))
    text = _("Langues proposées par la page d’accueil : %(names)s.") % {
        "names": language_names(codes)
    }
    several = len(codes) > 1
    return Seen(text, (not several and _declared(points, 2)) or (several and points == 0))


def privacy(indicators: dict, points: int | None) -> Seen:
    trackers = indicators.get("trackers", [])
    text = _(
        "HTTPS : %(https)s ; mentions légales : %(legal)s ; politique de confidentialité : "
        "%(privacy)s ; traceurs chargés par la page initiale : %(trackers)s."
    ) % {
        "https": _yes(indicators.get("https")),
        "legal": _yes(indicators.get("legal_notice")),
        "privacy": _yes(indicators.get("privacy")),
        "trackers": ", ".join(trackers) or _("aucun"),
    }
    lacking = not (
        indicators.get("https") and indicators.get("legal_notice") and indicators.get("privacy")
    )
    return Seen(text, (lacking or bool(trackers)) and _declared(points, 2))


def structured_data(indicators: dict, points: int | None) -> Seen:
    types = (indicators.get("structured_data") or {}).get("types", [])
    if not types:
        return Seen(
            _("Aucune donnée structurée (schema.org) sur la page d’accueil."), _declared(points, 2)
        )
    text = _("Données structurées (schema.org) : %(types)s.") % {"types": ", ".join(types)}
    return Seen(text)


def booking(indicators: dict, points: int | None) -> Seen:
    found = bool(indicators.get("booking_link"))
    text = _("Lien de réservation ou de billetterie sur la page d’accueil : %(yes)s.") % {
        "yes": _yes(found)
    }
    return Seen(text, not found and _declared(points, 1))


def business_booking(indicators: dict, points: int | None) -> Seen:
    found = bool(indicators.get("booking_link"))
    seen = booking(indicators, points)
    return Seen(seen.text, (not found and _declared(points, 2)) or (found and points == 0))


def own_site(indicators: dict, points: int | None) -> Seen:
    text = _(
        "Un site répond à cette adresse ; affichage mobile : %(mobile)s ; lien de contact : %(contact)s."
    ) % {
        "mobile": _yes(indicators.get("viewport")),
        "contact": _yes(indicators.get("contact_link")),
    }
    answered_no_site = points is not None and points <= 1
    return Seen(text, answered_no_site or (points == 3 and not indicators.get("viewport")))


OFFICE_WEBSITE: dict[str, Rule] = {
    "web-13": mobile,
    "web-05": structured_data,
    "web-06": accessibility_statement,
    "web-07": page_weight,
    "web-09": languages,
    "web-12": privacy,
    "mobilite-09": booking,
}
QUESTIONS: dict[tuple[str, int], dict[str, Rule]] = {
    # v2 asks these questions with the same choices as v3: last year's answers compare too.
    ("snut-ot", 2): OFFICE_WEBSITE,
    ("snut-ot", 3): OFFICE_WEBSITE,
    ("snut-prestataires", 2): {
        "vis-03": own_site,
        "resa-01": business_booking,
    },
}
# The indicators each question's rule reads (the README's table, kept true by a test).
INDICATORS = {
    mobile: ("viewport",),
    structured_data: ("structured_data",),
    accessibility_statement: ("accessibility",),
    page_weight: ("page_weight", "requests"),
    languages: ("languages",),
    privacy: ("https", "legal_notice", "privacy", "trackers"),
    booking: ("booking_link",),
    business_booking: ("booking_link",),
    own_site: ("viewport", "contact_link"),
}


# What a business's site shows it lacks, by its rule: the indicators whose absence makes the
# question's workshop a need (the workshop programme), whatever the business declared.
LACKS = {
    own_site: ("viewport", "contact_link"),
    business_booking: ("booking_link",),
}


def lacking(questionnaire_code: str, version: int, indicators: dict) -> set[str]:
    """The question codes whose observed indicators show a lack (LACKS)."""
    return {
        code
        for code, rule in rules_for(questionnaire_code, version).items()
        if rule in LACKS and not all(indicators.get(key) for key in LACKS[rule])
    }


def rules_for(questionnaire_code: str, version: int) -> dict[str, Rule]:
    return QUESTIONS.get((questionnaire_code, version), {})
