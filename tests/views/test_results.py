"""The maturity profile page and the PDF report."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from diagnostics.display import long_date
from diagnostics.models import Axis, Diagnostic, Office
from diagnostics.results import build_results
from tests import factories
from tests.views.conftest import submit_peers


@pytest.mark.parametrize(
    "name", ["diagnostics:results", "diagnostics:report_pdf", "diagnostics:answers"]
)
def test_owner_and_staff_read_strangers_get_404_anonymous_log_in(
    client, submitted, director, stranger, staff, name
):
    url = reverse(name, args=[submitted.pk])
    assert client.get(url).status_code == 302
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 200
    client.force_login(director)
    assert client.get(url).status_code == 200


def test_unknown_id_is_404(client, director):
    client.force_login(director)
    assert client.get(reverse("diagnostics:results", args=[999999])).status_code == 404


def test_draft_has_no_results_yet(client, director, staff, diagnostic):
    client.force_login(director)
    response = client.get(reverse("diagnostics:results", args=[diagnostic.pk]))
    assert response.url == reverse("diagnostics:resume", args=[diagnostic.pk])
    client.force_login(staff)
    response = client.get(reverse("diagnostics:results", args=[diagnostic.pk]))
    assert response.url == reverse("admin:diagnostics_diagnostic_change", args=[diagnostic.pk])


def test_results_page_shows_score_level_radar_and_plan(client, director, submitted):
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[submitted.pk])).content.decode()
    assert "33" in page and "Structuration" in page  # 1 of 3 points everywhere
    assert "<svg" in page and "<table" in page
    assert "Plan d’action" in page and "Faire mieux (2)" in page
    for axis in Axis.objects.filter(questionnaire=submitted.questionnaire):
        assert axis.name in page
    assert "pas encore assez de diagnostics soumis" in page
    assert "Premier diagnostic" in page


def test_peer_median_needs_five_other_offices_of_the_same_category(
    client, director, submitted, campaign, office
):
    submit_peers(campaign, 4, segment=office.segment)
    submit_peers(campaign, 3, segment=Office.Segment.CAT_1)  # not comparable
    assert not build_results(submitted).peers.shown
    submit_peers(campaign, 1, segment=office.segment)
    results = build_results(submitted)
    assert results.peers.shown and results.peers.count == 5
    assert results.peers.overall == pytest.approx(66.67)
    assert results.delta_peers == 33 - 66  # between the numbers as shown
    assert [a.peer_median for a in results.axes] == [pytest.approx(66.67)] * 2
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[submitted.pk])).content.decode()
    assert "médiane 66" in page and "−33" in page
    # The other offices, as the report counts them: five, the office itself not among them.
    assert "5 autres offices de la campagne" in page


def test_peer_medians_of_uneven_scores_and_an_even_count(submitted, campaign, office):
    """Six peers: the overall median falls between two of them; an axis with only
    four scores (two offices « non concerné » everywhere there) shows no median."""
    from django.utils import timezone

    from diagnostics.selectors import peer_medians

    first, second = Axis.objects.filter(questionnaire=campaign.questionnaire).order_by("order")
    overall = [60, 10, 40, 20, 50, 30]
    first_scores = [5, 1, 9, None, 7, 3]
    second_scores = [8, None, 2, None, 4, 6]
    for total, one, two in zip(overall, first_scores, second_scores, strict=True):
        peer = Diagnostic.objects.create(
            organisation=factories.make_office(segment=office.segment),
            campaign=campaign,
            questionnaire=campaign.questionnaire,
            status="submitted",
            submitted_at=timezone.now(),
            overall_score=Decimal(total),
        )
        for axis, score in ((first, one), (second, two)):
            peer.axis_scores.create(
                axis=axis, score=None if score is None else Decimal(score), total=3, answered=3
            )
    peers = peer_medians(submitted)
    assert peers.count == 6 and peers.shown
    assert peers.overall == pytest.approx(35)  # (30 + 40) / 2
    assert peers.axes == {first.code: pytest.approx(5)}  # 1 3 5 7 9; the second has 4


def test_a_new_submission_changes_the_medians_shown_to_another_office_at_once(
    client, director, staff, submitted, campaign, office
):
    """The peers' medians are cached per campaign: the next submission, a reopening or
    a peer leaving the category shows on the page at once."""
    from diagnostics import services

    client.force_login(director)

    def median_shown() -> str:
        page = client.get(reverse("diagnostics:results", args=[submitted.pk])).content.decode()
        return re.search(r"de la campagne\)\s:\smédiane (\d+)", page)[1]

    submit_peers(campaign, 3, segment=office.segment, pick=lambda c: c[0])
    late = submit_peers(campaign, 2, segment=office.segment, pick=lambda c: c[-1])
    assert median_shown() == "0"  # 0 0 0 100 100
    submit_peers(campaign, 2, segment=office.segment, pick=lambda c: c[-1])
    assert median_shown() == "100"  # 0 0 0 100 100 100 100
    services.diagnostic_reopen(diagnostic=late[0], user=staff, reason="Soumis par erreur.")
    assert median_shown() == "50"  # 0 0 0 100 100 100
    Office.objects.filter(pk=late[1].organisation_id).update(segment=Office.Segment.CAT_1)
    assert build_results(submitted).peers.count == 5


def test_peers_leave_out_diagnostics_replaced_before_one_per_campaign(submitted, campaign, office):
    peers = submit_peers(campaign, 5, segment=office.segment, pick=lambda c: c[0])
    # A second diagnostic found beside the first when « one per campaign » became a rule.
    legacy = Diagnostic.objects.create(
        organisation=peers[0].organisation,
        campaign=campaign,
        questionnaire=campaign.questionnaire,
        status=Diagnostic.Status.REPLACED,
        overall_score=Decimal("100"),
    )
    assert legacy.pk
    results = build_results(submitted)
    assert results.peers.count == 5
    assert results.peers.overall == pytest.approx(0)


def test_previous_diagnostic_gives_the_evolution(
    client, director, office, questionnaire, submitted
):
    earlier = factories.closed_campaign(questionnaire, name="Campagne 2025")
    past = Diagnostic.objects.create(
        organisation=office, campaign=earlier, questionnaire=questionnaire
    )
    factories.answer_all(past, pick=lambda c: c[0])
    Diagnostic.objects.filter(pk=past.pk).update(
        status="submitted",
        submitted_at=submitted.submitted_at.replace(year=submitted.submitted_at.year - 1),
        overall_score=Decimal("0"),
    )
    past.axis_scores.create(
        axis=Axis.objects.get(questionnaire=questionnaire, code="axe-1"),
        score=Decimal("10"),
        total=3,
        answered=3,
    )
    results = build_results(submitted)
    assert results.previous.diagnostic == past
    assert results.delta_previous == 33
    assert results.axes[0].delta_previous == 23
    assert results.axes[1].previous is None
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[submitted.pk])).content.decode()
    assert "Campagne 2025" in page and "+23" in page


@pytest.mark.slow
@pytest.mark.usefixtures("page_memo_off")
@pytest.mark.parametrize("name", ["diagnostics:results", "diagnostics:report_pdf"])
def test_results_and_pdf_run_a_constant_number_of_queries(
    client, director, office, name, django_assert_num_queries
):
    counts = []
    for size in (2, 8):
        questionnaire = factories.build_questionnaire(axes=size, questions=size)
        campaign = factories.open_campaign(questionnaire)
        submit_peers(campaign, size, segment=office.segment)
        diagnostic = Diagnostic.objects.create(
            organisation=office, campaign=campaign, questionnaire=questionnaire
        )
        factories.answer_all(diagnostic)
        from diagnostics import services

        services.diagnostic_submit(diagnostic=diagnostic, user=director)
        client.force_login(director)
        # Submission has read the (published) questionnaire's structure and levels: they
        # are in memory.
        # Both: the session, the user, the diagnostic; the peers' medians (the submissions'
        # key, plus who shares the segment and the campaign's scores on the first view
        # after a submission, then kept); the previous campaign's scores; the office's
        # business campaign, for « Diagnostic territorial des prestataires » (none here);
        # who the reader is to the team's opinions and whether the draft was open to them;
        # the office's targets. What the answers give (levels, answers, stored scores,
        # importance, narratives) is read by the report every time, by the page only until
        # its fragments and its plan are cached; the page also asks whether the reader may
        # add to the plan and whether the targets may still change, and reads the answers
        # of « Déclaré / observé » alone. The report reads the office's action plan. The
        # catalogue is read for the plan's priorities (none here: every answer is the best).
        # Again, the page below its header is the part kept for every reader of the role
        # (views/kept_parts.py): the session, the user, the diagnostic, the reader.
        expected = {
            ("diagnostics:results", False): 17,
            ("diagnostics:results", True): 4,
            ("diagnostics:report_pdf", False): 17,
            # Again: the session, the user, the diagnostic, the reader; its PDF is found
            # without writing the HTML (report.known_pdf).
            ("diagnostics:report_pdf", True): 4,
        }
        for cached in (False, True):
            with django_assert_num_queries(expected[name, cached]) as captured:
                assert client.get(reverse(name, args=[diagnostic.pk])).status_code == 200
            counts.append(len(captured.captured_queries))
    assert counts[:2] == counts[2:]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.slow
def test_pdf_report_is_an_a4_document_with_every_axis(client, director, submitted):
    client.force_login(director)
    response = client.get(reverse("diagnostics:report_pdf", args=[submitted.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert (
        "attachment" in response["Content-Disposition"]
        and ".pdf" in response["Content-Disposition"]
    )
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 4  # the two-page summary, then the detail
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = pdf_text(response.content)
    assert submitted.organisation.name in text
    for axis in Axis.objects.filter(questionnaire=submitted.questionnaire):
        assert axis.name in text
    assert "Plan d’action" in text and "Annexe" in text and "Page 2 / " in text


def test_pdf_escapes_office_names(client, director, submitted, office):
    office.name = 'OT <img src="http://example.invalid/x.png"> & « Cie »'
    office.save()
    client.force_login(director)
    response = client.get(reverse("diagnostics:report_pdf", args=[submitted.pk]))
    assert response.status_code == 200
    text = " ".join(pdf_text(response.content).split())
    assert 'OT <img src="http://example.invalid/x.png"> & « Cie »' in text


def test_report_never_fetches_outside_the_static_files(submitted, monkeypatch):
    from weasyprint import HTML

    from diagnostics.report import StaticOnlyFetcher

    asked, served = [], []
    real_fetch = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        response = real_fetch(self, url, headers)
        served.append(url)
        return response

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    html = (
        '<link rel="stylesheet" href="http://example.invalid/x.css">'
        '<img src="file:///etc/hostname"><img src="snut-static:img/snut.svg"><p>x</p>'
    )
    HTML(string=html, url_fetcher=StaticOnlyFetcher(allowed_protocols={"file"})).write_pdf()
    assert "http://example.invalid/x.css" in asked and "file:///etc/hostname" in asked
    assert served == ["snut-static:img/snut.svg"]


def test_report_fetcher_refuses_everything_but_static_files():
    from diagnostics.report import STATIC_PREFIX, StaticOnlyFetcher

    fetcher = StaticOnlyFetcher(allowed_protocols={"file"})
    for url in [
        "http://example.invalid/x.png",
        "file:///etc/passwd",
        f"{STATIC_PREFIX}../../etc/passwd",
    ]:
        with pytest.raises(ValueError, match="refusée"):
            fetcher.fetch(url)
    response = fetcher.fetch(f"{STATIC_PREFIX}img/snut.svg")
    assert b"<svg" in response.read()


@pytest.mark.slow
def test_pdf_is_printed_once_per_content(client, director, submitted, office, monkeypatch):
    from django.core.cache import cache
    from weasyprint import Document

    cache.clear()
    printed = []
    real_write_pdf = Document.write_pdf
    monkeypatch.setattr(
        Document,
        "write_pdf",
        lambda self, *a, **k: printed.append(1) or real_write_pdf(self, *a, **k),
    )
    client.force_login(director)
    url = reverse("diagnostics:report_pdf", args=[submitted.pk])
    first, second = client.get(url).content, client.get(url).content
    assert first == second and len(printed) == 1
    office.name = "Office de tourisme renommé"
    office.save()
    assert "renommé" in pdf_text(client.get(url).content)
    assert len(printed) == 2


@pytest.mark.slow
def test_demo_report_opens_with_a_two_page_summary_and_has_no_near_empty_page(db, demo_snapshot):
    """The demo director's report (full questionnaire): pages 1–2 are the summary (score,
    level, radar, priorities, first actions, comparisons), the detail starts on page 3;
    every page is well filled, the last one too; the sections follow one another."""
    from diagnostics.report import render_pdf

    demo_snapshot[0].restore()
    diagnostic = (
        Diagnostic.objects.filter(
            organisation__memberships__user__username="directeur",
            status=Diagnostic.Status.SUBMITTED,
        )
        .order_by("-submitted_at")
        .first()
    )
    results = build_results(diagnostic)
    pages = PdfReader(io.BytesIO(render_pdf(results))).pages
    texts = [" ".join(page.extract_text().split()) for page in pages]
    summary = texts[0] + " " + texts[1]
    assert f"{round(results.score)}/100" in texts[0] and results.level.name in texts[0]
    assert "Trois priorités" in texts[0] and "Radar des scores" not in texts[0]
    for item in results.top_priorities:
        assert " ".join(item.recommendation.split())[:60] in texts[0]
    assert "Comparaisons" in texts[1] and "Médiane comparable" in texts[1]
    assert "Diagnostic précédent" in texts[1]
    assert results.open_actions and all(a.title[:40] in summary for a in results.open_actions)
    # Page 3 opens the detail with the plan; no detail before.
    assert texts[2].startswith("Plan d’action"), texts[2][:120]
    assert "Annexe" not in summary and "Importance ×" not in summary
    filled = [len(text) for text in texts]
    assert len(pages) <= 18
    assert min(filled) >= 1200, filled  # no page holding a single item
    assert filled[-1] >= 0.25 * max(filled), filled  # no near-empty last page


def test_report_summary_lists_the_open_actions_of_the_plan_else_the_next_recommendations(
    submitted, office, director
):
    from diagnostics import report, services

    html = report.render_html(build_results(submitted))
    results = build_results(submitted)
    assert "Les actions suivantes du plan" in html and results.next_actions
    assert results.next_actions[0].recommendation in html.split('class="plan')[0]
    services.action_create(office=office, user=director, title="Ouvrir le compte Instagram")
    done = services.action_create(office=office, user=director, title="Action terminée")
    done.status = done.Status.DONE
    done.save()
    summary = report.render_html(build_results(submitted)).split('class="plan')[0]
    assert "Premières actions du plan de l’office" in summary
    assert "Ouvrir le compte Instagram" in summary and "Action terminée" not in summary


def test_the_report_flags_the_actions_the_plan_page_flags_as_overdue(
    client, submitted, office, director
):
    """An open action six months past its due date reads « en retard » on the PDF's summary
    and in its followed plan, from the plan page's own rule; a done one of the same date and
    one still to come do not."""
    from datetime import timedelta

    from django.utils import timezone

    from diagnostics import report, services

    late = timezone.localdate() - timedelta(days=183)
    services.action_create(office=office, user=director, title="Refondre le site", due_date=late)
    services.action_create(
        office=office, user=director, title="Former l’équipe", due_date=late, status="done"
    )
    services.action_create(
        office=office,
        user=director,
        title="Ouvrir un compte Instagram",
        due_date=timezone.localdate() + timedelta(days=30),
    )
    client.force_login(director)
    plan = client.get(reverse("diagnostics:plan", args=[office.slug])).context["plan"]
    results = build_results(submitted)
    assert [a.title for a in results.overdue] == [a.title for a in plan.overdue]
    assert [a.title for a in results.overdue] == ["Refondre le site"]

    pages = PdfReader(io.BytesIO(report.render_pdf(results))).pages
    texts = [" ".join(page.extract_text().split()) for page in pages]
    summary, detail = texts[1], " ".join(texts[2:])
    assert f"échéance le {long_date(late)} · en retard" in summary
    assert "1 action en retard" in summary and summary.count("en retard") == 2
    assert f"{late:%d/%m/%Y} en retard" in detail
    assert "1 action en retard" in detail and detail.count("en retard") == 2


def test_a_table_of_contents_leads_to_every_section_of_the_page(client, director, submitted):
    """The page is long (about 12,000 px): a « Sommaire » nav links to its sections."""
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[submitted.pk])).content.decode()
    nav = re.search(r'<nav [^>]*aria-label="Sommaire"[^>]*>(.*?)</nav>', page, re.S)
    assert nav is not None
    anchors = re.findall(r'href="#([^"]+)"', nav.group(1))
    assert len(anchors) >= 8 and "plan" in anchors and "axes" in anchors
    for anchor in anchors:
        assert page.count(f'id="{anchor}"') == 1, anchor
    # Every section's heading is in it (« Niveaux visés » and « Déclaré / observé » were not).
    headings = re.findall(r'<h2 id="([^"]+)"', page[nav.end() :])
    missing = set(headings) - set(anchors)
    assert "niveaux-vises" in headings and not missing, missing
