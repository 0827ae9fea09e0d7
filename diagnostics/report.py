"""The PDF report: the results page's context, printed by WeasyPrint.

Only files under the project's static folders can be fetched: the report never
reaches the network, whatever an office name or a comment contains.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from weasyprint import DEFAULT_OPTIONS, HTML, Document
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.urls import URLFetcher

from diagnostics.models import Diagnostic
from diagnostics.pdf_streams import deflate_streams
from diagnostics.pdf_tags import complete_tags
from diagnostics.results import Results, build_results
from diagnostics.selectors.express import express_results
from diagnostics.visibility import OpinionReader
from snut import collector, page_memo

STATIC_PREFIX = "snut-static:"
CACHE_SECONDS = 24 * 3600


class StaticOnlyFetcher(URLFetcher):
    """Serves the project's static files (fonts, logo) and refuses every other URL."""

    def fetch(self, url, headers=None):
        if url.startswith(STATIC_PREFIX):
            try:
                path = finders.find(url.removeprefix(STATIC_PREFIX))
            except SuspiciousFileOperation:
                path = None
            if path:
                return super().fetch(Path(path).resolve().as_uri(), headers)
        raise ValueError(f"Ressource refusée dans le rapport : {url[:80]}")


# A tagged PDF for screen readers: structure tree, /Lang, the title displayed (PDF/UA-1),
# completed by diagnostics/pdf_tags.py (table headers' scope, running header and footer as artifacts).
PDF_VARIANT = "pdf/ua-1"


REPORT_TEMPLATE = "diagnostics/report/report.html"
# A business's short report: its profile, its three priorities, the workshops that fit.
BUSINESS_REPORT_TEMPLATE = "diagnostics/report/business.html"
# An express diagnostic's one page: its indicative levels with their margins.
EXPRESS_REPORT_TEMPLATE = "diagnostics/report/express.html"


def render_html(results: Results, request=None) -> str:
    business = results.diagnostic.organisation.is_business
    return render_to_string(
        BUSINESS_REPORT_TEMPLATE if business else REPORT_TEMPLATE,
        {"results": results, "static_prefix": STATIC_PREFIX, "generated_at": timezone.localtime()},
        request=request,
    )


def diagnostic_html(
    diagnostic: Diagnostic, request=None, reader: OpinionReader = OpinionReader.MEMBER
) -> str:
    """The report of a submitted diagnostic: the one-page indicative profile of an express
    one, else the full report (or a business's short one) as `reader` may read it (the
    team's opinions, visibility.py; by default a member, as printed at submission)."""
    if diagnostic.questionnaire.is_express:
        return render_to_string(
            EXPRESS_REPORT_TEMPLATE,
            {
                "results": express_results(diagnostic),
                "static_prefix": STATIC_PREFIX,
                "generated_at": timezone.localtime(),
            },
            request=request,
        )
    return render_html(build_results(diagnostic, reader), request=request)


def diagnostic_pdf(diagnostic: Diagnostic) -> bytes:
    """The report of a submitted diagnostic (`diagnostic_html`), printed once for all."""
    return pdf_for_html(diagnostic_html(diagnostic))


def render_pdf(results: Results, request=None) -> bytes:
    """The PDF of the report, from the cache when the very same HTML was printed before.

    The HTML says everything the PDF shows (scores, comparisons, names, date),
    so its hash is an exact key: any change prints a new PDF.
    """
    return pdf_for_html(render_html(results, request))


def _cache_key(html: str) -> str:
    return f"snut-report:{hashlib.sha256(html.encode()).hexdigest()}"


def cached_pdf(html: str) -> bytes | None:
    """The PDF of this HTML if some worker or task printed it already, else None."""
    return cache.get(_cache_key(html))


def _html_key(diagnostic: Diagnostic, reader: OpinionReader) -> str:
    parts = (
        diagnostic.pk,
        str(reader),
        translation.get_language(),
        timezone.localdate().isoformat(),  # the report's date, what is late or to come
        page_memo.generation(),
    )
    return f"snut-report-html:{hashlib.sha256(repr(parts).encode()).hexdigest()}"


def known_pdf(diagnostic: Diagnostic, reader: OpinionReader) -> bytes | None:
    """The PDF of the report this reader would be given, found without writing its HTML:
    the HTML's hash kept by `remember_html` while no table it was written from has been
    written since (snut/page_memo.py's record), on the same day; else None."""
    entry = cache.get(_html_key(diagnostic, reader))
    if not isinstance(entry, dict) or not page_memo.unchanged(entry.get("tables")):
        return None
    return cache.get(entry["pdf"])


def remember_html(
    diagnostic: Diagnostic, reader: OpinionReader, html: str, tables: dict[str, float] | None
) -> None:
    """Keeps the hash of the report's HTML for `known_pdf`, with `tables`: what the HTML was
    written from (every table read since the diagnostic and the reader were), each with
    when it was last written before. Kept as long as a page (settings.PAGE_MEMO_SECONDS):
    a new deployment's templates print a new PDF after that at the latest. Nothing is
    kept without a record (`tables` None: a timestamp was missing)."""
    if tables is None:
        return
    cache.set(
        _html_key(diagnostic, reader),
        {"tables": tables, "pdf": _cache_key(html)},
        settings.PAGE_MEMO_SECONDS,
    )


def pdf_for_html(html: str) -> bytes:
    """Prints the HTML once for every worker and app server: the cache (Redis in
    production, CACHE_URL) is shared by all of them."""
    key = _cache_key(html)
    pdf = cache.get(key)
    if pdf is None:
        pdf = print_html(html)
        cache.set(key, pdf, CACHE_SECONDS)
    return pdf


def print_html(html: str) -> bytes:
    """WeasyPrint's own work: lays the HTML out and writes the tagged PDF, never cached.
    The cyclic garbage collector waits meanwhile (snut/collector.py: 15 to 20 % of it)."""
    with collector.held_off():
        document = _layout(html)
        lengths = [_page_text_length(page) for page in document.pages]
        if lengths[-1] < LAST_PAGE_SHARE * max(lengths):
            # A near-empty last page: the annex set a little tighter usually absorbs it
            # (a second layout, for a minority of reports; the first is freed before, but
            # for its reference cycles, which the collector finds when the print ends).
            del document
            document = _layout(html.replace('<body class="', '<body class="tight ', 1))
        return document.write_pdf(finisher=_finish, **_PDF_OPTIONS)


def _finish(document, pdf) -> None:
    """WeasyPrint's finisher: the tags completed, the streams deflated at a faster level."""
    complete_tags(document, pdf)
    deflate_streams(pdf)


# Below this share of the fullest page's text, the last page counts as near-empty.
LAST_PAGE_SHARE = 0.3
_PDF_OPTIONS = {**DEFAULT_OPTIONS, "pdf_variant": PDF_VARIANT}


def _layout(html: str) -> Document:
    return HTML(
        string=html,
        base_url=str(settings.BASE_DIR),
        url_fetcher=StaticOnlyFetcher(allowed_protocols={"file"}),
    ).render(**_PDF_OPTIONS)


def _page_text_length(page) -> int:
    return sum(len(box.text) for box in page._page_box.descendants() if isinstance(box, TextBox))


def filename(diagnostic: Diagnostic) -> str:
    return f"snut-{slugify(diagnostic.organisation.name)}-{slugify(diagnostic.campaign.name)}.pdf"
