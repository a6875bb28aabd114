"""The interface in French: the catalogue is complete and compiled, and every page a reader can
reach says everything of its own in French.

The catalogue is read with the standard library only (no polib). The pages are crawled as in
test_crawl.py, from its seeds plus every GET route of the access table the standing may open, and
each page is fetched twice, in French and in English. Every kind of page (URL pattern) is read,
each at most PER_ROUTE times: an interface string comes from a page's template, not its record,
and the crawl reaches dozens of pages of a few kinds (every organisation, every country profile,
every filter of the work plan); test_crawl.py reads every one of them for leaks.

- the French page has ``<html lang="fr">``, the French navigation and footer, and no English
  interface string of the catalogue (nor any string of base.html) left in it;
- interface elements (navigation, footer, buttons, table and form headings) must read differently
  in the two languages, so a string left out of ``{% translate %}`` fails here even before it
  reaches the catalogue.

Text marked with another language (``lang="en"``: a letter written in English, a title not yet
translated) is content, not interface, and is left alone.
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from talanoa.tests.access_table import ROUTES, Rule
from talanoa.tests.test_crawl import SEEDS, SKIP, worth_following
from talanoa.tests.test_url_access import _sample_kwargs

BASE_DIR = Path(settings.BASE_DIR)
LOCALE = BASE_DIR / "locale" / "fr" / "LC_MESSAGES"
PO, MO = LOCALE / "django.po", LOCALE / "django.mo"
STANDINGS = ["anonymous", "member", "secretariat"]
MAX_PAGES = 400
PER_ROUTE = 8
HREF = re.compile(r'href="([^"]+)"')

# base.html in French, as a reader sees it.
NAV_FR = ["Actualités et documents", "Calendrier", "Documents publiés", "Décisions",
          "Programme de travail", "Indicateurs", "Rapports", "Membres", "Gouvernance", "Rechercher"]
NAV_FR_ANONYMOUS = [*NAV_FR, "Accès membres"]
NAV_FR_SIGNED_IN = [*NAV_FR, "Ma page", "Se déconnecter"]
FOOTER_FR = ["Talanoa — portail des groupes de travail du CORP.", "Protocole de données"]
# Languages offered in a list are named in their own language, like the language switch.
ENDONYMS = {"English", "Français"}
# allauth's own pages, in its own catalogue, shown inside our base.html.
ALLAUTH_PAGES = {
    "anonymous": ["account_login", "account_reset_password"],
    "member": ["account_change_password", "mfa_index"],
    "secretariat": ["account_change_password", "mfa_index", "mfa_view_recovery_codes"],
}

# ---------------------------------------------------------------------------------------------
# The catalogue


_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (".*")$')


def read_po(path: Path) -> list[dict]:
    """Every entry of a .po file, the header first: msgctxt, msgid, msgid_plural, msgstr (plural
    index → text; None for a singular), flags and whether it is obsolete (``#~``)."""
    entries: list[dict] = []
    entry: dict | None = None
    field: tuple[str, int | None] = ("", None)
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry is not None and (entry["msgid"] is not None or entry["obsolete"]):
                entries.append(entry)
            entry = None
            continue
        if entry is None:
            entry = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {},
                     "flags": set(), "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := _LINE.match(line):
            keyword, index, text = match[1], match[2], ast.literal_eval(match[3])
            if keyword.startswith("msgstr"):
                field = ("msgstr", int(index) if index is not None else None)
                entry["msgstr"][field[1]] = text
            else:
                field = (keyword, None)
                entry[keyword] = text
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] += text
            else:
                entry[field[0]] += text
        else:
            raise AssertionError(f"unreadable line in {path.name}: {line!r}")
    return entries


def _header(entries: list[dict]) -> dict[str, str]:
    assert entries[0]["msgid"] == "", "the header comes first"
    lines = entries[0]["msgstr"][None].splitlines()
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def _messages(entries: list[dict]) -> list[dict]:
    return [e for e in entries[1:] if not e["obsolete"]]


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\([a-z_0-9]+\)[sd]|%[sd]|\{[a-z_0-9]*\}", text))


def test_every_message_has_a_french_translation():
    entries = read_po(PO)
    header = _header(entries)
    assert header["Language"] == "fr"
    nplurals = int(re.search(r"nplurals=(\d+)", header["Plural-Forms"])[1])
    assert "fuzzy" not in entries[0]["flags"]
    messages = _messages(entries)
    assert len(messages) >= 300
    assert not [e["msgid"] for e in messages if "fuzzy" in e["flags"]], "fuzzy entries"
    for e in messages:
        if e["msgid_plural"] is None:
            assert set(e["msgstr"]) == {None}, e["msgid"]
        else:
            assert set(e["msgstr"]) == set(range(nplurals)), e["msgid"]
        assert all(text.strip() for text in e["msgstr"].values()), f"empty: {e['msgid']!r}"


def test_translations_keep_their_placeholders():
    for e in _messages(read_po(PO)):
        for index, text in e["msgstr"].items():
            source = e["msgid"] if not index else e["msgid_plural"]
            assert _placeholders(text) == _placeholders(source), (e["msgid"], text)


def test_the_compiled_catalogue_is_the_po():
    """django.mo says exactly what django.po says: recompile after every edit (make messages)."""
    expected = {}
    for e in [read_po(PO)[0], *_messages(read_po(PO))]:
        key = e["msgid"] if e["msgctxt"] is None else f"{e['msgctxt']}\x04{e['msgid']}"
        if e["msgid_plural"] is None:
            expected[key] = e["msgstr"][None]
        else:
            expected.update({(key, i): text for i, text in e["msgstr"].items()})
    with MO.open("rb") as f:
        compiled = dict(gettext.GNUTranslations(f)._catalog)
    # msgfmt leaves out the extraction date: the rest of the header is compiled as it is.
    expected[""] = re.sub(r"POT-Creation-Date: [^\n]*\n", "", expected[""])
    assert compiled == expected


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (make messages)")
def test_the_catalogue_covers_every_string_of_the_source(tmp_path):
    """makemessages run on a copy of the project finds nothing the catalogue lacks."""
    apps = sorted(path.parent.name for path in BASE_DIR.glob("*/apps.py"))
    assert {"members", "portal", "meetings"} <= set(apps)
    for name in sorted({"talanoa", "templates", *apps}):
        shutil.copytree(BASE_DIR / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("tests", "__pycache__", "migrations"))
    shutil.copy(BASE_DIR / "manage.py", tmp_path)
    (tmp_path / "locale").mkdir()
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "fr", "-v0"],
                   cwd=tmp_path, check=True, capture_output=True,
                   env={**os.environ, "VAR_DIR": str(tmp_path / "var"),
                        "DJANGO_SETTINGS_MODULE": "talanoa.settings"})
    extracted = {(e["msgctxt"], e["msgid"])
                 for e in _messages(read_po(tmp_path / "locale/fr/LC_MESSAGES/django.po"))}
    catalogue = {(e["msgctxt"], e["msgid"]) for e in _messages(read_po(PO))}
    missing = sorted(msgid for _, msgid in extracted - catalogue)
    assert not missing, f"run `manage.py makemessages -l fr` and translate: {missing}"


# ---------------------------------------------------------------------------------------------
# The pages


def english_interface_strings() -> set[str]:
    """English strings of the catalogue whose French differs, without placeholders (they are shown
    as they are), plus every string of base.html."""
    messages = _messages(read_po(PO))
    strings = {e["msgid"] for e in messages
               if e["msgid_plural"] is None and e["msgstr"][None] != e["msgid"]
               and not _placeholders(e["msgid"]) and re.search(r"[A-Za-z]", e["msgid"])}
    base = (BASE_DIR / "templates" / "base.html").read_text(encoding="utf-8")
    in_base = set(re.findall(r"""{%\s*translate\s+(?:"([^"]+)"|'([^']+)')""", base))
    assert len(in_base) >= 9
    # A French translation that is also an English string ("Rating" is "Note", and "Note" an
    # English string of its own) is French where it stands.
    french = {e["msgstr"][None] for e in messages if e["msgid_plural"] is None}
    return (strings | {a or b for a, b in in_base}) - french


def same_in_both_languages() -> set[str]:
    """Interface words French writes as English does ("Organisation", "Actions", "PDF"…)."""
    # Also a French string that is some other string's English: "Rating" is "Note" in French,
    # and "Note" an English string of its own.
    messages = [e for e in _messages(read_po(PO)) if e["msgid_plural"] is None]
    english = {e["msgid"] for e in messages}
    return {"Talanoa"} | {e["msgstr"][None] for e in messages if e["msgstr"][None] in english}


# Elements whose text is interface (never records): compared between the two languages.
INTERFACE = {"button", "th", "legend", "summary", "h2", "dt"}
ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Page(HTMLParser):
    """The text of a page, each piece with its ancestors and its language."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.texts: list[tuple[str, list[tuple[str, dict]]]] = []
        self.attributes: list[tuple[str, str]] = []  # (value, lang)
        self.html_lang = None
        self.feed(html)
        self.close()

    def lang(self, stack=None) -> str | None:
        for _, attrs in reversed(self.stack if stack is None else stack):
            if attrs.get("lang"):
                return attrs["lang"]
        return None

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html_lang = attrs.get("lang")
        for name in ATTRIBUTES:
            if attrs.get(name):
                self.attributes.append((attrs[name].strip(), attrs.get("lang") or self.lang()))
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.attributes.append((attrs["value"].strip(), self.lang()))
        if tag not in VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not any(tag in ("script", "style") for tag, _ in self.stack):
            self.texts.append((text, list(self.stack)))

    def french(self) -> list[tuple[str, list]]:
        """Text in the page's language (not inside an element marked with another)."""
        return [(text, stack) for text, stack in self.texts
                if (self.lang(stack) or self.html_lang) == self.html_lang]

    def pieces(self) -> list[tuple[str, list]]:
        """The French text, the title cut into its parts ("Ma page · Talanoa")."""
        return [(piece.strip(), stack) for text, stack in self.french()
                for piece in (text.split("·") if stack[-1][0] == "title" else [text])]

    def within(self, tag: str, **attrs) -> list[str]:
        return [text for text, stack in self.texts
                if any(t == tag and all(a.get(k) == v for k, v in attrs.items())
                       for t, a in stack)]

    def interface(self) -> set[str]:
        """Text of interface elements: header, footer, navigation, buttons, table and form
        headings, labels."""
        found = set()
        for text, stack in self.french():
            tags = [t for t, _ in stack]
            if not re.search(r"[^\W\d_]", text) or "title" in tags:
                continue
            # A row header names the row's record (an organisation in a matrix), not interface;
            # so does a header marked translate="no" (an economy naming a column of values).
            if any((t == "th" and a.get("scope") == "row") or a.get("translate") == "no"
                   for t, a in stack):
                continue
            if set(tags) & (INTERFACE | {"header", "footer", "nav", "label"}):
                found.add(text)
        return found


def _label_wraps_input(html: str) -> set[str]:
    """Labels around a checkbox or radio: their text is a record's name."""
    return {" ".join(m.split()) for m in re.findall(
        r"<label[^>]*>\s*<input[^>]*>\s*([^<]+)</label>", html)}


def _client(people, standing: str, language: str) -> Client:
    client = Client()
    if standing != "anonymous":
        client.force_login(people[standing])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _seeds(standing: str) -> list[str]:
    seeds = [*SEEDS, "/no-such-page/"]
    for name, rule in ROUTES.items():
        if isinstance(rule, Rule) and rule.method == "GET" and standing in rule.audience:
            seeds.append(reverse(name, kwargs=_sample_kwargs(rule.sample)))
    seeds += [reverse(name) for name in ALLAUTH_PAGES[standing]]
    return list(dict.fromkeys(seeds))


def _html(response) -> str | None:
    if response.streaming:
        # Read it through: the test client then closes it with the request_finished handlers
        # held off. A bare close() would run close_old_connections, which drops PostgreSQL's
        # connection in the middle of the test's transaction.
        b"".join(response.streaming_content)
        return None
    if "html" not in response.get("Content-Type", ""):
        return None
    return response.content.decode()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def assert_in_french(url: str, html: str, standing: str, english: set[str]) -> Page:
    page = Page(html)
    assert page.html_lang == "fr", url
    nav = page.within("nav", **{"aria-label": "Menu principal"})
    assert nav == (NAV_FR_ANONYMOUS if standing == "anonymous" else NAV_FR_SIGNED_IN), (url, nav)
    assert page.within("footer") == FOOTER_FR, url
    assert page.within("a", **{"class": "skip"}) == ["Aller au contenu"], url
    left = sorted({text for text, stack in page.pieces() if text in english
                   and not (text in ENDONYMS and stack[-1][0] == "option")}
                  | {value for value, lang in page.attributes
                     if value in english and lang in (None, "fr")})
    assert not left, f"English interface text on {url} in French: {left}"
    return page


@pytest.mark.django_db
@pytest.mark.parametrize("standing", STANDINGS)
def test_every_page_reads_in_french(people, media, standing):
    french, english = _client(people, standing, "fr"), _client(people, standing, "en")
    english_strings, same = english_interface_strings(), same_in_both_languages()
    queue = deque(_seeds(standing))
    seen, checked = set(queue), 0
    read_of: Counter[str] = Counter()
    while queue and checked < MAX_PAGES:
        url = queue.popleft()
        route = _route(url)
        if read_of[route] >= PER_ROUTE:
            continue
        read_of[route] += 1
        response = french.get(url)
        if response.status_code in (301, 302):
            continue
        assert response.status_code in (200, 403, 404), (url, response.status_code)
        html = _html(response)
        if html is None:
            continue
        page = assert_in_french(url, html, standing, english_strings)
        checked += 1
        if response.status_code == 200:
            html_en = _html(english.get(url))
            assert html_en is not None and Page(html_en).html_lang == "en", url
            untranslated = (page.interface() & Page(html_en).interface()) - same - (
                _label_wraps_input(html))
            assert not untranslated, f"not translated on {url}: {sorted(untranslated)}"
        for href in HREF.findall(html):
            link = urldefrag(href.replace("&amp;", "&"))[0]
            parsed = urlparse(link)
            if parsed.scheme or parsed.netloc or not link.startswith("/") or link.startswith(
                    SKIP):
                continue
            if link not in seen and worth_following(link):
                seen.add(link)
                queue.append(link)
    assert checked > (15 if standing == "anonymous" else 25), checked
    assert len(read_of) > (25 if standing == "anonymous" else 50), len(read_of)


def _route(url: str) -> str:
    """The URL pattern a crawled address is an instance of."""
    try:
        return resolve(urlparse(url).path).route
    except Resolver404:
        return urlparse(url).path


@pytest.mark.django_db
def test_the_error_pages_are_in_french(people, media):
    from members.tests.samples import nomination_sample

    english = english_interface_strings()
    response = _client(people, "anonymous", "fr").get("/no-such-page/")
    assert response.status_code == 404
    page = assert_in_french("/no-such-page/", response.content.decode(), "anonymous", english)
    assert "Page introuvable" in page.within("h1")
    url = reverse("members:round", args=[nomination_sample("round").pk])
    response = _client(people, "member", "fr").get(url)
    assert response.status_code == 403
    page = assert_in_french(url, response.content.decode(), "member", english)
    assert "Accès non autorisé" in page.within("h1")


@pytest.mark.django_db
def test_a_missing_translation_is_marked_in_the_readers_language(client_for, group):
    from portal.models import Post

    Post.objects.create(group=group, title_en="English only news", level="public")
    Post.objects.create(group=group, title_fr="Nouvelle en français seulement", level="public")
    client = client_for("anonymous")
    french = client.get(reverse("portal:home"), headers={"accept-language": "fr"}).content.decode()
    assert ('<span lang="en">English only news</span> <small class="fallback">(en anglais)'
            in french)
    english = client.get(reverse("portal:home"), headers={"accept-language": "en"}).content.decode()
    assert ('<span lang="fr">Nouvelle en français seulement</span> '
            '<small class="fallback">(in French)' in english)


@pytest.mark.django_db
def test_forms_label_their_fields_in_french(client_for):
    client = client_for("secretariat")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get(reverse("members:organisation_new")).content.decode()
    for label in ("Sigle", "Nom (anglais)", "Nom (français)", "Type", "Pays", "Langue",
                  "Site web", "Responsable de l’organisation"):
        assert f">{label}" in html, label
    html = client.get(reverse("portal:post_new")).content.decode()
    for label in ("Groupe", "Niveau de diffusion", "Titre (anglais)", "Texte (français)"):
        assert f">{label}" in html, label
    assert "membres de plein droit" in html


def _in_french(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return client


@pytest.mark.django_db
def test_a_taken_short_name_is_refused_in_french(client_for):
    """Django's own messages name the model and field by their translated verbose names."""
    client = _in_french(client_for("secretariat"))
    response = client.post(reverse("members:organisation_new"), {
        "slug": "pita", "name_en": "Another PITA", "kind": "private", "language": "en"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Une autre organisation a déjà cet identifiant court." in html
    assert "already" not in html and "Organisation with this" not in html
    assert ">Identifiant court (dans les adresses web)" in html


@pytest.mark.django_db
def test_the_history_names_fields_values_and_reasons_in_french(client_for, group):
    from members import operations
    from members.models import Organisation, Representative

    client = _in_french(client_for("secretariat"))
    org = Organisation.objects.get(slug="pita")
    response = client.post(reverse("members:organisation_edit", args=[org.slug]), {
        "acronym": org.acronym, "name_en": org.name_en, "name_fr": org.name_fr,
        "kind": "civil_society", "language": org.language, "head_name": "Ms Aiko Tanaka",
        "website": "https://pita.example.org", "expected_version": org.version})
    assert response.status_code == 302
    html = client.get(reverse("history:object", args=["members.organisation", org.pk])
                      ).content.decode()
    for label in ("Type", "Responsable de l’organisation", "Site web"):
        assert f"<strong>{label}</strong>" in html, label
    for name in ("kind", "head_name", "website"):
        assert f"<strong>{name}</strong>" not in html, name
    assert "<del>Secteur privé</del> → <ins>Société civile</ins>" in html

    # Reasons written by the code are stored in English and shown in French.
    year = timezone.localdate().year
    round_ = operations.open_nomination_round(group, year, timezone.localdate(), None)
    letter = round_.letters.get(organisation__slug="gov-fji")
    representative = Representative.objects.get(person__email="member@demo.talanoa.test")
    [nominee] = operations.record_reply(letter, [(representative.person, "alternate")])
    operations.confirm_representative(nominee)
    assert nominee.history.first().history_change_reason == "Confirmed"
    html = client.get(reverse("history:object", args=["members.representative", nominee.pk])
                      ).content.decode()
    assert f"Désigné en réponse à la lettre de {year}" in html and "Confirmé" in html
    assert "<strong>Rôle</strong>" in html and "<ins>Suppléant</ins>" in html
    assert "Nominated" not in html and ">Confirmed<" not in html
    html = client.get(reverse("history:object", args=["members.nominationletter", letter.pk])
                      ).content.decode()
    assert "Rédigée à l’ouverture de la campagne" in html and "Réponse enregistrée" in html
    html = client.get(reverse("history:recent")).content.decode()
    assert "(Organisation, modification)" in html and "(members.organisation," not in html
