"""Each target's comments version, kept in Django's cache: a number of seconds that grows
whenever a comment of the target changes in a way a reader may see. Cached pages and live
answers are keyed by it, so invalidating them is one write."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import BaseCache, caches
from django.db import transaction

from moderation.conf import moderation_settings
from moderation.models import Comment


def page_cache() -> BaseCache:
    """The cache holding the versions and the rendered pages (``PAGE_CACHE_ALIAS``)."""
    return caches[moderation_settings.PAGE_CACHE_ALIAS]


def _key(content_type_id: int, object_pk: str) -> str:
    return f"moderation:comments-version:{content_type_id}:{object_pk}"


def comments_version(content_type_id: int, object_pk: str) -> int:
    """The target's version; a target not seen yet (or evicted) starts at the current time,
    so that a version never comes back to a value an older page was cached under."""
    cache, key = page_cache(), _key(content_type_id, object_pk)
    version = cache.get(key)
    if version is None:
        cache.add(key, int(time.time()), timeout=None)
        version = cache.get(key, int(time.time()))
    return version


def bump(content_type_id: int, object_pk: str) -> None:
    """Mark the target's comments as changed: a new version, at least a second later."""
    cache, key = page_cache(), _key(content_type_id, object_pk)
    cache.set(key, max(int(time.time()), (cache.get(key) or 0) + 1), timeout=None)


#: The targets changed within ``one_bump_per_target``, bumped when it ends.
_collected: ContextVar[set[tuple[int, str]] | None] = ContextVar("collected", default=None)


@contextmanager
def one_bump_per_target() -> Iterator[None]:
    """Within it, the targets changed are bumped once each, as it ends (a batch's signals,
    sent after its transaction committed, would otherwise bump a target per comment)."""
    collected: set[tuple[int, str]] = set()
    token = _collected.set(collected)
    try:
        yield
    finally:
        _collected.reset(token)
        for content_type_id, object_pk in collected:
            bump(content_type_id, object_pk)


def targets_changed(targets: Iterable[tuple[int, str]]) -> None:
    """Bump the version of every ``(content_type_id, object_pk)`` once the transaction
    commits (a comment, a pick or the target's discussion mode changed)."""
    targets = set(targets)
    collected = _collected.get()
    if collected is not None:
        collected.update(targets)
        return

    def bump_all() -> None:
        for content_type_id, object_pk in targets:
            bump(content_type_id, object_pk)

    transaction.on_commit(bump_all)


def comments_changed(comments: Iterable[Comment]) -> None:
    """Bump the version of every target of ``comments`` once the transaction commits."""
    targets_changed((c.content_type_id, c.object_pk) for c in comments)
