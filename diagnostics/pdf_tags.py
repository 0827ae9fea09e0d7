"""What WeasyPrint 70 leaves out of a tagged PDF (PDF/UA-1), completed before the file is written.

`complete_tags` is a WeasyPrint finisher: it receives the pydyf objects before they are
serialised, so the completion is a walk over the structure tree, with no second parse of
the PDF and no recompression.

- Every table header cell (/TH) gets its /Scope (ISO 32000-1 §14.8.5.7): /Row when a data
  cell of its own row names it among its /Headers (WeasyPrint names a `<th scope="row">`
  only there), /Column otherwise. WeasyPrint reads `scope` but writes no /Scope.
- The running header and footer (the @page margin boxes) become pagination artifacts
  (ISO 32000-1 §14.8.2.2). WeasyPrint marks their text as content of structure elements
  it keeps outside the tree (it can only write them as artifacts in PDF 2.0), so they were
  neither real content nor artifacts. Those detached elements stay in the file, unreferenced.
"""

import pydyf

ROW = "/Row"
COLUMN = "/Column"


def complete_tags(document, pdf: pydyf.PDF) -> None:
    """WeasyPrint's `finisher(document, pdf)`: scopes the table headers, turns the margin
    boxes' content into artifacts. Does nothing to an untagged PDF."""
    if "StructTreeRoot" not in pdf.catalog:
        return
    root = _resolve(pdf, pdf.catalog["StructTreeRoot"])
    reachable = _reachable(pdf, root)
    for number in reachable:
        element = pdf.objects[number]
        if element.get("S") == "/TR":
            _scope_headers(pdf, element)
    _margin_boxes_as_artifacts(pdf, _resolve(pdf, root["ParentTree"]), reachable)


def _resolve(pdf: pydyf.PDF, reference):
    return pdf.objects[int(reference.split()[0])]


def _kids(pdf: pydyf.PDF, element) -> list:
    """The structure elements among the element's kids (MCIDs and annotations left out)."""
    kids = []
    for kid in element.get("K", ()):
        if isinstance(kid, bytes):
            kid = _resolve(pdf, kid)
            if kid.get("Type") == "/StructElem":
                kids.append(kid)
    return kids


def _reachable(pdf: pydyf.PDF, root) -> set[int]:
    """The object numbers of every structure element the tree leads to."""
    found: set[int] = set()
    pending = _kids(pdf, root)
    while pending:
        element = pending.pop()
        if element.number not in found:
            found.add(element.number)
            pending.extend(_kids(pdf, element))
    return found


def _scope_headers(pdf: pydyf.PDF, row) -> None:
    cells = [kid for kid in _kids(pdf, row) if kid["S"] in ("/TH", "/TD")]
    named_here = {
        header.string
        for cell in cells
        if cell["S"] == "/TD"
        for header in cell["A"].get("Headers", ())
    }
    for cell in cells:
        if cell["S"] == "/TH":
            key = cell.get("ID")
            cell["A"]["Scope"] = ROW if key is not None and key.string in named_here else COLUMN


def _margin_boxes_as_artifacts(pdf: pydyf.PDF, parent_tree, reachable: set[int]) -> None:
    """Re-marks the content whose structure element is outside the tree as a pagination
    artifact, and drops it from the parent tree (MCIDs index each page's array)."""
    numbers = parent_tree["Nums"]
    pages = pdf.pages["Kids"][::3]
    for index in range(0, len(numbers), 2):
        page_index, parents = numbers[index], numbers[index + 1]
        if page_index >= len(pages) or not isinstance(parents, pydyf.Array):
            continue  # an annotation's entry, not a page's
        detached = {
            mcid for mcid, parent in enumerate(parents) if int(parent.split()[0]) not in reachable
        }
        if not detached:
            continue
        stream = _resolve(pdf, pdf.objects[pages[page_index]]["Contents"])
        operations = stream.stream
        for position, operation in enumerate(operations):
            if isinstance(operation, pydyf.Dictionary) and operation.get("MCID") in detached:
                operations[position - 1] = "/Artifact"
                operations[position] = pydyf.Dictionary({"Type": "/Pagination"})
                parents[operation["MCID"]] = "null"
        while parents and parents[-1] == "null":
            parents.pop()
