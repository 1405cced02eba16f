"""The page's byline merged into the attribution (extractors/credits.py), and the site-name and
publisher helpers it relies on.  Expected values written by hand from the rules in the module."""

from __future__ import annotations

import pytest

from extractors.attribution import parse_attribution
from extractors.attribution_table import load_agency_table
from extractors.credits import merge_page_credits, split_byline
from extractors.extract import page_publisher, site_name

TABLE = load_agency_table()


@pytest.mark.parametrize(
    ("raw", "outlet", "people", "agencies"),
    [
        ("Adam Vidler and AP", "9News", ["Adam Vidler"], ["AP"]),
        ("Associated Press in Valencia", "The Guardian", [], ["AP"]),
        ("By Reuters", "Yahoo News", [], ["Reuters"]),
        ("The Associated Press", "Global News", [], ["AP"]),
        ("Associated Press writer Jane Doe", "SFGate", ["Jane Doe"], ["AP"]),
        ("Jane Doe, Senior Reporter", "Daily Planet", ["Jane Doe"], []),
        ("Jane Doe Senior Reporter", "Daily Planet", ["Jane Doe"], []),
        ("Josiah Motley Senior Editor", "KnowTechie", ["Josiah Motley"], []),
        ("Jane Doe | CNN", "Daily Planet", ["Jane Doe"], ["CNN"]),
        ("Thabo Mokone, Parliamentary editor", "TimesLIVE", ["Thabo Mokone"], []),
        ("Guardian staff reporter", "The Guardian", [], []),
        ("Ilanga D", "Ilanga News", [], []),
        ("Lesotho Times", "Lesotho Times", [], []),
        ("news@example.com", "Daily Planet", [], []),
        # seen on unlabelled German, French, Italian and Japanese pages of the dates corpus
        ("Capital Von Jemima Kelly", "stern.de", ["Jemima Kelly"], []),
        ("Autor Monika Bolliger", "SRF", ["Monika Bolliger"], []),
        ("Le Figaro et AFP", "Le Figaro", [], ["AFP"]),
        ("N-Tv Nachrichten", "n-tv.de", [], []),
        ("Hessenschau De", "hessenschau.de", [], []),
        ("MDR SACHSEN-ANHALT", "mdr.de", [], []),
        ("Amw", "kicker", [], []),
        ("red, Agenturen", "news.ORF.at", [], []),
        ("MM-Redaktion", "Mallorca Magazin", [], []),
        ("Nikkei Inc", "日本経済新聞", [], []),
    ],
)
def test_split_byline(raw: str, outlet: str, people: list[str], agencies: list[str]) -> None:
    assert split_byline(raw, TABLE, outlet=outlet) == (people, agencies)


def test_byline_agency_is_credited_not_cited_and_never_a_reporter() -> None:
    text = "Documents obtained by The Associated Press show the court records were sealed for years."
    a = parse_attribution(text, outlet="9News")
    merged = merge_page_credits(a, ("Associated Press",))
    assert (merged.agencies, merged.cited_agencies, merged.reporters) == (("AP",), (), ())


def test_own_outlet_in_the_byline_is_nobody() -> None:
    a = parse_attribution("The council met on Monday.", url="https://www.cbc.ca/news/x")
    assert merge_page_credits(a, ("CBC News",)).agencies == ()


def test_slug_beside_the_name_and_the_publisher_are_not_people() -> None:
    a = parse_attribution("Park tickets went up again this year.", outlet="Daily Star")
    assert merge_page_credits(a, ("Sophie Foster", "Sophie-Foster")).reporters == ("Sophie Foster",)
    b = parse_attribution("Scientists in Minnesota test a new battery.", outlet="The New Yorker")
    merged = merge_page_credits(b, ("Condé Nast", "Rachel Riederer"), publisher="Copyright (c) Condé Nast")
    assert merged.reporters == ("Rachel Riederer",)
    # a word of the publisher's name is not a reason to drop a person
    c = merge_page_credits(b, ("Ann Lee",), publisher="Annapurna Post")
    assert c.reporters == ("Ann Lee",)


def test_site_name_without_its_tagline() -> None:
    url = "https://www.9news.com.au/world/x"
    assert site_name("Breaking Australian and World News Headlines - 9News", url) == "9News"
    assert site_name("The Guardian", "https://www.theguardian.com/x") == "The Guardian"
    assert (
        site_name("Kompas.com - Berita Terkini dan Terbaru Hari Ini", "https://example.org/") == "Kompas.com"
    )
    assert site_name("Politics | Local | News", "https://example.org/") == "Politics | Local | News"


def test_page_publisher() -> None:
    assert (
        page_publisher('<meta name="copyright" content="Copyright (c) Condé Nast"/>')
        == "Copyright (c) Condé Nast"
    )
    assert page_publisher(
        '<script>{"publisher": {"@type": "Organization", "name": "Lesotho Times"}}</script>'
    ) == ("Lesotho Times")
    assert page_publisher("<html><head></head></html>") is None


def test_a_lone_word_among_names_is_not_a_person() -> None:
    a = parse_attribution("Die Regierung in Kenia kündigte am Montag neue Steuern an.", outlet="junge Welt")
    merged = merge_page_credits(a, ("Anna Martel", "Lea Wagner", "Nairobi"))
    assert merged.reporters == ("Anna Martel", "Lea Wagner")
    alone = merge_page_credits(a, ("Eddie",))  # a single one-word byline is kept
    assert alone.reporters == ("Eddie",)


def test_the_site_of_the_url_is_never_credited() -> None:
    a = parse_attribution("Die Bundesregierung plant neue Regeln.", outlet="DER SPIEGEL, Hamburg, Germany")
    merged = merge_page_credits(a, ("DER SPIEGEL",), url="https://www.spiegel.de/politik/x")
    assert merged.agencies == () and merged.reporters == ()


def test_byline_under_the_headline() -> None:
    from extractors.credits import visible_credits

    lines = (
        "von",
        "Dr. Max Kolter",
        "20.10.2025",
        "Bei dem Verfahren in Karlsruhe geht es um Getriebeteile.",
    )
    assert visible_credits(lines, TABLE, outlet="Legal Tribune Online") == (["Max Kolter"], [])
    assert visible_credits(
        ("Aktualisiert am 28. April 2023", "Quelle: dpa Sport"), TABLE, outlet="ZEIT ONLINE"
    ) == (
        [],
        ["dpa"],
    )
    assert visible_credits(("By Jane Doe and John Roe | Updated 3 hours ago",), TABLE, outlet="KXAN") == (
        ["Jane Doe", "John Roe"],
        [],
    )
    assert visible_credits(("By Letters To The Editor",), TABLE, outlet="The Mercury News") == ([], [])
    # the page's own author fields win; the line's people are only a fallback, its agencies always count
    a = parse_attribution("Die Polizei sperrte die Autobahn.", outlet="ZEIT ONLINE")
    merged = merge_page_credits(a, ("Anna Weber",), visible=("Von Karl Braun", "Quelle: dpa"))
    assert (merged.reporters, merged.agencies) == (("Anna Weber",), ("dpa",))
