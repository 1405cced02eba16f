"""Attribution parser: human-labelled one-line cases, golden articles, the agency table, speed.

Every expected value here was written by a person reading the text (see
``tests/fixtures/attribution/README.md``), never copied from parser output.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import time
from pathlib import Path

import pytest

from extractors.attribution import (
    LABEL_FIELDS,
    Attribution,
    load_agency_table,
    parse_attribution,
    to_label_dict,
)
from extractors.attribution_table import AgencyTable, read_agency_csv

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "attribution"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CORPUS = SHARED / "corpus" / "id-articles.jsonl"
EMPTY: dict[str, object] = {
    "dateline_place": None,
    "outlet": None,
    "agencies": [],
    "cited_agencies": [],
    "reporters": [],
    "editors": [],
    "staff_initials": [],
    "translators": [],
    "translated_from": None,
}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


CASES = _jsonl(FIXTURES / "cases.jsonl")
EXCERPTS = _jsonl(FIXTURES / "id_excerpts.jsonl")
GOLDEN = sorted((FIXTURES / "golden").glob("*.expected.json"))
KNOWN_MISSES = {
    # "according to a blog post for InfoAmazonia": an outlet absent from the table, behind a cue
    # the parser does not model; kept to keep the measured figures honest.
    "vice.com.amazon": "InfoAmazonia cited via 'a blog post for' (unknown outlet)",
}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_tricky_cases(case: dict) -> None:
    a = parse_attribution(
        case["text"], url=case.get("url"), outlet=case.get("outlet"), language=case.get("language")
    )
    assert to_label_dict(a) == {**EMPTY, **case["expected"]}
    assert set(case.get("flags", [])) <= set(a.flags)


def test_case_table_covers_catalogue() -> None:
    ids = {c["id"] for c in CASES}
    assert len(CASES) >= 40
    for row in ["D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9", "D10", "D11", "D12", "D13"]:
        assert any(i.startswith(row + "-") for i in ids), row


@pytest.mark.parametrize("case", EXCERPTS, ids=[c["id"] for c in EXCERPTS])
def test_id_article_excerpts(case: dict) -> None:
    a = parse_attribution(case["text"], url=case["url"])
    assert to_label_dict(a) == case["expected"]


def _golden_text(file: str) -> str:
    path = FIXTURES / file
    if file.endswith(".html.gz"):
        trafilatura = pytest.importorskip("trafilatura")
        html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        return trafilatura.extract(html, fast=True) or ""
    return path.read_text(encoding="utf-8")


def _golden_params() -> list:
    params = []
    for path in GOLDEN:
        name = path.name.removesuffix(".expected.json")
        marks = [pytest.mark.xfail(reason=KNOWN_MISSES[name], strict=True)] if name in KNOWN_MISSES else []
        params.append(pytest.param(path, id=name, marks=marks))
    return params


@pytest.mark.parametrize("path", _golden_params())
def test_golden(path: Path) -> None:
    spec = json.loads(path.read_text(encoding="utf-8"))
    inp = spec["input"]
    a = parse_attribution(
        _golden_text(inp["file"]), url=inp.get("url"), outlet=inp.get("outlet"), language=inp.get("language")
    )
    assert to_label_dict(a) == spec["expected"]


def test_founding_article_evidence_and_flags() -> None:
    text = (FIXTURES / "egindo-shoigu.txt").read_text(encoding="utf-8")
    a = parse_attribution(text, url="https://www.egindo.co/x/")
    assert ("agencies", "Channel NewsAsia", "Sumber : CNA/SL") in a.evidence
    assert ("dateline_place", "Beijing", "Beijing | EGINDO.co –") in a.evidence
    assert "translated_implied" in a.flags
    assert a.reporters == () and a.cited_agencies == ()


@pytest.mark.skipif(
    not CORPUS.exists(),
    reason="../shared/corpus/id-articles.jsonl is not here: the labels of the 67 Indonesian corpus articles were not checked",
)
def test_id_corpus_full_texts() -> None:
    texts = {r["id"]: r["text"] for r in _jsonl(CORPUS)}
    labels = _jsonl(FIXTURES / "id_corpus.expected.jsonl")
    wrong = []
    for lab in labels:
        got = to_label_dict(parse_attribution(texts[lab["id"]], url=lab["url"]))
        if got != lab["expected"]:
            wrong.append((lab["id"], {k: got[k] for k in got if got[k] != lab["expected"][k]}))
    assert not wrong, wrong


@pytest.mark.serial
@pytest.mark.skipif(
    not CORPUS.exists(),
    reason="../shared/corpus/id-articles.jsonl is not here: parse speed on it was not checked",
)
def test_speed_on_id_corpus() -> None:
    texts = [(r["text"], "https://www." + r["outlet"] + "/") for r in _jsonl(CORPUS)]
    load_agency_table()
    parse_attribution(texts[0][0], url=texts[0][1])  # warm-up
    start = time.perf_counter()
    for _ in range(3):
        for text, url in texts:
            parse_attribution(text, url=url)
    per_article = (time.perf_counter() - start) / (3 * len(texts))
    assert per_article < 0.010  # budget 2 ms on an idle machine; generous for a shared CI box


# --------------------------------------------------------------------------- API / table


def test_to_label_dict_exact_fields_and_lists() -> None:
    a = parse_attribution("LONDON (Reuters) - Shares fell.", outlet="Yahoo")
    d = to_label_dict(a)
    assert tuple(d) == LABEL_FIELDS
    assert d["agencies"] == ["Reuters"] and isinstance(d["reporters"], list)
    json.dumps(d)


def test_attribution_is_frozen() -> None:
    a = parse_attribution("")
    assert isinstance(a, Attribution)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.outlet = "x"  # type: ignore[misc]


def test_outlet_never_none_with_url() -> None:
    assert parse_attribution("Some text.", url="https://news.example.org/a").outlet == "news.example.org"
    assert parse_attribution("", url="https://www.kompas.com/x").outlet == "Kompas"


def test_table_loads_and_is_cached() -> None:
    t1 = load_agency_table()
    assert t1 is load_agency_table()
    assert len(t1.entries) >= 40
    canon = {e.canonical for e in t1.entries}
    for name in [
        "AP",
        "Reuters",
        "AFP",
        "Antara",
        "Channel NewsAsia",
        "Central News Agency",
        "Xinhua",
        "Bernama",
        "dpa",
        "TASS",
        "PTI",
        "Kompas",
        "detik",
        "CNN Indonesia",
        "CNBC Indonesia",
        "Liputan6",
        "Tempo",
        "Republika",
        "jpnn",
        "Bisnis",
        "Tribun",
        "iNews",
        "Merdeka",
        "Kontan",
        "Media Indonesia",
        "Okezone",
        "Suara",
        "IDN Times",
        "EGINDO.co",
        "The Jakarta Post",
    ]:
        assert name in canon, name
    assert t1.resolve("cna") == ("Channel NewsAsia", "Central News Agency")
    assert t1.resolve("(ANTARA)") == ("Antara",)
    assert t1.by_host("www.antaranews.com") == "Antara"
    assert t1.by_host("money.kompas.com") == "Kompas"
    assert t1.resolve_inline("antara") == ()  # the Indonesian word "between"
    assert t1.resolve_inline("PTI") == ()  # slot-only


def test_table_csv_is_clean() -> None:
    import csv

    path = Path(__file__).resolve().parents[2] / "seeds" / "agencies.csv"
    raw = path.read_bytes()
    raw.decode("utf-8")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["canonical", "aliases", "country", "kind", "domains", "slot_only_aliases"]
    assert all(len(r) == 6 for r in rows)
    assert len({r[0] for r in rows[1:]}) == len(rows) - 1  # canonical names unique
    assert read_agency_csv(path)


def test_custom_table(tmp_path: Path) -> None:
    csv_path = tmp_path / "agencies.csv"
    csv_path.write_text(
        "canonical,aliases,country,kind,domains,slot_only_aliases\n"
        'Kabar Wire,"KW|Kabar Wire",ID,agency,kabarwire.example,KW\n',
        encoding="utf-8",
    )
    table = load_agency_table(csv_path)
    assert isinstance(table, AgencyTable)
    a = parse_attribution("BANDUNG (KW) - Hujan deras.", outlet="Harian X", agencies=table)
    assert a.agencies == ("Kabar Wire",) and a.dateline_place == "BANDUNG"


def test_bad_csv_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "canonical,aliases,country,kind,domains,slot_only_aliases\nX,X,ID,newspaper,,\n", encoding="utf-8"
    )
    with pytest.raises(ValueError):
        read_agency_csv(bad)


# --------------------------------------------------------------------------- general rules added for unseen pages

RULE_CASES = [
    # (text, url, expected subset) — each a different rule, labelled from the catalogue
    (
        "CHENNAI: The state cabinet approved the plan on Monday.\n(With inputs from ANI)",
        None,
        {"dateline_place": "CHENNAI", "agencies": ["ANI"]},
    ),
    (
        "Rain flooded roads in the city.\nOfficials urged caution.\nXinhua contributed to this report.",
        None,
        {"agencies": ["Xinhua"], "reporters": []},
    ),
    (
        "Stocks slipped on Friday.\n--With assistance from Ana Monteiro and Tom Rees.",
        None,
        {"reporters": ["Ana Monteiro", "Tom Rees"]},
    ),
    (
        "Lucknow, Feb 3 (PTI) The board met on Saturday.\nPTI XYZ\n"
        "(This story has not been edited by our staff and is auto-generated from a syndicated feed.)",
        None,
        {"dateline_place": "Lucknow", "agencies": ["PTI"], "staff_initials": ["XYZ"]},
    ),
    (
        "Chennai [India], March 3 (ANI): The court adjourned the case.",
        None,
        {"dateline_place": "Chennai", "agencies": ["ANI"]},
    ),
    (
        "Polisi menutup jalan itu.\nSementara itu, warga diminta tenang. (antara/jpnn)\nRedaktur : Budi",
        None,
        {"agencies": ["Antara"], "reporters": [], "editors": ["Budi"]},
    ),
    (
        "TEMPO.CO, Bandung - Hujan deras turun sejak pagi.\nDINI PRAMITA | ANTARA",
        "https://www.tempo.co/x",
        {"dateline_place": "Bandung", "agencies": ["Antara"], "reporters": ["DINI PRAMITA"]},
    ),
    (
        "Seoul CNN — The court ruled on Tuesday.\nIt was final.",
        "https://edition.cnn.com/2024/x",
        {"dateline_place": "Seoul"},
    ),
    (
        "KONTAN.CO.ID - BANDUNG. Harga beras naik lagi.\nReporter: Ani | Editor: Budi Santoso",
        None,
        {"dateline_place": "BANDUNG", "reporters": ["Ani"], "editors": ["Budi Santoso"]},
    ),
    ("Dana itu disalurkan lewat yayasan, menurut Reuters Foundation, Senin.", None, {"cited_agencies": []}),
    (
        "The mayor, Michael Bloomberg reported, was absent.\nApple reported record revenue.",
        None,
        {"cited_agencies": []},
    ),
    (
        "Harga naik.\nWarga mengeluh.\n(abc/def)\nLihat Juga :\nHarga Cabai Naik Lagi di Pasar Induk",
        None,
        {"staff_initials": ["abc", "def"]},
    ),
]


@pytest.mark.parametrize("text,url,expected", RULE_CASES)
def test_general_rules(text: str, url: str | None, expected: dict) -> None:
    got = to_label_dict(parse_attribution(text, url=url))
    assert {k: got[k] for k in expected} == expected
