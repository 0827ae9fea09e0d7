"""Small rules of French spelling for names the application composes."""

ELIDING = set("AEIOUYHÂÀÉÈÊËÎÏÔÖÛÜŒ")


def de(name: str) -> str:
    """« de » before a name, elided before a vowel or a mute h: « d’Arcachère », « de Castelroc »."""
    return f"d’{name}" if name[:1].upper() in ELIDING else f"de {name}"
