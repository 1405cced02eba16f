"""Date phrases in text, resolved against the publication time (docs/dates.md rules 1-7).

The case table ``tests/fixtures/dates/cases.jsonl`` was labelled by hand from the rules (weekdays
checked against a calendar), not produced by the code under test.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from extractors.dates import DateMention, find_date_mentions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dates"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CASES = [
    json.loads(line) for line in (FIXTURES / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line
]


def _as_expected(m: DateMention) -> dict[str, object]:
    fmt = "%Y-%m-%dT%H:%M" if m.granularity == "minute" else "%Y-%m-%d"
    return {
        "span": m.text,
        "value": m.value.strftime(fmt),
        "granularity": m.granularity,
        "kind": m.kind,
        "flags": sorted(m.flags),
    }


def _run(case: dict) -> tuple[DateMention, ...]:
    return find_date_mentions(
        case["text"],
        reference=datetime.fromisoformat(case["reference"]),
        tz=case["tz"],
        language=case["lang"],
    )


def test_case_table_is_big_enough() -> None:
    assert len(CASES) >= 60
    assert {c["lang"] for c in CASES} >= {"id", "en"}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_phrase_case(case: dict) -> None:
    mentions = _run(case)
    assert [_as_expected(m) for m in mentions] == case["expect"]
    for m in mentions:
        assert case["text"][m.start : m.end] == m.text
        assert m.value.tzinfo is not None
        assert m.value.utcoffset() == m.value.astimezone(ZoneInfo(case["tz"])).utcoffset()


def test_founding_article_resolves_selasa_12_november() -> None:
    seed = (FIXTURES / "egindo-shoigu-excerpt.txt").read_text(encoding="utf-8")
    for published in ("2024-11-12T20:15:00+07:00", "2024-11-13T08:00:00+07:00"):
        mentions = find_date_mentions(seed, reference=datetime.fromisoformat(published), tz="Asia/Jakarta")
        first = mentions[0]
        assert first.text == "Selasa (12 November)"
        assert first.value == datetime(2024, 11, 12, tzinfo=ZoneInfo("Asia/Jakarta"))
        assert (first.granularity, first.kind, first.flags) == ("day", "day_month", ())


def test_naive_reference_is_source_local() -> None:
    (m,) = find_date_mentions("kemarin", reference=datetime(2024, 11, 12, 0, 30), tz="Asia/Jakarta")
    assert m.value == datetime(2024, 11, 11, tzinfo=ZoneInfo("Asia/Jakarta"))


def test_reference_in_utc_is_converted_before_taking_the_day() -> None:
    # 18:30 UTC on the 12th is 01:30 WIB on the 13th: "kemarin" is the 12th
    ref = datetime(2024, 11, 12, 18, 30, tzinfo=ZoneInfo("UTC"))
    (m,) = find_date_mentions("kemarin", reference=ref, tz="Asia/Jakarta")
    assert m.value.date().isoformat() == "2024-11-12"


def test_empty_text() -> None:
    assert find_date_mentions("", reference=datetime(2024, 1, 1), tz="UTC") == ()


@pytest.mark.serial
@pytest.mark.skipif(
    not (SHARED / "corpus" / "id-articles.jsonl").exists(), reason="/work/shared corpus absent"
)
def test_corpus_articles_fast_and_sane() -> None:
    rows = [
        json.loads(x)
        for x in (SHARED / "corpus" / "id-articles.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    ref = datetime(2020, 6, 30, 15, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    t0 = time.perf_counter()
    found = [find_date_mentions(r["text"], reference=ref, tz="Asia/Jakarta", language="id") for r in rows]
    per_article = (time.perf_counter() - t0) / len(rows)
    assert per_article < 0.02  # generous: ~1 ms on an idle core; CI machines are shared
    total = sum(len(f) for f in found)
    assert total > 100
    # the weekday-with-date style is the corpus's main date form and must be read
    texts = {m.text for f in found for m in f}
    assert "Selasa (30/6/2020)" in texts and "Jumat (26/6)" in texts
