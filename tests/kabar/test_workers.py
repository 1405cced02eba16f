"""The extraction pool survives pages whose extraction raises, hangs, eats memory or kills the worker."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

import pytest

from extractors.normalise import PageJob, process_page
from pipeline.workers import ExtractionPool
from records.models import ArticleRow, FailureRow


def _job(name: str, body: bytes = b"") -> PageJob:
    url = f"http://127.0.0.1/{name}"
    return PageJob(
        url=url,
        canonical_url=url,
        final_url=url,
        source_id="t",
        outlet=None,
        timezone="UTC",
        language="en",
        body=body,
        text=None,
        fetched_at=datetime.now(UTC),
    )


def _page(i: int) -> bytes:
    para = " ".join(f"word{j} of a perfectly ordinary news paragraph number {i}" for j in range(40))
    return f"<html lang='en'><head><title>T{i}</title></head><body><article><p>{para}</p></article></body></html>".encode()


def hostile(job: PageJob):  # module level so the forked workers can run it
    kind = job.url.rsplit("/", 1)[1]
    if kind == "hang":
        time.sleep(3600)
    if kind == "crash":
        os._exit(1)
    if kind == "memory":
        hog = []
        while True:
            hog.append(bytearray(64 * 1024 * 1024))
    if kind == "raise":
        raise RuntimeError("boom")
    return process_page(job)


@pytest.mark.parametrize("path", ["map", "submit+collect"])
def test_pool_records_each_bad_page_and_keeps_going(path):
    jobs = [_job(f"ok{i}", _page(i)) for i in range(3)]
    jobs += [
        _job("hang"),
        _job("ok3", _page(3)),
        _job("crash"),
        _job("memory"),
        _job("raise"),
        _job("ok4", _page(4)),
    ]
    with ExtractionPool(2, timeout=4.0, mem_limit_mb=512, func=hostile) as pool:
        if path == "map":
            out = pool.map(jobs)
        else:  # the flow's streaming path: two batches queued at once, collected in order
            first, second = pool.submit(jobs[:4]), pool.submit(jobs[4:])
            out = pool.collect(first) + pool.collect(second)
    assert len(out) == len(jobs)
    by_name = {j.url.rsplit("/", 1)[1]: o for j, o in zip(jobs, out, strict=True)}
    for name in ("ok0", "ok1", "ok2", "ok3", "ok4"):
        assert isinstance(by_name[name], ArticleRow), (name, by_name[name])
    assert isinstance(by_name["hang"], FailureRow) and by_name["hang"].error_class == "extract_timeout"
    assert isinstance(by_name["crash"], FailureRow) and by_name["crash"].error_class == "worker_crashed"
    assert isinstance(by_name["memory"], FailureRow)
    assert by_name["memory"].error_class in ("out_of_memory", "worker_error", "worker_crashed"), by_name[
        "memory"
    ]
    assert isinstance(by_name["raise"], FailureRow) and "boom" in by_name["raise"].error
    for f in (by_name["hang"], by_name["crash"], by_name["memory"], by_name["raise"]):
        assert len(f.error) > 10


def test_process_page_turns_unusable_html_into_a_readable_failure():
    out = process_page(_job("nav", b"<html><body><nav>menu</nav></body></html>"))
    assert isinstance(out, FailureRow)
    assert out.stage == "extract" and "too little main text" in out.error
