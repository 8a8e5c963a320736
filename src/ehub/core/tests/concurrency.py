"""Real concurrency for tests on PostgreSQL: threads released together, each with its own
database connection (STYLE rule 20: threads or processes, never mocks)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def race(work: Callable[[int], Any], threads: int = 20, *, timeout: float = 90) -> list[Any]:
    """Run ``work(i)`` in ``threads`` threads started together; return results or exceptions.

    A thread still running after ``timeout`` seconds fails the test (a deadlock or a lock held
    too long)."""
    barrier = threading.Barrier(threads)
    results: list[Any] = [None] * threads

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # collected and asserted on by the test
            results[i] = exc
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=timeout)
    assert not any(worker.is_alive() for worker in workers), "a thread hung (deadlock?)"
    return results
