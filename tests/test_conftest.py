"""The suite's own promises: a unit test needs no browser library installed."""

from __future__ import annotations

import runpy
import sys

from tests import conftest


def test_the_shared_fixtures_load_without_playwright(monkeypatch):
    """Only the browser fixtures import Playwright, when a browser test asks for them."""
    for name in [m for m in sys.modules if m.partition(".")[0] == "playwright"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "playwright", None)  # any import of it now fails
    fixtures = runpy.run_path(conftest.__file__)
    assert "chromium" in fixtures
