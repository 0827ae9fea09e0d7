"""diagnostics/pdf_streams.py deflates the PDF's streams at zlib's level 6 instead of pydyf's 9:
the pages hold exactly what they held, in a file a little larger."""

import io
import zlib

import pikepdf
from weasyprint import HTML

from diagnostics import pdf_streams

PAGE = """<!doctype html><html lang="fr"><head><title>Essai</title><style>
@page { size: A6; @bottom-right { content: "Page " counter(page); } }
h1 + p { page-break-before: always; }
</style></head><body><h1>Office de Brumevieille</h1>
<p>Les actions au plus fort gain d’abord, puis celles à maintenir.</p></body></html>"""


def printed(finisher=None) -> bytes:
    return HTML(string=PAGE).write_pdf(finisher=finisher, pdf_variant="pdf/ua-1")


def deflated(document, pdf):
    pdf_streams.deflate_streams(pdf)


def test_the_pages_hold_what_pydyfs_own_compression_gave():
    own, faster = (pikepdf.open(io.BytesIO(printed(f))) for f in (None, deflated))
    assert len(faster.pages) == len(own.pages) == 2
    for mine, theirs in zip(faster.pages, own.pages, strict=True):
        assert mine.Contents.read_bytes() == theirs.Contents.read_bytes()
        assert mine.Contents.Filter == "/FlateDecode"


def test_the_streams_are_deflated_at_level_6():
    document = pikepdf.open(io.BytesIO(printed(deflated)))
    contents = document.pages[0].Contents
    raw = contents.read_raw_bytes()
    assert raw == zlib.compress(contents.read_bytes(), 6)
    assert raw != zlib.compress(contents.read_bytes(), 9)
