"""Reading an office's list of businesses from a CSV file (French Excel or not): no ORM here.

`parse_businesses(content)` turns the file's bytes into rows, each either valid
(its fields ready for a Business) or carrying a line-numbered French error; a
file that cannot be read at all raises ImportRefused. Which rows duplicate an
existing business is for services.businesses_import_preview to say.
"""

import csv
import io
import unicodedata
from dataclasses import dataclass, field

import charset_normalizer
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# Values of Organisation.Segment (kept as strings: no model import in a parser).
ACCOMMODATION, FOOD, ACTIVITIES, SITES, SHOPS = (
    "hebergement",
    "restauration",
    "activites",
    "sites",
    "commerces",
)

# Normalised header → field. Headers are compared without case, accents, spaces or dashes.
HEADERS = {
    "nom": "name",
    "name": "name",
    "raisonsociale": "name",
    "etablissement": "name",
    "nomdeletablissement": "name",
    "activite": "activity",
    "activity": "activity",
    "typedactivite": "activity",
    "categorie": "activity",
    "type": "activity",
    "commune": "commune",
    "ville": "commune",
    "city": "commune",
    "email": "email",
    "mail": "email",
    "courriel": "email",
    "adresseemail": "email",
    "adressemail": "email",
    "telephone": "phone",
    "tel": "phone",
    "phone": "phone",
    "portable": "phone",
    "siteweb": "website",
    "siteinternet": "website",
    "site": "website",
    "web": "website",
    "website": "website",
    "url": "website",
}
REQUIRED = ("name", "activity", "commune", "email")
COLUMN_LABELS = {
    "name": gettext_noop("nom"),
    "activity": gettext_noop("activité"),
    "commune": gettext_noop("commune"),
    "email": gettext_noop("e-mail"),
}

# Normalised word of the activity column → (segment, sub-type shown to the office).
# Looked up whole first, then word by word, so « Hôtel restaurant » is an hotel.
ACTIVITIES_BY_WORD = {
    "hebergement": (ACCOMMODATION, ""),
    "hebergements": (ACCOMMODATION, ""),
    "gite": (ACCOMMODATION, "gîte"),
    "gites": (ACCOMMODATION, "gîte"),
    "hotel": (ACCOMMODATION, "hôtel"),
    "hotels": (ACCOMMODATION, "hôtel"),
    "camping": (ACCOMMODATION, "camping"),
    "campings": (ACCOMMODATION, "camping"),
    "chambredhotes": (ACCOMMODATION, "chambre d’hôtes"),
    "chambresdhotes": (ACCOMMODATION, "chambre d’hôtes"),
    "chambredhote": (ACCOMMODATION, "chambre d’hôtes"),
    "chambresdhote": (ACCOMMODATION, "chambre d’hôtes"),
    "meuble": (ACCOMMODATION, "meublé de tourisme"),
    "meubledetourisme": (ACCOMMODATION, "meublé de tourisme"),
    "locationsaisonniere": (ACCOMMODATION, "location saisonnière"),
    "residence": (ACCOMMODATION, "résidence de tourisme"),
    "villagevacances": (ACCOMMODATION, "village vacances"),
    "aubergedejeunesse": (ACCOMMODATION, "auberge de jeunesse"),
    "restauration": (FOOD, ""),
    "restaurant": (FOOD, "restaurant"),
    "restaurants": (FOOD, "restaurant"),
    "brasserie": (FOOD, "brasserie"),
    "creperie": (FOOD, "crêperie"),
    "bar": (FOOD, "bar"),
    "cafe": (FOOD, "café"),
    "traiteur": (FOOD, "traiteur"),
    "salondethe": (FOOD, "salon de thé"),
    "activites": (ACTIVITIES, ""),
    "activite": (ACTIVITIES, ""),
    "activitesetloisirs": (ACTIVITIES, ""),
    "loisirs": (ACTIVITIES, ""),
    "loisir": (ACTIVITIES, ""),
    "sport": (ACTIVITIES, ""),
    "sports": (ACTIVITIES, ""),
    "randonnee": (ACTIVITIES, "randonnée"),
    "canoe": (ACTIVITIES, "canoë"),
    "kayak": (ACTIVITIES, "canoë"),
    "golf": (ACTIVITIES, "golf"),
    "equitation": (ACTIVITIES, "équitation"),
    "velo": (ACTIVITIES, "vélo"),
    "sites": (SITES, ""),
    "site": (SITES, ""),
    "sitesdevisiteetculture": (SITES, ""),
    "sitedevisite": (SITES, ""),
    "visite": (SITES, ""),
    "culture": (SITES, ""),
    "musee": (SITES, "musée"),
    "chateau": (SITES, "château"),
    "patrimoine": (SITES, "patrimoine"),
    "monument": (SITES, "monument"),
    "jardin": (SITES, "jardin"),
    "cave": (SITES, "cave et domaine"),
    "domaine": (SITES, "cave et domaine"),
    "commerces": (SHOPS, ""),
    "commerce": (SHOPS, ""),
    "commercesetservices": (SHOPS, ""),
    "services": (SHOPS, ""),
    "service": (SHOPS, ""),
    "boutique": (SHOPS, "boutique"),
    "magasin": (SHOPS, "boutique"),
    "epicerie": (SHOPS, "épicerie"),
    "producteur": (SHOPS, "producteur"),
    "artisan": (SHOPS, "artisan"),
}

FILE_EMPTY = gettext_noop("Le fichier est vide : rien à importer.")
FILE_TOO_BIG = gettext_noop(
    "Le fichier dépasse %(size)s Ko : découpez-le en plusieurs fichiers plus petits."
)
FILE_TOO_LONG = gettext_noop(
    "Le fichier compte plus de %(lines)s lignes : découpez-le en plusieurs fichiers."
)
FILE_ENCODING = gettext_noop(
    "Le fichier n’est pas un fichier texte lisible (ni UTF-8, ni Windows-1252) : "
    "enregistrez-le depuis votre tableur au format « CSV UTF-8 »."
)
FILE_UNREADABLE = gettext_noop(
    "Le fichier n’est pas un CSV lisible (%(error)s) : enregistrez-le depuis votre tableur "
    "au format « CSV »."
)
FILE_MISSING_COLUMNS = gettext_noop(
    "Colonnes manquantes dans la première ligne : %(columns)s. La première ligne doit nommer "
    "les colonnes « nom ; activité ; commune ; e-mail », et « téléphone » si vous le souhaitez."
)
LINE_MISSING = gettext_noop("Ligne %(line)s : %(column)s manquant.")
LINE_EMAIL = gettext_noop("Ligne %(line)s : l’adresse e-mail « %(value)s » n’est pas valide.")
LINE_ACTIVITY = gettext_noop(
    "Ligne %(line)s : activité « %(value)s » non reconnue (hébergement, gîte, hôtel, camping, "
    "chambre d’hôtes, restaurant, activités et loisirs, site de visite, musée, commerce…)."
)
LINE_TOO_LONG = gettext_noop("Ligne %(line)s : %(column)s trop long (%(max)s caractères au plus).")
LINE_PHONE = gettext_noop("Ligne %(line)s : le téléphone « %(value)s » n’est pas valide.")

LINE_WEBSITE = gettext_noop(
    "Ligne %(line)s : le site web « %(value)s » n’est pas une adresse web (http ou https)."
)
OPTIONAL_LABELS = {"phone": gettext_noop("téléphone"), "website": gettext_noop("site web")}
MAX_LENGTHS = {"name": 200, "commune": 120, "email": 254, "phone": 30, "website": 300}
PHONE_CHARACTERS = set("0123456789+ .-()/")


class ImportRefused(Exception):
    """The file as a whole cannot be read: nothing of it is used."""


@dataclass
class ImportRow:
    line: int  # the line's number in the file, the header being line 1
    name: str = ""
    activity: str = ""
    commune: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    segment: str = ""
    subtype: str = ""
    errors: list[str] = field(default_factory=list)
    duplicate_of: str = ""  # filled by the service: what this line repeats

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "name": self.name,
            "activity": self.activity,
            "commune": self.commune,
            "email": self.email,
            "phone": self.phone,
            "website": self.website,
            "segment": self.segment,
            "subtype": self.subtype,
            "errors": list(self.errors),
            "duplicate_of": self.duplicate_of,
        }


def normalised(text: str) -> str:
    """Lower case, no accents, letters and digits only: « Chambre d'Hôtes » → chambredhotes."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def activity_segment(value: str) -> tuple[str, str] | None:
    """(segment, sub-type) of an activity written in French, or None when not recognised."""
    whole = normalised(value)
    if whole in ACTIVITIES_BY_WORD:
        return ACTIVITIES_BY_WORD[whole]
    words = "".join(c if c.isalnum() else " " for c in value.replace("’", "'")).split()
    # « chambre d'hôtes » in a longer text: try word pairs and triples before single words.
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            group = words[start:][:size]
            found = ACTIVITIES_BY_WORD.get(normalised("".join(group)))
            if found:
                return found
    return None


def decoded(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as French Excel writes it.

    Many other encodings decode as Windows-1252 too, into garbled names (Shift-JIS,
    KOI8-R…): charset-normalizer must find Windows-1252 among the file's plausible
    encodings, or the file is refused rather than imported garbled."""
    if b"\x00" in content:
        raise ImportRefused(_(FILE_ENCODING))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if "cp1252" not in {match.encoding for match in charset_normalizer.from_bytes(content)}:
        raise ImportRefused(_(FILE_ENCODING))
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportRefused(_(FILE_ENCODING)) from error
    # Binary data decodes as cp1252 too: control characters betray it.
    if any(ord(c) < 32 and c not in "\r\n\t" for c in text):
        raise ImportRefused(_(FILE_ENCODING))
    return text


validate_website = URLValidator(schemes=["http", "https"])


def website_address(value: str) -> str:
    """« www.gite.fr » as typed in a spreadsheet becomes « https://www.gite.fr »."""
    value = value.strip()
    return value if "://" in value else f"https://{value}"


def _delimiter(first_line: str) -> str:
    return "," if first_line.count(",") > first_line.count(";") else ";"


def parse_businesses(content: bytes, *, max_bytes: int, max_lines: int) -> list[ImportRow]:
    """Every data line of the file as an ImportRow (valid or with its errors), blank lines skipped.

    Raises ImportRefused for a file that cannot be used at all (size, encoding,
    missing columns, broken CSV).
    """
    if len(content) > max_bytes:
        raise ImportRefused(_(FILE_TOO_BIG) % {"size": max_bytes // 1024})
    text = decoded(content)
    if not text.strip():
        raise ImportRefused(_(FILE_EMPTY))
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    rows: list[ImportRow] = []
    columns: dict[str, int] | None = None
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if columns is None:
                columns = _columns(cells)
                continue
            if len(rows) >= max_lines:
                raise ImportRefused(_(FILE_TOO_LONG) % {"lines": max_lines})
            rows.append(_row(reader.line_num, cells, columns))
    except csv.Error as error:
        raise ImportRefused(_(FILE_UNREADABLE) % {"error": error}) from error
    if columns is None:
        raise ImportRefused(_(FILE_EMPTY))
    return rows


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        name = HEADERS.get(normalised(title))
        if name and name not in columns:
            columns[name] = index
    missing = [_(COLUMN_LABELS[name]) for name in REQUIRED if name not in columns]
    if missing:
        raise ImportRefused(_(FILE_MISSING_COLUMNS) % {"columns": ", ".join(missing)})
    return columns


def _row(line: int, cells: list[str], columns: dict[str, int]) -> ImportRow:
    values = {
        name: (cells[index].strip() if index < len(cells) else "")
        for name, index in columns.items()
    }
    row = ImportRow(line=line, **values)
    row.email = row.email.lower()
    for name in REQUIRED:
        if not values[name]:
            row.errors.append(_(LINE_MISSING) % {"line": line, "column": _(COLUMN_LABELS[name])})
    for name, limit in MAX_LENGTHS.items():
        if len(getattr(row, name)) > limit:
            label = _(COLUMN_LABELS.get(name, OPTIONAL_LABELS[name]))
            row.errors.append(_(LINE_TOO_LONG) % {"line": line, "column": label, "max": limit})
    if row.email and len(row.email) <= MAX_LENGTHS["email"]:
        try:
            validate_email(row.email)
        except ValidationError:
            row.errors.append(_(LINE_EMAIL) % {"line": line, "value": row.email})
    if row.activity:
        found = activity_segment(row.activity)
        if found is None:
            row.errors.append(_(LINE_ACTIVITY) % {"line": line, "value": row.activity[:60]})
        else:
            row.segment, row.subtype = found
    if row.phone and not set(row.phone) <= PHONE_CHARACTERS:
        row.errors.append(_(LINE_PHONE) % {"line": line, "value": row.phone[:30]})
    if row.website:
        row.website = website_address(row.website)
        if len(row.website) <= MAX_LENGTHS["website"]:
            try:
                validate_website(row.website)
            except ValidationError:
                row.errors.append(_(LINE_WEBSITE) % {"line": line, "value": row.website[:60]})
    return row
