"""The comparison and evolution table's rows, written in Python (admin/compare_rows.py),
against what the template's loops wrote before: the same HTML, whitespace aside, for every
kind of cell (a score, none, the best and the worst, each kind of target), names escaped,
numbers localised, in French and in English."""

import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from diagnostics.admin.compare_rows import comparison_rows
from diagnostics.selectors.regional.comparison import Comparison, ComparisonRow
from diagnostics.selectors.targets import TargetOutcome

# templates/admin/diagnostics/office/compare.html's table body and foot as they were, with
# the cell's target (axis_target_cell.html) where it was included.
REFERENCE = Template(
    """{% load i18n snut %}
  <tbody>
    {% for row in comparison.rows %}
    <tr>
      <th scope="row">{{ row.axis.name }}</th>
      <td>{{ row.median|score }}</td>
      {% for cell in row.cells %}
      <td class="{% if cell.best %}best{% elif cell.worst %}worst{% endif %}">
        {% if cell.score is not None %}<span class="snut-badge tone-{{ cell.score|tone:comparison.levels }}">{{ cell.score|score }}</span>
        <span class="snut-badge-level">{{ cell.level }}</span>
        <span class="delta delta-{{ cell.delta|delta_tone }}">{{ cell.delta|delta }} {% translate "vs médiane" %}</span>{% if cell.best %} ▲{% elif cell.worst %} ▼{% endif %}
        {% if cell.target %}<span class="snut-target">{% if cell.target.reached %}{% blocktranslate with bound=cell.target.target.level.lower_bound %}objectif atteint ({{ bound }} visé){% endblocktranslate %}{% elif cell.target.score is None %}{% translate "objectif non évalué" %}{% else %}{% blocktranslate with score=cell.target.shown_score bound=cell.target.target.level.lower_bound %}objectif non atteint : {{ score }} sur {{ bound }} visé{% endblocktranslate %}{% endif %}</span>{% endif %}
        {% else %}<span class="snut-na">—</span>{% endif %}
      </td>
      {% endfor %}
      {% if evolution %}<td><span class="delta-{{ row.change|delta_tone }}">{{ row.change|delta }}</span></td>{% endif %}
    </tr>
    {% endfor %}
  </tbody>
  <tfoot>
    <tr>
      <th scope="row">{% translate "Score global" %}</th>
      <td>{{ comparison.overall_row.median|score }}</td>
      {% for cell in comparison.overall_row.cells %}
      <td class="{% if cell.best %}best{% elif cell.worst %}worst{% endif %}">
        {% if cell.score is not None %}<span class="snut-badge tone-{{ cell.score|tone:comparison.levels }}">{{ cell.score|score }}</span>
        <span class="snut-badge-level">{{ cell.level }}</span>
        <span class="delta delta-{{ cell.delta|delta_tone }}">{{ cell.delta|delta }} {% translate "vs médiane" %}</span>
        {% else %}<span class="snut-na">—</span>{% endif %}
      </td>
      {% endfor %}
      {% if evolution %}<td><span class="delta-{{ comparison.overall_row.change|delta_tone }}">{{ comparison.overall_row.change|delta }}</span></td>{% endif %}
    </tr>
  </tfoot>
"""
)


def normalised(html: str) -> str:
    # Runs of spaces and line breaks only: a no-break space is part of the text.
    return re.sub(r"[ \t\n]+", " ", html).strip()


def as_the_template_wrote(comparison, evolution: bool) -> str:
    return normalised(REFERENCE.render(Context({"comparison": comparison, "evolution": evolution})))


def written(comparison, evolution: bool) -> str:
    body, foot = comparison_rows(comparison, evolution)
    html = "  <tbody>\n" + "\n".join(body) + "\n  </tbody>\n  <tfoot>\n" + foot + "\n  </tfoot>"
    return normalised(html)


LEVELS = [
    SimpleNamespace(name=name, lower_bound=bound)
    for name, bound in (("Découverte", 0), ("Initié", 25), ("Maîtrise", 50), ("Excellence", 75))
]


def target(bound, score) -> TargetOutcome:
    level = SimpleNamespace(name="Visé", lower_bound=bound)
    return TargetOutcome(SimpleNamespace(level=level, due_date=date(2027, 6, 30)), score)


def cell(score, delta, *, level="Maîtrise", best=False, worst=False, **extra) -> dict:
    return {"score": score, "level": level, "delta": delta, "best": best, "worst": worst, **extra}


def synthetic(evolution: bool) -> Comparison:
    """Every kind of cell, and names a template escapes."""
    rows = [
        ComparisonRow(
            SimpleNamespace(name="Sites <web> & « réseaux »"),
            Decimal("48.5"),
            [
                cell(80.4, 32, best=True, target=target(Decimal("62.5"), 80.4)),
                cell(
                    12.0, -36, level="Découverte & <b>co</b>", worst=True, target=target(50, 12.0)
                ),
                cell(None, None, target=target(50, None)),
                cell(48.6, 0, target=target(75, None)),
            ],
            change=-68 if evolution else None,
        ),
        ComparisonRow(SimpleNamespace(name="Accueil"), None, [cell(None, None)] * 4, change=None),
    ]
    overall = ComparisonRow(
        None,
        Decimal("1048.5"),  # beyond a score's range: localised with its separator
        [cell(1048.5, 1000, best=True), cell(0.0, -1048, worst=True), cell(None, None), cell(3, 0)],
        change=0 if evolution else None,
    )
    return Comparison(None, [], [], rows, overall, {}, LEVELS)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("evolution", [False, True])
def test_every_kind_of_cell_is_written_as_the_template_wrote_it(language, evolution):
    comparison = synthetic(evolution)
    with translation.override(language):
        expected = as_the_template_wrote(comparison, evolution)
        assert written(comparison, evolution) == expected
    # The test sees what it is about: escaping, each kind of target, the marks, the column.
    assert "Sites &lt;web&gt; &amp; « réseaux »" in expected
    assert "Découverte &amp; &lt;b&gt;co&lt;/b&gt;" in expected
    assert f"objectif atteint ({'62,5' if language == 'fr' else '62.5'} visé)" in expected
    assert "objectif non atteint\u00a0: 12 sur 50 visé" in expected
    assert "objectif non évalué" in expected
    assert "▲" in expected and "▼" in expected and "snut-na" in expected
    assert ("delta-down" in expected.split("</td> </tr>")[0]) is True
    assert expected.count("<tr>") == 3


def table_of(response) -> str:
    """The table's body and foot as the page served them, normalised."""
    page = response.content.decode()
    return normalised(page[page.index("<tbody>") : page.index("</tfoot>") + len("</tfoot>")])
