"""What a website's HTML shows without running it: the observable indicators of « Observé ».

Pure functions over the bytes that diagnostics/fetching.py brought back (no request, no
ORM): `page_indicators(content, url)` reads the home page — mobile viewport, languages,
links to the legal notice, the privacy policy, the accessibility statement, booking and
contact, structured data (schema.org, through extruct), Open Graph, the resources it asks
for, the trackers' scripts present in the initial HTML — and `accessibility_status(text)`
reads the stated compliance of an accessibility statement. Broken HTML is read as far as
lxml can; an empty or unreadable page yields no indicator rather than an error.
"""

import json
import re
import unicodedata
from urllib.parse import urljoin, urlsplit

import extruct
import lxml.etree
import lxml.html

# Normalised words (lower case, no accents) found in a link's text or address.
LEGAL_WORDS = (
    "mentions legales",
    "mentions-legales",
    "mentionslegales",
    "legal notice",
    "impressum",
)
PRIVACY_WORDS = (
    "confidentialite",
    "donnees personnelles",
    "donnees-personnelles",
    "vie privee",
    "privacy",
    "rgpd",
)
ACCESSIBILITY_WORDS = ("accessibilite", "accessibility")
BOOKING_WORDS = ("reserver", "reservation", "reservez", "booking", "book now", "billetterie")
# Booking engines and platforms seen on tourism sites: a link there is a booking link.
BOOKING_HOSTS = (
    "booking.com",
    "airbnb.",
    "reservit.",
    "elloha.",
    "thebookingbutton.",
    "secure-hotel-booking.",
    "amenitiz.",
    "zenchef.",
    "thefork.",
    "lafourchette.",
    "guestonline.",
    "regiondo.",
    "bookingkit.",
    "open-pro.",
    "alliance-reseaux.",
    "weebnb.",
    "gites-de-france.",
    "clevacances.",
)
CONTACT_WORDS = ("contact", "nous ecrire", "ecrivez-nous")
# Trackers whose script in the page's initial HTML runs before any consent can be given.
TRACKERS = {
    "Google Analytics": ("google-analytics.com", "googletagmanager.com/gtag", "gtag("),
    "Google Tag Manager": ("googletagmanager.com/gtm.js", "gtm.start"),
    "Google Ads": ("googleadservices.com", "doubleclick.net"),
    "Meta Pixel": ("connect.facebook.net", "fbq("),
    "Hotjar": ("static.hotjar.com", "hotjar"),
    "LinkedIn Insight": ("snap.licdn.com",),
    "TikTok Pixel": ("analytics.tiktok.com",),
    "Microsoft Clarity": ("clarity.ms",),
    "Pinterest Tag": ("s.pinimg.com/ct", "pintrk("),
    "Criteo": ("criteo.net", "criteo.com"),
    "Yandex Metrica": ("mc.yandex.ru",),
}
CONSENT_MANAGERS = {
    "tarteaucitron": ("tarteaucitron",),
    "Axeptio": ("axeptio",),
    "Didomi": ("didomi",),
    "Cookiebot": ("cookiebot",),
    "OneTrust": ("onetrust", "cookielaw.org"),
    "Complianz": ("complianz",),
    "CookieYes": ("cookieyes",),
}
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
# schema.org types that describe a tourism actor (LodgingBusiness's and FoodEstablishment's
# subtypes included): their main fields are kept.
MAIN_FIELDS = ("name", "telephone", "email", "address", "url", "openingHours", "priceRange")
STATUS = re.compile(r"\b(totalement|partiellement|non)\s+conforme", re.IGNORECASE)


def normalised(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def charset(content: bytes, content_type: str = "") -> str:
    """The page's encoding: its HTTP header's, its <meta>'s, else UTF-8 or Windows-1252."""
    declared = re.search(r"charset=([A-Za-z0-9_-]+)", content_type or "")
    if declared:
        return declared.group(1).lower()
    meta = CHARSET.search(content[:4096])
    if meta:
        return meta.group(1).decode("ascii").lower()
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8"


def document(content: bytes, content_type: str = ""):
    """The page as an lxml tree, or None for an empty or unreadable one."""
    if not content.strip():
        return None
    try:
        parser = lxml.html.HTMLParser(encoding=charset(content, content_type))
    except LookupError:
        parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        return lxml.html.document_fromstring(content, parser=parser)
    except (lxml.etree.ParserError, ValueError, LookupError):
        return None


def accessibility_status(text: str) -> str:
    """« totalement », « partiellement » or « non » (conforme), as first stated; "" if none."""
    found = STATUS.search(normalised(text))
    return found.group(1) if found else ""


def page_text(content: bytes, content_type: str = "") -> str:
    tree = document(content, content_type)
    return tree.text_content() if tree is not None else ""


def _links(tree, base: str) -> list[tuple[str, str]]:
    links = []
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:")):
            continue
        label = " ".join(
            [anchor.text_content(), anchor.get("title") or "", anchor.get("aria-label") or ""]
        )
        links.append((urljoin(base, href), normalised(label)))
    return links


def _find(links, words, *, in_address: bool = True, hosts=()) -> tuple[str, str]:
    """The first link whose text (or address) names one of the words: (address, text)."""
    for href, label in links:
        address = normalised(href)
        if any(w in label for w in words) or (in_address and any(w in address for w in words)):
            return href, label
        if hosts and any(h in urlsplit(address).netloc for h in hosts):
            return href, label
    return "", ""


def _languages(tree) -> tuple[str, list[str]]:
    root_lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    primary = root_lang.strip().split("-")[0].lower()
    found = {primary} if primary else set()
    for link in tree.iter("link"):
        if "alternate" in (link.get("rel") or "").lower().split() and link.get("hreflang"):
            tag = link.get("hreflang").strip().split("-")[0].lower()
            if tag and tag != "x":  # x-default names no language
                found.add(tag)
    return primary, sorted(found)


def _viewport(tree) -> bool:
    for meta in tree.iter("meta"):
        if (meta.get("name") or "").lower() == "viewport":
            return "width=device-width" in (meta.get("content") or "").replace(" ", "").lower()
    return False


def _resources(tree, base: str) -> int:
    """How many files the page asks for by itself (scripts, styles, images, frames…)."""
    found = set()
    for element in tree.iter("script", "img", "iframe", "video", "audio", "source", "embed"):
        for attribute in ("src", "poster"):
            if element.get(attribute):
                found.add(urljoin(base, element.get(attribute).strip()))
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if link.get("href") and {"stylesheet", "icon", "preload", "modulepreload"} & set(rel):
            found.add(urljoin(base, link.get("href").strip()))
    return len(found)


def _scripts(tree) -> str:
    """Every script that runs as the page loads (not those parked until consent), as text."""
    parts = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() not in SCRIPT_TYPES:
            continue
        parts.append((script.get("src") or "") + " " + (script.text or ""))
    return "\n".join(parts).lower()


def _named(text: str, catalogue: dict[str, tuple[str, ...]]) -> list[str]:
    return sorted(name for name, marks in catalogue.items() if any(m in text for m in marks))


def _types(item) -> list[str]:
    kind = item.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)]


def _flat(items) -> list[dict]:
    flat = []
    for item in items:
        if isinstance(item, dict):
            flat.append(item)
            flat.extend(_flat(item.get("@graph", [])))
    return flat


def _field(value) -> str:
    if isinstance(value, dict):
        parts = [value.get(k, "") for k in ("streetAddress", "postalCode", "addressLocality")]
        return " ".join(str(p) for p in parts if p) or str(value.get("name", ""))
    if isinstance(value, list):
        return ", ".join(_field(v) for v in value[:3])
    return str(value)[:200]


def _without_broken_json_ld(tree) -> None:
    """extruct drops every JSON-LD block when one is broken: the broken ones go first."""
    for script in list(tree.iter("script")):
        if (script.get("type") or "").lower() != "application/ld+json":
            continue
        try:
            json.loads(script.text or "")
        except ValueError:
            script.getparent().remove(script)


def _structured(tree, base: str) -> tuple[dict, list[str]]:
    _without_broken_json_ld(tree)
    try:
        data = extruct.extract(
            tree,
            base_url=base,
            syntaxes=["json-ld", "microdata", "opengraph"],
            uniform=True,
            errors="ignore",
        )
    except (ValueError, TypeError, lxml.etree.LxmlError):
        data = {}
    items = _flat(data.get("json-ld", [])) + _flat(data.get("microdata", []))
    types = []
    for item in items:
        types.extend(t for t in _types(item) if t not in types)
    main = next((i for i in items if set(_types(i)) - {"WebSite", "WebPage", "BreadcrumbList"}), {})
    fields = {k: _field(main[k]) for k in MAIN_FIELDS if main.get(k)}
    if main.get("openingHoursSpecification"):
        fields.setdefault("openingHours", "openingHoursSpecification")
    # extruct's uniform output names og:type « @type ».
    open_graph = sorted(
        {
            "og:type" if key == "@type" else key
            for og in data.get("opengraph", [])
            for key in og
            if og[key] and (key.startswith("og:") or key == "@type")
        }
    )
    return {"types": types, "fields": fields}, open_graph


def page_indicators(content: bytes, url: str, content_type: str = "") -> dict:
    """The home page's indicators (see the module's docstring), as plain JSON values."""
    indicators = {
        "page_weight": len(content),
        "viewport": False,
        "lang": "",
        "languages": [],
        "legal_notice": "",
        "privacy": "",
        "accessibility": {"url": "", "status": ""},
        "booking_link": "",
        "contact_link": "",
        "structured_data": {"types": [], "fields": {}},
        "open_graph": [],
        "requests": 0,
        "trackers": [],
        "consent_manager": [],
    }
    tree = document(content, content_type)
    if tree is None:
        return indicators
    links = _links(tree, url)
    accessibility, label = _find(links, ACCESSIBILITY_WORDS)
    scripts = _scripts(tree)
    structured, open_graph = _structured(tree, url)
    indicators.update(
        viewport=_viewport(tree),
        legal_notice=_find(links, LEGAL_WORDS)[0],
        privacy=_find(links, PRIVACY_WORDS)[0],
        accessibility={"url": accessibility, "status": accessibility_status(label)},
        booking_link=_find(links, BOOKING_WORDS, in_address=False, hosts=BOOKING_HOSTS)[0],
        contact_link=_find(links, CONTACT_WORDS)[0]
        or next((h for h, _label in links if h.startswith(("mailto:", "tel:"))), ""),
        structured_data=structured,
        open_graph=open_graph,
        requests=_resources(tree, url),
        trackers=_named(scripts, TRACKERS),
        consent_manager=_named(scripts, CONSENT_MANAGERS),
    )
    indicators["lang"], indicators["languages"] = _languages(tree)
    return indicators
