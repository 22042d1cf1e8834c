"""Figures computed once per check run: several rules and the narrative the check renders
(P118) need the same comparisons and 项 rows of one book; while :func:`one_run` is active
they are computed once and shared. Outside a run every call computes afresh (fill, narrate
and publish change nothing the figures come from in between, and need nothing shared).
A shared result is read, never changed: a caller that changes one copies it first."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

_RUN: ContextVar[dict | None] = ContextVar("xlfin_run_memo", default=None)
T = TypeVar("T")


@contextmanager
def one_run() -> Iterator[None]:
    """The span of one check run: figures asked for again are the ones computed first
    (within a span already open, the same span)."""
    if _RUN.get() is not None:
        yield
        return
    token = _RUN.set({})
    try:
        yield
    finally:
        _RUN.reset(token)


def once_per_run(func: Callable[..., T]) -> Callable[..., T]:
    """*func(book, profile)*, computed once per book and format within a run."""

    @functools.wraps(func)
    def wrapper(book, profile) -> T:
        memo = _RUN.get()
        if memo is None:
            return func(book, profile)
        key = (func, id(book), id(profile))
        hit = memo.get(key)
        if hit is None:  # the book and format are kept with the result: their ids stay theirs
            hit = memo[key] = (func(book, profile), book, profile)
        return hit[0]

    return wrapper
