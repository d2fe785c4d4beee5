"""Deprecated alias of ``moderation.section.caching`` (moved in 0.2; removed in 0.3)."""

import warnings

from moderation.section.caching import cache_comment_page

warnings.warn(
    "moderation.caching moved to moderation.section.caching",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["cache_comment_page"]
