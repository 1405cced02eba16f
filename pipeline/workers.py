"""Long-lived extraction worker processes (one per core), warm and guarded.

CPU-bound work (trafilatura, date and attribution parsing) runs in a pool of forked processes
created once per flow run.  A page whose extraction raises is a ``FailureRow`` (handled inside the
worker).  A page that *hangs* past ``timeout`` or *kills* its worker (segfault, OOM) is recorded as
failed with a reason; the pool is rebuilt and the rest of the batch goes on.  Each worker runs under
an address-space limit so a memory-eating page raises ``MemoryError`` instead of taking the machine.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ALL_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from extractors.normalise import PageJob, process_page
from records.errors import ErrorClass
from records.models import ArticleRow, FailureRow

Outcome = ArticleRow | FailureRow


PARENT_POLL_SECONDS = 0.5


def _exit_with_parent(parent_pid: int) -> None:
    """End this worker as soon as the process that started it is gone, however it died.

    A worker blocked on the pool's queue would otherwise outlive a SIGKILLed run for good, holding
    its memory and the warehouse's files. The check is the parent PID changing (the orphan is adopted
    by init or a subreaper): unlike ``PR_SET_PDEATHSIG`` it does not depend on which thread of the
    parent forked the worker (the pool is restarted from task threads)."""
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)
        time.sleep(PARENT_POLL_SECONDS)


def _init_worker(mem_limit_bytes: int, parent_pid: int) -> None:
    """Runs once in each worker: watch the parent, memory cap, then pay the import/warm-up cost once."""
    if os.getppid() != parent_pid:  # the parent died while this worker was starting
        os._exit(1)
    threading.Thread(
        target=_exit_with_parent, args=(parent_pid,), name="kabar-parent-watch", daemon=True
    ).start()
    if mem_limit_bytes > 0:
        try:
            # a forked child inherits the parent's address space (threads' stacks, mapped libraries),
            # so the cap is "what we have now + mem_limit", not an absolute figure
            with open("/proc/self/statm") as fh:
                current = int(fh.read().split()[0]) * resource.getpagesize()
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = current + mem_limit_bytes
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        except (ValueError, OSError):
            pass
    warm_up()


def release_cycles() -> float:
    """Collect cyclic garbage now; return the seconds it took.

    httpx requests/responses and Prefect futures/states form reference cycles, and the page
    bodies hang off them (a batch's ``FetchResult`` list is a task's return value). Reference
    counting never frees those: only a full collection does, and with a few hundred thousand
    long-lived objects CPython runs one rarely, so a run's memory grew by every page fetched
    between them (hundreds of MB; bench/README.md "memory"). The flow calls this once per batch.
    """
    t0 = time.perf_counter()
    gc.collect()
    return time.perf_counter() - t0


def warm_up() -> None:
    """Import and exercise the parsers once so the first real page pays nothing extra."""
    from extractors.normalise import parse_text

    try:
        parse_text(
            "JAKARTA (ANTARA) - Uji coba pada Selasa (12/11/2024).",
            url="http://warm.up/",
            outlet=None,
            language="id",
            tz="Asia/Jakarta",
            fetched_at=datetime.now(UTC),
        )
    except Exception:
        pass


def _wait_some(
    pending: set[Future[Outcome]], window: float
) -> tuple[set[Future[Outcome]], set[Future[Outcome]]]:
    """(done, still pending) after all of ``pending`` finished or ``window`` seconds passed.

    Not FIRST_COMPLETED: that wakes the caller once per page and re-arms a waiter on every pending
    future each time, O(n^2) per batch, about a tenth of the main process's CPU in the profile.
    Hang detection only needs to know whether anything finished within each window."""
    done, not_done = wait(pending, timeout=window, return_when=ALL_COMPLETED)
    return set(done), set(not_done)


def _failure(job: PageJob, kind: ErrorClass, message: str) -> FailureRow:
    return FailureRow(job.url, job.source_id, "extract", kind, message, False, datetime.now(UTC))


@dataclass
class Ticket:
    """A batch handed to the pool by ``submit``; pass it to ``collect``."""

    jobs: list[PageJob]
    futures: dict[Future[Outcome], int] = field(default_factory=dict)


class ExtractionPool:
    """A process pool that survives hung and crashing pages."""

    def __init__(
        self,
        workers: int = 0,
        *,
        timeout: float = 60.0,
        mem_limit_mb: int = 2048,
        func: Callable[[PageJob], Outcome] = process_page,
    ) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.timeout = timeout
        self.mem_limit_bytes = mem_limit_mb * 1024 * 1024
        self.func = func
        self._executor: ProcessPoolExecutor | None = None
        self.restarts = 0

    # -- lifecycle -----------------------------------------------------------------------
    def _start(self) -> ProcessPoolExecutor:
        if self._executor is None:
            warm_up()  # import + warm the parsers once here; forked workers inherit them
            # Everything alive now (modules, warmed parser tables) lives for the whole process:
            # move it out of the collector's sight, so the per-batch ``release_cycles`` stays
            # cheap and the forked workers' collections do not touch (copy) inherited pages.
            gc.collect()
            gc.freeze()
            ctx = multiprocessing.get_context("fork")
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=ctx,
                initializer=_init_worker,
                initargs=(self.mem_limit_bytes, os.getpid()),
            )
        return self._executor

    def _kill(self) -> None:
        ex = self._executor
        self._executor = None
        if ex is None:
            return
        procs: dict[int, Any] = dict(getattr(ex, "_processes", None) or {})
        for p in procs.values():
            try:
                p.kill()
            except Exception:
                pass
        ex.shutdown(wait=False, cancel_futures=True)
        self.restarts += 1

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> ExtractionPool:
        self._start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- streaming: submit a batch now, collect it later ------------------------------------
    def submit(self, jobs: Sequence[PageJob]) -> Ticket:
        """Queue ``jobs`` on the workers and return at once (the flow fetches/loads meanwhile)."""
        executor = self._start()
        return Ticket(list(jobs), {executor.submit(self.func, job): i for i, job in enumerate(jobs)})

    def collect(self, ticket: Ticket) -> list[Outcome]:
        """Wait for a submitted batch; same guarantees as ``map`` (hangs, crashes -> failures)."""
        jobs = ticket.jobs
        results: dict[int, Outcome] = {}
        lost: list[int] = []
        pending = set(ticket.futures)
        last_progress = time.monotonic()
        while pending:
            done, pending = _wait_some(pending, min(self.timeout, 5.0))
            broken = False
            for fut in done:
                i = ticket.futures[fut]
                try:
                    results[i] = fut.result()
                except (BrokenProcessPool, CancelledError):
                    broken = True
                    lost.append(i)
                except Exception as exc:
                    results[i] = _failure(jobs[i], "worker_error", f"{type(exc).__name__}: {exc}")
            if done:
                last_progress = time.monotonic()
            if broken:
                lost.extend(ticket.futures[f] for f in pending)
                self._kill()
                break
            if pending and time.monotonic() - last_progress >= self.timeout:
                running = [f for f in pending if f.running()]
                for f in running:
                    results[ticket.futures[f]] = _failure(
                        jobs[ticket.futures[f]],
                        "extract_timeout",
                        f"extraction took longer than {self.timeout:g} s; worker killed",
                    )
                lost.extend(ticket.futures[f] for f in pending if f not in running)
                self._kill()
                break
        if lost:  # collateral of a dead or killed worker: run again, isolating any culprit
            for i, outcome in zip(lost, self.map([jobs[i] for i in lost]), strict=True):
                results[i] = outcome
        return [results[i] for i in range(len(jobs))]

    # -- work ----------------------------------------------------------------------------
    def map(self, jobs: Sequence[PageJob]) -> list[Outcome]:
        """Process ``jobs``; results in input order, one per job, never raises for a page."""
        results: dict[int, Outcome] = {}
        todo = list(range(len(jobs)))
        suspects: list[int] = []  # jobs that were in flight when a worker died
        while todo or suspects:
            if todo:
                died = self._run(jobs, todo, results)
                todo = []
                suspects.extend(died)
            else:
                # isolate suspects one at a time: the one that breaks the pool again is the culprit
                i = suspects.pop(0)
                died = self._run(jobs, [i], results)
                for j in died:
                    results[j] = _failure(
                        jobs[j],
                        "worker_crashed",
                        "extraction worker process died on this page (crash or killed)",
                    )
        return [results[i] for i in range(len(jobs))]

    def _run(self, jobs: Sequence[PageJob], indices: list[int], results: dict[int, Outcome]) -> list[int]:
        """Run ``indices``; fill ``results``; return indices lost to a dead worker (to retry alone)."""
        executor = self._start()
        futures: dict[Future[Outcome], int] = {executor.submit(self.func, jobs[i]): i for i in indices}
        pending = set(futures)
        lost: list[int] = []
        last_progress = time.monotonic()
        while pending:
            done, pending = _wait_some(pending, min(self.timeout, 5.0))
            broken = False
            for fut in done:
                i = futures[fut]
                try:
                    results[i] = fut.result()
                except (BrokenProcessPool, CancelledError):
                    broken = True
                    lost.append(i)
                except Exception as exc:  # pickling errors and the like
                    results[i] = _failure(jobs[i], "worker_error", f"{type(exc).__name__}: {exc}")
            if done:
                last_progress = time.monotonic()
            if broken:
                lost.extend(futures[f] for f in pending)
                self._kill()
                return lost
            if pending and time.monotonic() - last_progress >= self.timeout:
                # nothing finished for `timeout` seconds: the running pages are stuck
                running = [f for f in pending if f.running()]
                for f in running:
                    i = futures[f]
                    results[i] = _failure(
                        jobs[i],
                        "extract_timeout",
                        f"extraction took longer than {self.timeout:g} s; worker killed",
                    )
                requeue = [futures[f] for f in pending if f not in running]
                self._kill()
                if requeue:
                    lost_again = self._run(jobs, requeue, results)
                    lost.extend(lost_again)
                return lost
        return lost


__all__ = ["ExtractionPool", "Ticket", "release_cycles", "warm_up"]
