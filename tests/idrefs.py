"""ARIA references that point nowhere: a screen reader then reads no help and no error.

The Nu checker and axe both let `aria-describedby="a b"` pass when one of its ids exists,
so the tests that render pages check every id of every reference themselves."""

from lxml import html

IDREF_ATTRIBUTES = ("aria-describedby", "aria-labelledby", "aria-controls")


def missing_idrefs(pages: dict[str, bytes]) -> list[str]:
    """One line per id referenced by an ARIA attribute and printed nowhere in its page."""
    found = []
    for name, content in pages.items():
        tree = html.fromstring(content)
        ids = set(tree.xpath("//@id"))
        for attribute in IDREF_ATTRIBUTES:
            for element in tree.xpath(f"//*[@{attribute}]"):
                for ref in element.get(attribute).split():
                    if ref not in ids:
                        found.append(f"{name}: <{element.tag} {attribute}> → #{ref} is missing")
    return found
