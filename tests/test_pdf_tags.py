"""diagnostics/pdf_tags.py completes WeasyPrint's tagged PDF: /Scope on table headers, margin
boxes as pagination artifacts; an untagged PDF is left alone."""

import io

import pikepdf
from weasyprint import HTML

from diagnostics.pdf_tags import complete_tags

PAGE = """<!doctype html><html lang="fr"><head><title>Essai</title><style>
@page { size: A6; @top-left { content: "Office de Brumevieille"; }
        @bottom-right { content: "Page " counter(page); } }
section + section { page-break-before: always; }
</style></head><body>
<section><table>
  <thead><tr><th scope="col">Axe</th><th scope="col">Score</th></tr></thead>
  <tbody><tr><th scope="row">Mobilité</th><td>9</td></tr></tbody>
</table></section>
<section><table><tr><th>Action</th><th>Échéance</th></tr><tr><td>Site</td><td>juin</td></tr></table></section>
</body></html>"""


def printed(**options) -> pikepdf.Pdf:
    pdf = HTML(string=PAGE).write_pdf(finisher=complete_tags, **options)
    return pikepdf.open(io.BytesIO(pdf))


def elements(node):
    kids = node.get("/K")
    for kid in [] if kids is None else kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from elements(kid)


def test_headers_get_the_scope_their_html_gave_them():
    document = printed(pdf_variant="pdf/ua-1")
    headers = [e for e in elements(document.Root.StructTreeRoot) if e.S == "/TH"]
    assert [str(h.A.Scope) for h in headers] == ["/Column", "/Column", "/Row", "/Column", "/Column"]
    assert all(h.A.O == "/Table" for h in headers)


def test_margin_boxes_are_pagination_artifacts_out_of_the_parent_tree():
    document = printed(pdf_variant="pdf/ua-1")
    parent_tree = document.Root.StructTreeRoot.ParentTree.Nums
    for index, page in enumerate(document.pages):
        marks = [op.operands for op in pikepdf.parse_content_stream(page, "BDC")]
        artifacts = [ops for ops in marks if ops[0] == "/Artifact" and "/Type" in ops[-1]]
        assert [str(ops[-1].Type) for ops in artifacts] == ["/Pagination", "/Pagination"]
        mcids = sorted(int(ops[-1].MCID) for ops in marks if "/MCID" in ops[-1])
        assert mcids == list(range(len(parent_tree[2 * index + 1])))


def test_an_untagged_pdf_is_left_as_it_is():
    document = printed()
    assert "/StructTreeRoot" not in document.Root
    for page in document.pages:
        assert not list(pikepdf.parse_content_stream(page, "BDC"))
