"""The suite's own promises: a unit test needs no browser library installed, and every test
that starts a process through the shared fixtures is marked ``slow``."""

from __future__ import annotations

import runpy
import sys

from tests import conftest

#: Fixtures that start a process: a Redis server (the embedded broker of an SQLite run, a
#: test's own), a Celery worker, Chromium, Django's live server.
PROCESS_FIXTURES = {"broker", "own_redis", "worker", "chromium", "live_server"}


def test_the_shared_fixtures_load_without_playwright(monkeypatch):
    """Only the browser fixtures import Playwright, when a browser test asks for them."""
    for name in [m for m in sys.modules if m.partition(".")[0] == "playwright"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "playwright", None)  # any import of it now fails
    fixtures = runpy.run_path(conftest.__file__)
    assert "chromium" in fixtures


def test_every_test_starting_a_process_through_a_fixture_is_marked_slow(request):
    """Checked on the tests of this run: `make test-fast` would run an unmarked one."""
    unmarked = [
        item.nodeid
        for item in request.session.items
        if PROCESS_FIXTURES & set(getattr(item, "fixturenames", ()))
        and item.get_closest_marker("slow") is None
    ]
    assert unmarked == []
