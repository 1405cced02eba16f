from flows.ingest import _batches, source_warnings
from records.counts import RunCounts


def test_source_warnings_name_broken_and_silent_sources_only():
    per_source = {
        "ok": RunCounts(discovered=5, new=5),
        "quiet": RunCounts(not_modified=2),
        "broken": RunCounts(discovered=3, failed=3, failure_kinds=(("http_5xx", 3),)),
        "silent": RunCounts(),
    }
    warnings = source_warnings(per_source)
    assert len(warnings) == 2
    assert warnings[0].startswith("broken: broken") and "http_5xx=3" in warnings[0]
    assert warnings[1].startswith("silent: silent")


def test_batches_cover_every_item_once_with_a_small_first_batch():
    items = list(range(1000))
    batches = _batches(items, 200)
    assert [x for b in batches for x in b] == items
    assert len(batches[0]) == 25 and all(len(b) <= 200 for b in batches)
    assert _batches([], 200) == []
