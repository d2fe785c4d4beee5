"""Deprecated alias of ``moderation.section.counts`` (moved in 0.2; removed in 0.3)."""

import warnings

from moderation.section.counts import with_comment_counts

warnings.warn(
    "moderation.counts moved to moderation.section.counts",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["with_comment_counts"]
