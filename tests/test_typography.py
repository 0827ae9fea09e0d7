"""French typography in what users read: no plain space before « ; : ! ? » nor inside guillemets."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BAD = re.compile(r"[^\s{%>] [?!;:](\s|$|<)|« | »")
SOURCES = sorted(
    [*ROOT.glob("templates/**/*.html"), *ROOT.glob("templates/**/*.txt")]
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
    assert not BAD.search("Bienvenue\u00a0: entrez\u202f?")
