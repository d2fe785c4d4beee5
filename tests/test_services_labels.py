"""Every moderator's decision becomes a training label; restoring and the classifier do not."""

import pytest

from moderation import policy, services
from moderation.models import ModerationEvent, RejectReason, Status, TrainingLabel
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


def _scored_comment(article, **fields):
    return make_comment(
        article,
        status=Status.HELD,
        author_email="Mario@Example.ORG",
        author_url="https://mario.example.org",
        spam_score=0.71,
        toxicity_score=0.12,
        model_version="spam-2026.11",
        **fields,
    )


@pytest.mark.parametrize(
    ("action", "reason", "is_spam", "is_toxic"),
    [
        (services.approve, "", False, False),
        (services.mark_ham, "", False, False),
        (services.mark_spam, "", True, None),
        (services.reject, RejectReason.SPAM, True, None),
        (services.reject, RejectReason.OFFENSIVE, None, True),
        (services.reject, RejectReason.OFF_TOPIC, None, None),
    ],
)
def test_a_moderators_decision_is_stored_as_a_training_label(
    an_article, a_moderator, action, reason, is_spam, is_toxic
):
    comment = _scored_comment(an_article, text="Compra ora su example.com")
    action(comment, by=a_moderator, reason=reason)
    label = TrainingLabel.objects.get()
    assert (label.is_spam, label.is_toxic) == (is_spam, is_toxic)
    assert label.comment == comment
    assert label.text == "Compra ora su example.com"
    assert label.author_name == comment.author_name
    assert label.author_url == "https://mario.example.org"
    assert label.author_email_domain == "example.org"
    assert (label.spam_score, label.toxicity_score) == (0.71, 0.12)
    assert label.model_version == "spam-2026.11"
    assert label.moderator == a_moderator
    assert label.action == ModerationEvent.objects.get(comment=comment).action


def test_restoring_a_comment_to_the_queue_is_no_verdict(an_article, a_moderator):
    comment = _scored_comment(an_article)
    services.restore(comment, by=a_moderator)
    assert not TrainingLabel.objects.exists()
    assert ModerationEvent.objects.get(comment=comment).action == "restored"


def test_the_classifiers_decisions_are_not_labels(an_article):
    comment = make_comment(an_article, status=Status.PENDING)
    decision = policy.Decision(Status.HELD, ["spam 0.90 ≥ 0.80"])
    services.apply_decisions({comment.pk: (decision, None, {})})
    assert not TrainingLabel.objects.exists()


def test_a_label_outlives_its_comment(an_article, a_moderator):
    comment = _scored_comment(an_article)
    services.mark_spam(comment, by=a_moderator)
    comment.delete()
    label = TrainingLabel.objects.get()
    assert label.comment is None
    assert label.is_spam is True
