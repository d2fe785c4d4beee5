"""The audit sample: which published comments the moderators are asked to confirm.

Moderators see only what the models hold; labels from those alone are one-sided and teach a
model to hold less and less (issue 17). So a share of what the workers publish is put
before them too: every comment scored just under a hold threshold ("near"), and a random
share of the others ("random"), drawn from a keyed hash of the comment's id: the same
comment is always drawn the same way, and readers cannot tell which comments will be.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from moderation import policy
from moderation.conf import moderation_settings
from moderation.models import AuditPick


def random_draw(comment_id: int) -> float:
    """A number in [0, 1) fixed for ``comment_id`` by a keyed hash (``SECRET_KEY``)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"moderation-audit:{comment_id}".encode(), hashlib.sha256
    ).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def audit_pick(comment_id: int, facts: policy.Facts, rules: policy.PolicyRules) -> str:
    """Why the published comment should be confirmed by a moderator, or "" if it need not."""
    band = moderation_settings.AUDIT_NEAR_BAND
    spam_hold, toxicity_hold = policy.hold_thresholds(facts, rules)
    near = (spam_hold - band <= facts.spam_score < spam_hold) or (
        toxicity_hold - band <= facts.toxicity_score < toxicity_hold
    )
    if band and near:
        return AuditPick.NEAR
    if random_draw(comment_id) < moderation_settings.AUDIT_SHARE:
        return AuditPick.RANDOM
    return AuditPick.NONE
