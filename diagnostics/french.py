"""Small rules of French spelling for names the application composes."""

from django.utils.translation import ngettext

ELIDING = set("AEIOUYHÂÀÉÈÊËÎÏÔÖÛÜŒ")


def de(name: str) -> str:
    """« de » before a name, elided before a vowel or a mute h: « d’Arcachère », « de Castelroc »."""
    return f"d’{name}" if name[:1].upper() in ELIDING else f"de {name}"


def counted(count: int, singular: str, plural: str) -> str:
    """A count with its words in the right number, through ngettext: counted(1,
    "%(count)s réponse", "%(count)s réponses") → « 1 réponse », 20 → « 20 réponses »."""
    return ngettext(singular, plural, count) % {"count": count}


def with_article(name: str) -> str:
    """An organisation's name after « par », « pour »: « Office de tourisme de Castelroc » →
    « l’Office de tourisme de Castelroc »; other names (« Destination Castelroc ») as they are."""
    return f"l’{name}" if name[:6].lower() == "office" else name


def of(name: str) -> str:
    """An organisation's name after « de »: « de l’Office de tourisme de Castelroc »,
    « d’Arcachère Tourisme », « de Destination Castelroc »."""
    return f"de {with_article(name)}" if with_article(name) != name else de(name)
