"""The shared types: the closed set of error classes, documented once, and run accounting."""

from __future__ import annotations

from typing import get_args

import pytest

from records.counts import COUNT_FIELDS, RunCounts, add_to, total
from records.errors import ERROR_CLASSES, ErrorClass, as_error_class, http_error_class


def test_every_error_class_is_documented_once() -> None:
    members = get_args(ErrorClass)
    assert len(members) == len(set(members))
    assert set(ERROR_CLASSES) == set(members)
    assert all(text and text[0].islower() for text in ERROR_CLASSES.values())


@pytest.mark.parametrize(
    ("status", "expected"),
    [(404, "http_404"), (410, "http_410"), (429, "http_429"), (418, "http_4xx"), (499, "http_4xx")]
    + [(500, "http_5xx"), (503, "http_5xx"), (599, "http_5xx"), (304, "http_other"), (100, "http_other")],
)
def test_http_statuses_map_into_the_closed_set(status: int, expected: str) -> None:
    assert http_error_class(status) == expected
    assert http_error_class(status) in ERROR_CLASSES


def test_a_stored_string_is_checked_against_the_set() -> None:
    assert as_error_class("timeout") == "timeout"
    with pytest.raises(ValueError, match="not a Kabar error class"):
        as_error_class("failed:timeout")


def test_run_counts_add_up_per_field_and_per_error_class() -> None:
    a = RunCounts(discovered=3, failed=2, failure_kinds=(("http_404", 1), ("timeout", 1)))
    b = RunCounts(discovered=1, new=1, failed=1) + RunCounts.of_failures(["timeout"])
    assert a + b == RunCounts(discovered=4, new=1, failed=3, failure_kinds=(("http_404", 1), ("timeout", 2)))
    tally: dict[str, RunCounts] = {}
    add_to(tally, "antara", a)
    add_to(tally, "antara", b)
    add_to(tally, "detik", RunCounts(not_modified=2, error="feed 503"))
    summed = total(tally)
    assert (summed.discovered, summed.failed, summed.not_modified) == (4, 3, 2)
    assert summed.error == "feed 503"
    assert tally["antara"].kinds_text() == "http_404=1, timeout=2"
    assert tally["antara"].loaded == 1
    row = tally["antara"].as_dict()
    assert set(row) == {*COUNT_FIELDS, "failure_kinds"} and row["failed"] == 3
