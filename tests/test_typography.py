"""French typography in what users read: no plain space before « ; : ! ? » nor inside guillemets."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BAD = re.compile(r"""[^\s{%>] [?!;:](\s|$|<|["'])|« | »""")
SOURCES = sorted(
    [*ROOT.glob("templates/**/*.html"), *ROOT.glob("templates/**/*.txt")]
    + [*ROOT.glob("docs/**/*.md")]
    + [*ROOT.glob("fixtures/*.json")]
    + [p for p in ROOT.glob("diagnostics/**/*.py") if "migrations" not in p.parts]
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_plain_space_before_french_punctuation(path):
    faults = [
        f"{path.name}:{number}: {line.strip()[:80]}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if BAD.search(line)
    ]
    assert not faults, "\n".join(faults)


def test_the_check_can_fail():
    assert BAD.search("Bienvenue : entrez")
    assert BAD.search("« non concerné »")
    assert BAD.search('{% translate "comparés aux offices comparables :" %}')  # at a string's end
    assert not BAD.search("Bienvenue\u00a0: entrez\u202f?")


# A format string, not a named format (SHORT_DATE_FORMAT…), holding M, b or N unescaped.
ENGLISH_MONTH = re.compile(r"""date:["'](?![A-Z_]+["'])[^"']*(?<!\\)[MbN]""")


def test_dates_spell_their_month_out():
    """Django's « M », « b » and « N » give « Oct », « oct » or « oct. » in French: a date a
    user reads says « 20 octobre 2026 » (F) or 20/10/2026."""
    faults = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in SOURCES
        if path.suffix in (".html", ".txt")
        for match in ENGLISH_MONTH.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not faults, "\n".join(faults)
    assert ENGLISH_MONTH.search('|date:"j M Y"') and not ENGLISH_MONTH.search('|date:"j F Y"')
    assert not ENGLISH_MONTH.search('|date:"SHORT_DATETIME_FORMAT"')


def test_dates_write_the_first_of_the_month_as_french_does():
    """« 1er février 2027 »: templates write a date in a sentence with `long_date`, never
    Django's « j F Y » (« 1 février »)."""
    from datetime import date

    from diagnostics.display import long_date

    assert long_date(date(2027, 2, 1)) == "1er février 2027"
    assert long_date(date(2027, 2, 11)) == "11 février 2027"
    assert long_date(None) == long_date("") == long_date("pas une date") == ""  # as « date »
    faults = [
        str(path.relative_to(ROOT))
        for path in SOURCES
        if path.suffix in (".html", ".txt") and 'date:"j F Y"' in path.read_text(encoding="utf-8")
    ]
    assert not faults, faults
