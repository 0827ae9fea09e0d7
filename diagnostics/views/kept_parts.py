"""The part of a page that every reader of the same role reads the same, written once for
all of them and kept in the shared cache until a table it was drawn from is written.

The results page below its header, the plan page below its header (and, below the
navigation, « Mon territoire » and the workshop programme, per office and member's rights:
views/territory.py): what they show depends
on the diagnostic or the office, on who reads as a role (the director, a colleague, a
person consulted, the network's staff: `visibility.OpinionReader`, whether they may plan
or delete), on the language, the day and, for a form's `next`, the page's address; never
on the reader's account. So the key holds exactly these, and the part is drawn from the
database within the view's recording (`page_memo.recording`), open since before the
diagnostic or the office was read: a write to any table read since (an action of any
office, a target, a training, a submission, an organisation…) makes the next view write
the part again (`page_memo.kept`). What the clock changes below the day (an upcoming
session that has begun, a website check still pending) moves on after
`PAGE_MEMO_SECONDS`, as the page memo's does.

The reader's own parts stay out: the header (where the office's name leads depends on
the reader's rights), the navigation (their name) and the CSRF token of each form, which
the part holds as CSRF_MARK and the page fills in with the reader's (the same token as
the rest of the page).

What a frequent write changes stays out too, in holes (`{% hole %}`) that pieces kept
apart fill (`kept_pieces`): an office's actions, which any member saves at any time and
whose table the part would otherwise read, so that an action saved by any office wrote
the whole part again. The pieces are drawn after the part, within the same recording:
the part's record holds nothing of them, theirs holds the part's as well.
"""

import hashlib
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from diagnostics.templatetags.snut import HOLE, IN_ORDER, ITEM
from snut import page_memo

# What a kept part holds where a form's CSRF token goes (no secret: filled in per request).
CSRF_MARK = "snut-kept-part-csrf-token"


class PathOnly:
    """What a kept part may read of the request: its address (a form's `next`, a filtered
    list's query string), which the key holds."""

    def __init__(self, full_path: str):
        self.full_path = full_path
        self.GET = QueryDict(urlsplit(full_path).query)

    def get_full_path(self) -> str:
        return self.full_path


def kept_part(
    request, view_name: str, key: str, template: str, context, *, since, still=None
) -> str:
    """`template` rendered with `context()` for every reader of the role `key` names (with
    the diagnostic or the office), as kept; `since` is the view's recording, open since
    before the diagnostic or the office was read. Returns the HTML with CSRF_MARK where
    the forms' tokens go (`with_token`); written each time if `PAGE_PARTS_KEPT` is off.
    `still()`, if given, tells once the part is written whether what `key` holds of the
    database is still so: if not, the part is shown but not kept."""

    def drawn():
        part = written_part(request, template, context())
        if still is not None and settings.PAGE_PARTS_KEPT and not still():
            since.spoil()
        return part

    return _kept(request, view_name, key, drawn, since=since)


def kept_pieces(
    request, view_name: str, key: str, part: str, pieces: Callable[[list[str]], dict], *, since
) -> dict[str, str]:
    """What fills the holes of `part` (kept_part's), as kept under `key` and the holes'
    names: `pieces(names)` gives each name's HTML (`written_part`, CSRF_MARK for tokens).
    Call it after `part` is drawn, within the same recording `since`."""
    names = holes(part)
    if not names:
        return {}
    return _kept(
        request,
        view_name,
        f"{key}:pieces:{','.join(names)}",
        lambda: pieces(names),
        since=since,
    )


def _kept(request, view_name: str, key: str, compute, *, since):
    if not settings.PAGE_PARTS_KEPT:
        return compute()
    parts = (
        key,
        translation.get_language(),
        timezone.localdate().isoformat(),
        request.get_full_path(),
        page_memo.generation(),
    )
    return page_memo.kept(
        f"part:{view_name}:{hashlib.sha256(repr(parts).encode()).hexdigest()}",
        compute,
        settings.PAGE_MEMO_SECONDS,
        since=since,
        drafts=view_name not in settings.PAGE_MEMO_BLIND_TO_DRAFTS,
    )


def holes(part: str) -> list[str]:
    """The names of the holes a part leaves (`{% hole %}`), in order, once each."""
    return list(dict.fromkeys(HOLE.findall(part)))


def filled(part: str, pieces: dict[str, str], order: dict[str, tuple] | None = None) -> str:
    """The part with each hole filled by its piece; a hole without one is left empty.
    The items of each `{% in_order %}` list are put in the order of their keys in `order`
    (item's name → sort key; an item without one goes last, in the order drawn), or left
    as drawn without `order`; their marks are left out."""
    part = IN_ORDER.sub(lambda match: _in_order(match[1], order), part)
    return HOLE.sub(lambda match: pieces.get(match[1], ""), part)


def _in_order(items: str, order: dict[str, tuple] | None) -> str:
    """An `{% in_order %}` list's HTML, its items sorted, with what precedes the first one."""
    before, *named = ITEM.split(items)
    pairs = list(zip(named[::2], named[1::2], strict=True))  # (item's name, its HTML)
    if order is not None:
        pairs.sort(key=lambda pair: (pair[0] not in order, order.get(pair[0], ())))
    return before + "".join(html for _name, html in pairs)


def written_part(request, template: str, context: dict) -> str:
    """`template` as a kept part is written: CSRF_MARK for the forms' tokens, nothing of the
    request but its address."""
    return render_to_string(
        template,
        {**context, "csrf_token": CSRF_MARK, "request": PathOnly(request.get_full_path())},
    )


def with_token(request, part: str) -> tuple[SafeString, str]:
    """The part with the reader's CSRF token in its forms, and that token, for the rest of
    the page's forms (`csrf_token` in its context): one token for the whole page, as
    Django's context processor gives."""
    token = get_token(request)
    # The part is our template's HTML, escaped as it was written.
    return mark_safe(part.replace(CSRF_MARK, token)), token


def render_with_part(request, template: str, context: dict, part: str, *, status: int = 200):
    """The page `template` around its part (`body`), with the reader's CSRF token in both."""
    body, token = with_token(request, part)
    return render(request, template, {**context, "body": body, "csrf_token": token}, status=status)
