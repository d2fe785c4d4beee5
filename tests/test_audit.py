"""The audit sample: published comments the moderators confirm, and the labels they make."""

import pytest
from django.test import override_settings

from moderation import policy, services
from moderation.conf import moderation_settings
from moderation.models import AuditPick, Comment, ModerationEvent, Status, TrainingLabel
from moderation.services.audit import audit_pick, random_draw
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

RULES = policy.PolicyRules.from_settings(moderation_settings)


def facts(spam: float = 0.1, toxicity: float = 0.1) -> policy.Facts:
    return policy.Facts("testo", spam, toxicity, spam_threshold=0.5, toxicity_threshold=0.6)


def test_a_score_just_under_its_hold_threshold_is_always_picked():
    with override_settings(MODERATION={"AUDIT_SHARE": 0, "AUDIT_NEAR_BAND": 0.15}):
        assert audit_pick(1, facts(toxicity=0.5), RULES) == AuditPick.NEAR
        assert audit_pick(1, facts(spam=0.36), RULES) == AuditPick.NEAR
        assert audit_pick(1, facts(toxicity=0.44), RULES) == AuditPick.NONE
        assert audit_pick(1, facts(), RULES) == AuditPick.NONE


def test_the_random_share_is_drawn_by_a_keyed_hash_of_the_id():
    with override_settings(MODERATION={"AUDIT_SHARE": 0.08}):
        picked = [pk for pk in range(1, 5001) if audit_pick(pk, facts(), RULES)]
        again = [pk for pk in range(1, 5001) if audit_pick(pk, facts(), RULES)]
    assert picked == again
    assert 0.065 < len(picked) / 5000 < 0.095
    first = random_draw(7)
    with override_settings(SECRET_KEY="another-site"):
        assert random_draw(7) != first


def test_the_workers_mark_the_published_picks_and_only_those(an_article):
    clean = make_comment(an_article, status=Status.PENDING)
    held = make_comment(an_article, status=Status.PENDING)
    decisions = {
        clean.pk: (policy.Decision(Status.PUBLISHED), None, {}),
        held.pk: (policy.Decision(Status.HELD, ["toxicity"]), None, {}),
    }
    services.apply_decisions(decisions, audit_picks={clean.pk: AuditPick.RANDOM})
    assert list(Comment.objects.to_audit()) == [Comment.objects.get(pk=clean.pk)]
    assert Comment.objects.get(pk=clean.pk).status == Status.PUBLISHED


def test_a_confirmation_keeps_the_comment_published_and_is_a_weighted_label_once(
    an_article, a_moderator
):
    comment = make_comment(an_article, audit_pick=AuditPick.RANDOM, toxicity_score=0.2)
    with override_settings(MODERATION={"AUDIT_SHARE": 0.1}):
        services.confirm_audit(comment, by=a_moderator)
        services.confirm_audit(comment, by=a_moderator)
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED and comment.audited_at is not None
    assert not Comment.objects.to_audit().exists()
    event = ModerationEvent.objects.get(comment=comment)
    assert (event.action, event.user, event.to_status) == (
        "audit_confirmed",
        a_moderator,
        Status.PUBLISHED,
    )
    label = TrainingLabel.objects.get(comment=comment)
    assert (label.is_spam, label.is_toxic, label.source) == (False, False, "audit_random")
    assert label.weight == pytest.approx(10.0)


def test_rejecting_an_audit_pick_takes_it_off_the_audit_queue_with_its_source(
    an_article, a_moderator
):
    comment = make_comment(an_article, audit_pick=AuditPick.NEAR)
    services.reject(comment, by=a_moderator, reason="offensive")
    comment.refresh_from_db()
    assert comment.audited_at is not None
    label = TrainingLabel.objects.get(comment=comment)
    assert (label.is_toxic, label.source, label.weight) == (True, "audit_near", 1.0)


@pytest.mark.parametrize(
    ("start", "fields", "source"),
    [
        (Status.HELD, {}, "held"),
        (Status.HELD, {"reports_count": 3}, "report"),
        (Status.PUBLISHED, {}, "other"),
    ],
)
def test_each_label_says_how_its_comment_came_before_a_moderator(
    start, fields, source, an_article, a_moderator
):
    comment = make_comment(an_article, status=start, **fields)
    services.mark_spam(comment, by=a_moderator)
    assert TrainingLabel.objects.get(comment=comment).source == source


def test_a_comment_that_is_no_pick_cannot_be_confirmed_into_a_label(an_article, a_moderator):
    comment = make_comment(an_article)
    services.confirm_audit(comment, by=a_moderator)
    assert not TrainingLabel.objects.exists()
    assert not ModerationEvent.objects.exists()
