"""Turns a comment's scores and rule hits into a decision with its reasons.

Pure functions: the services layer gathers the facts (scores, author rules, history) and
applies the decision. Reasons are short, language-neutral strings shown to moderators,
e.g. ``toxicity 0.91 ≥ 0.80`` or ``3 links``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .classifiers.normalize import compile_word_list, normalize
from .conf import moderation_settings

PUBLISHED, HELD, SPAM, REJECTED = "published", "held", "spam", "rejected"

#: What counts as a link in a comment (also the admin's "has links" filter, in SQL).
LINK_PATTERN = r"(https?://|www\.|<a\s)"
_LINK = re.compile(LINK_PATTERN, re.IGNORECASE)


@dataclass(frozen=True)
class Facts:
    """Everything the policy looks at for one comment."""

    text: str
    spam_score: float
    toxicity_score: float
    spam_threshold: float  # the model's own threshold, used when the setting is None
    toxicity_threshold: float
    blocked_by: str = ""  # e.g. "blocked email", set by the services layer from AuthorRules
    trusted: bool = False
    approved_before: int = 0


@dataclass
class Decision:
    status: str
    reasons: list[str] = field(default_factory=list)


def count_links(text: str) -> int:
    return len(_LINK.findall(text))


@lru_cache(maxsize=16)
def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    return compile_word_list(words)


def matched_words(text: str, words: tuple[str, ...] | list[str]) -> list[str]:
    """The words of a moderators' list found in ``text`` (case, accents, obfuscation ignored)."""
    pattern = _word_pattern(tuple(words))
    if pattern is None:
        return []
    return sorted(set(pattern.findall(normalize(text))))


def _threshold(setting: float | None, model_default: float) -> float:
    return model_default if setting is None else float(setting)


def decide(facts: Facts) -> Decision:
    s = moderation_settings
    if facts.blocked_by:
        return Decision(SPAM, [facts.blocked_by])
    blocked = matched_words(facts.text, s.BLOCKED_WORDS)
    if blocked:
        return Decision(SPAM, [f"blocked word: {', '.join(blocked)}"])

    spam_hold = _threshold(s.SPAM_HOLD_THRESHOLD, facts.spam_threshold)
    toxicity_hold = _threshold(s.TOXICITY_HOLD_THRESHOLD, facts.toxicity_threshold)
    spam, toxicity = facts.spam_score, facts.toxicity_score
    if s.SPAM_REJECT_THRESHOLD is not None and spam >= s.SPAM_REJECT_THRESHOLD:
        return Decision(SPAM, [f"spam {spam:.2f} ≥ {s.SPAM_REJECT_THRESHOLD:.2f}"])
    if s.TOXICITY_REJECT_THRESHOLD is not None and toxicity >= s.TOXICITY_REJECT_THRESHOLD:
        return Decision(REJECTED, [f"toxicity {toxicity:.2f} ≥ {s.TOXICITY_REJECT_THRESHOLD:.2f}"])

    reasons = []
    skip_scores = facts.trusted and s.TRUSTED_AUTHORS_SKIP_SCORES
    if not skip_scores:
        if spam >= spam_hold:
            reasons.append(f"spam {spam:.2f} ≥ {spam_hold:.2f}")
        if toxicity >= toxicity_hold:
            reasons.append(f"toxicity {toxicity:.2f} ≥ {toxicity_hold:.2f}")
        if s.FIRST_COMMENTS_HELD and facts.approved_before < s.FIRST_COMMENTS_HELD:
            reasons.append(f"new author: {facts.approved_before} approved comments")
    links = count_links(facts.text)
    if s.MAX_LINKS and links >= s.MAX_LINKS:
        reasons.append(f"{links} links")
    watched = matched_words(facts.text, s.WATCH_WORDS)
    if watched:
        reasons.append(f"watch word: {', '.join(watched)}")
    if reasons:
        return Decision(HELD, reasons)
    return Decision(PUBLISHED, ["trusted author"] if facts.trusted else [])
