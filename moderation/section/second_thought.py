"""A second thought before posting: the web process asks once when a comment looks offensive
or repeats one of the reader's own. It only asks; every check and the classification
still run when the reader posts anyway.

The acknowledgement ("post anyway") is a signature of the text it was given for: it skips
this prompt for that text only, and nothing else reads it.
"""

from __future__ import annotations

import hashlib
import logging

from django.core import signing
from django.utils.translation import gettext_lazy as _

from moderation.conf import moderation_settings
from moderation.learning import loaded_models
from moderation.models import Comment
from moderation.services import Submission, classifier_input

logger = logging.getLogger(__name__)

ACK_FIELD = "second_thought"
ACK_SALT = "moderation.second-thought"
_NGRAM = 3
_PREVIOUS = 5  # the reader's latest own comments on the target compared with the new one

#: What the reader is told, by kind. Never the score, never the words.
MESSAGES = {
    "offensive": _(
        "Your comment may come across as offensive. If you post it, a moderator will "
        "review it before it is published."
    ),
    "repeated": _("Your comment is very similar to one you have already posted here."),
}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def acknowledgement(text: str) -> str:
    """The value of the "post anyway" button for this text."""
    return signing.Signer(salt=ACK_SALT).sign(_digest(text))


def is_acknowledged(value: str, text: str) -> bool:
    """Whether the reader chose "post anyway" for exactly this text."""
    try:
        return signing.Signer(salt=ACK_SALT).unsign(value) == _digest(text)
    except signing.BadSignature:
        return False


def _ngrams(text: str) -> set[str]:
    folded = " ".join(text.casefold().split())
    return {folded[i : i + _NGRAM] for i in range(max(len(folded) - _NGRAM + 1, 1))}


def similarity(a: str, b: str) -> float:
    """Sørensen–Dice similarity of the texts' character trigrams (case and spacing ignored)."""
    left, right = _ngrams(a), _ngrams(b)
    return 2 * len(left & right) / (len(left) + len(right))


def _likely_offensive(sub: Submission) -> bool:
    try:
        model = loaded_models.get_models()["toxicity"]
        toxicity = float(model.predict_proba([classifier_input(sub)])[0])
    except Exception:  # the prompt is a courtesy: a missing or broken model never blocks posting
        logger.warning("toxicity model unavailable in the web process; no second thought")
        return False
    threshold = moderation_settings.SECOND_THOUGHT_THRESHOLD
    if threshold is None:
        threshold = moderation_settings.TOXICITY_HOLD_THRESHOLD
    if threshold is None:
        threshold = model.threshold
    return toxicity >= threshold


def _repeats_previous(sub: Submission) -> bool:
    """Whether ``sub`` nearly repeats one of the reader's own comments here: those of their
    signed cookie, never those of the typed email (which would tell whose an address is)."""
    if not sub.own_comment_ids:
        return False  # a new reader: nothing to compare with, no query
    previous = (
        Comment.objects.for_target(sub.target)
        .filter(pk__in=sub.own_comment_ids)
        .order_by("-created_at", "-pk")
        .values_list("text", flat=True)[:_PREVIOUS]
    )
    limit = moderation_settings.SECOND_THOUGHT_SIMILARITY
    return any(text != sub.text and similarity(text, sub.text) >= limit for text in previous)


def reasons_to_ask(sub: Submission) -> list[str]:
    """The kinds of second thought this submission calls for (keys of ``MESSAGES``)."""
    if not moderation_settings.SECOND_THOUGHT:
        return []
    kinds = []
    if _likely_offensive(sub):
        kinds.append("offensive")
    if _repeats_previous(sub):
        kinds.append("repeated")
    return kinds
