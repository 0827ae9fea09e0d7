"""The workshop programme's named businesses, written by {% invitees %} (templatetags/snut):
the HTML the template's loop wrote, wishes, availability and lacks included; the name and
the commune in holes, in a list the page puts in order when it fills them
(selectors/territory_rows.py)."""

from django.template import Context, Template

from diagnostics.selectors.preferences import Availability
from diagnostics.selectors.programme import ProposedWorkshop
from diagnostics.selectors.territory import Respondent

LOOP = (
    '{% load i18n snut %}{% in_order %}{% for r in p.named %}{% item "business" r.business_id %}'
    '<li>{% hole "name" r.business_id %} '
    '<span class="text-body-secondary">({{ r.segment_label }}, {% hole "commune" r.business_id %})'
    "{% with when=availability|get_item:r.diagnostic_id %}{% if when %} — {{ when.label }}"
    "{% endif %}{% endwith %}</span>{% if r.diagnostic_id in p.wished_by %} "
    '<span class="badge text-bg-info">{% translate "l’a demandé" %}</span>{% endif %}'
    "{% if r.diagnostic_id in p.seen_by %} "
    '<span class="badge text-bg-light border">{% translate "vu sur son site" %}</span>'
    "{% endif %}</li>{% endfor %}{% end_in_order %}"
)


def respondent(pk, name, consents=True):
    return Respondent(
        diagnostic_id=pk,
        business_id=pk,
        name=name,
        segment="restauration",
        segment_label="Restauration",
        subtype="",
        commune="Saint-Émilion & <Bourg>",
        email="",
        phone="",
        consents=consents,
        score=None,
        level_id=None,
        level="",
    )


def test_invitees_are_the_html_the_template_loop_wrote():
    workshop = ProposedWorkshop(
        training=None,
        businesses=[
            respondent(1, "L’Auberge « du Pont »"),
            respondent(2, "Caves & Vins"),
            respondent(3, "Non nommé", consents=False),
            respondent(4, "<b>Ferme</b>"),
        ],
        gain=0.0,
        questions=[],
        wished_by=frozenset({1, 4}),
        seen_by=frozenset({2, 4}),
    )
    for availability in ({1: Availability(0, "Le matin"), 4: Availability(2, "Le soir")}, {}):
        context = {"p": workshop, "availability": availability}
        expected = Template(LOOP).render(Context(context))
        written = Template("{% load snut %}{% invitees p availability %}").render(Context(context))
        assert written == expected and "Non nommé" not in written
    assert "<!--snut-hole:name:4-->" in written and "l’a demandé" in written
    assert "<!--snut-hole:commune:4-->" in written and "Saint-Émilion" not in written
    assert "Ferme" not in written
