"""Turns a comment's scores and rule hits into a decision with its reasons.

Pure functions: the services layer gathers the facts (scores, author rules, history) and
the rules (``PolicyRules.from_settings(moderation_settings)``: the caller hands the settings
in, this module reads none) and applies the decision, so a decision can be replayed with
other rules. Reasons are short, language-neutral strings shown to moderators, e.g.
``toxicity 0.91 ≥ 0.80`` or ``3 links``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any

from moderation.classifiers.normalize import compile_word_list, normalize
from moderation.models.statuses import Status

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
    premoderated: bool = False  # the target's discussion is pre-moderated: a human decides


#: The reason a comment on a pre-moderated target is held, whatever its scores.
PREMODERATED_REASON = "pre-moderated article"


@dataclass(frozen=True)
class PolicyRules:
    """Every setting the policy reads; each field is the lower-case name of its setting."""

    blocked_words: tuple[str, ...]  # a match marks the comment as spam
    watch_words: tuple[str, ...]  # a match holds it
    spam_hold_threshold: float | None  # None: the model's own threshold
    toxicity_hold_threshold: float | None
    spam_reject_threshold: float | None  # None: never rejected on the score alone
    toxicity_reject_threshold: float | None
    max_links: int
    first_comments_held: int
    trusted_authors_skip_scores: bool

    @classmethod
    def from_settings(
        cls, settings: object, overrides: Mapping[str, Any] | None = None
    ) -> PolicyRules:
        """The rules ``settings`` (``conf.moderation_settings``, or any object with the same
        attributes) give, with ``overrides`` by setting name (e.g. to simulate)."""
        names = {f.name.upper(): f.name for f in fields(cls)}
        unknown = set(overrides or {}) - set(names)
        if unknown:
            raise ValueError(f"not settings of the policy: {', '.join(sorted(unknown))}")
        values = {name: getattr(settings, name) for name in names}
        values.update(overrides or {})
        rules = {names[name]: value for name, value in values.items()}
        rules["blocked_words"] = tuple(rules["blocked_words"])
        rules["watch_words"] = tuple(rules["watch_words"])
        return cls(**rules)


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


def hold_thresholds(facts: Facts, rules: PolicyRules) -> tuple[float, float]:
    """The spam and toxicity scores from which a comment is held."""
    return (
        _threshold(rules.spam_hold_threshold, facts.spam_threshold),
        _threshold(rules.toxicity_hold_threshold, facts.toxicity_threshold),
    )


def decide(facts: Facts, rules: PolicyRules) -> Decision:
    """Spam and rejections first (a pre-moderated target changes nothing there: spam still
    goes to spam), then every reason to hold; no reason: published."""
    if facts.blocked_by:
        return Decision(Status.SPAM, [facts.blocked_by])
    blocked = matched_words(facts.text, rules.blocked_words)
    if blocked:
        return Decision(Status.SPAM, [f"blocked word: {', '.join(blocked)}"])

    spam_hold, toxicity_hold = hold_thresholds(facts, rules)
    spam, toxicity = facts.spam_score, facts.toxicity_score
    spam_reject, toxicity_reject = rules.spam_reject_threshold, rules.toxicity_reject_threshold
    if spam_reject is not None and spam >= spam_reject:
        return Decision(Status.SPAM, [f"spam {spam:.2f} ≥ {spam_reject:.2f}"])
    if toxicity_reject is not None and toxicity >= toxicity_reject:
        return Decision(Status.REJECTED, [f"toxicity {toxicity:.2f} ≥ {toxicity_reject:.2f}"])

    reasons = []
    skip_scores = facts.trusted and rules.trusted_authors_skip_scores
    if not skip_scores:
        if spam >= spam_hold:
            reasons.append(f"spam {spam:.2f} ≥ {spam_hold:.2f}")
        if toxicity >= toxicity_hold:
            reasons.append(f"toxicity {toxicity:.2f} ≥ {toxicity_hold:.2f}")
        first_held = rules.first_comments_held
        if first_held and facts.approved_before < first_held:
            reasons.append(f"new author: {facts.approved_before} approved comments")
    links = count_links(facts.text)
    if rules.max_links and links >= rules.max_links:
        reasons.append(f"{links} links")
    watched = matched_words(facts.text, rules.watch_words)
    if watched:
        reasons.append(f"watch word: {', '.join(watched)}")
    if facts.premoderated:
        reasons.append(PREMODERATED_REASON)
    if reasons:
        return Decision(Status.HELD, reasons)
    return Decision(Status.PUBLISHED, ["trusted author"] if facts.trusted else [])
